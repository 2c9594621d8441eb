import { expect, Page, TestInfo } from "@playwright/test";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

/** The first administrator, as the server printed it on its first start (with the password
 * the test command chose in CARTWISE_ADMIN_PASSWORD, or the generated one it printed). */
export function printedAdmin(): { email: string; password: string } {
  const log = readFileSync(process.env.CARTWISE_SERVER_LOG!, "utf8");
  const email =
    /Email:\s+(\S+)/.exec(log)?.[1] ?? /First administrator created: (\S+)/.exec(log)?.[1];
  const password = process.env.CARTWISE_ADMIN_PASSWORD || /Password:\s+(\S+)/.exec(log)?.[1];
  if (!email || !password) throw new Error("the server log has no printed administrator");
  return { email, password };
}

/** True when the test runs with JavaScript (the hydrated app). */
export function withJs(info: TestInfo): boolean {
  return info.project.use.javaScriptEnabled !== false;
}

/** Waits until the WASM has hydrated the page (no-op without JavaScript). */
export async function hydrated(page: Page, info: TestInfo) {
  if (withJs(info)) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 20_000 });
  }
}

export async function signIn(page: Page, info: TestInfo, email: string, password: string) {
  await page.goto("/login");
  await hydrated(page, info);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You are signed out.")).toBeVisible();
}

/** A unique email for this run, so tests never share rows. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Creates a user through the CLI against the server's database. */
export function addUserByCli(email: string, role: string, password: string) {
  execFileSync(
    process.env.CARTWISE_BIN!,
    ["--data-dir", process.env.CARTWISE_E2E_DATA!, "--log", "warn", "user", "add", "--email", email, "--role", role, "--password", password],
    { env: withoutDatabaseUrl() },
  );
}

function withoutDatabaseUrl(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return env;
}
