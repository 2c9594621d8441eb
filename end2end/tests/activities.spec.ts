import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { addUserByCli, hydrated, signIn, uniqueEmail } from "./helpers";

// A sales rep works an abandoned cart: logs a call, creates a task for tomorrow, finds it on the
// landing page and in My tasks, and closes it. A viewer reads the activity and cannot log one.

const shots = process.env.E2E_SCREENSHOTS ?? "../target/e2e/screenshots";
mkdirSync(shots, { recursive: true });
const password = "a long activities password";

function channels(): { name: string; last_success_at: string | null }[] {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return JSON.parse(
    execFileSync(
      process.env.CARTWISE_BIN!,
      ["--data-dir", process.env.CARTWISE_E2E_DATA!, "--log", "warn", "channel", "list", "--json"],
      { env },
    ).toString(),
  );
}

// The demo store's first sync brings the carts this works on.
test.beforeAll(async () => {
  test.setTimeout(240_000);
  await expect
    .poll(() => channels().find((c) => c.name === "Demo store")?.last_success_at ?? null, {
      timeout: 180_000,
      intervals: [1000],
    })
    .not.toBeNull();
});

function tomorrow(): string {
  const d = new Date(Date.now() + 36 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

test("a sales rep logs a call and a task on a cart and closes the task from My tasks", async ({ page }, info) => {
  test.setTimeout(120_000);
  const rep = uniqueEmail("activities-rep");
  addUserByCli(rep, "sales", password);
  await signIn(page, info, rep, password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  // An abandoned cart from the grid.
  await page.goto("/carts?status=open&abandoned=true");
  const href = await page.locator('main a[href^="/carts/"]').evaluateAll((links) =>
    links.map((a) => a.getAttribute("href") ?? "").find((h) => /^\/carts\/\d+$/.test(h)),
  );
  expect(href, "an abandoned cart").toBeTruthy();
  await page.goto(`${href}?tab=activities`);
  await hydrated(page, info);

  // A call.
  await page.getByLabel("Subject").fill("Asked about the items left in the cart");
  await page.getByLabel("Outcome").fill("voicemail");
  await page.getByLabel("Duration (minutes)").fill("2");
  await page.getByRole("button", { name: "Save" }).click();
  const list = page.locator("ol.activities");
  await expect(list.locator(".activity-item[data-kind='call']").first()).toContainText("Outbound call · voicemail · 2 min", { timeout: 20_000 });

  // A task with a due date in the past is refused next to the field; tomorrow is fine.
  const subject = `Call back ${Date.now()}`;
  await page.getByRole("radio", { name: "Create a task" }).check();
  await page.locator("input[name=subject]").fill(subject);
  await page.locator("input[name=due]").fill("2020-01-01");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator(".field-error")).toContainText("The date has passed");
  await page.locator("input[name=due]").fill(tomorrow());
  await page.locator("select[name=priority]").selectOption("high");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(list.locator(".activity-item[data-kind='task']").first()).toContainText(subject, { timeout: 20_000 });
  await page.screenshot({ path: `${shots}/activities-1-cart.png`, fullPage: true });

  // The landing page's first card, and My tasks.
  await page.goto("/");
  await hydrated(page, info);
  await expect(page.locator(".my-tasks-card")).toContainText(subject);
  await page.goto("/tasks");
  await hydrated(page, info);
  const row = page.locator(".task-row", { hasText: subject });
  await expect(row).toHaveCount(1);
  await page.screenshot({ path: `${shots}/activities-2-my-tasks.png`, fullPage: true });
  await row.getByRole("button", { name: "Done" }).click();
  await expect(page.locator(".task-row", { hasText: subject })).toHaveCount(0, { timeout: 20_000 });
  await page.getByRole("button", { name: "Sign out" }).click();

  // A viewer reads the activities, without the form.
  const viewer = uniqueEmail("activities-viewer");
  addUserByCli(viewer, "viewer", password);
  await signIn(page, info, viewer, password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.goto(`${href}?tab=activities`);
  await hydrated(page, info);
  await expect(page.locator("ol.activities")).toContainText(subject);
  await expect(page.locator(".activity-form")).toHaveCount(0);
});
