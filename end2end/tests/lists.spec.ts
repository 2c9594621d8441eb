import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { addUserByCli, hydrated, signIn, uniqueEmail } from "./helpers";

// A marketing user builds "subscribed customers in Germany with lifetime sales ≥ 100" in the
// customers grid, saves it as a list, exports it, and the CSV holds exactly the grid's people;
// removing a member leaves the customer alone. A viewer reads lists and cannot build one.

const shots = process.env.E2E_SCREENSHOTS ?? "../target/e2e/screenshots";
mkdirSync(shots, { recursive: true });
const password = "a long marketing password";
const FILTER = "country=DE&subscription=subscribed&lifetime_sales_min=100";

function cli(args: string[]): string {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return execFileSync(
    process.env.CARTWISE_BIN!,
    ["--data-dir", process.env.CARTWISE_E2E_DATA!, "--log", "warn", ...args],
    { env },
  ).toString();
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  await expect
    .poll(
      () =>
        JSON.parse(cli(["channel", "list", "--json"])).find((c: { name: string }) => c.name === "Demo store")
          ?.last_success_at ?? null,
      { timeout: 180_000, intervals: [1000] },
    )
    .not.toBeNull();
});

/** The values of one column of a CSV body (simple fields: emails never hold quotes). */
function column(csv: string, name: string): string[] {
  const lines = csv.replace(/^\uFEFF/, "").trim().split(/\r\n/);
  const header = lines[0].split(",");
  const at = header.indexOf(name);
  expect(at, `${name} in ${header}`).toBeGreaterThanOrEqual(0);
  return lines.slice(1).map((l) => l.split(",")[at].replace(/^"|"$/g, "")).sort();
}

test("a marketing user segments customers, saves the list and exports what the grid shows", async ({ page }, info) => {
  test.setTimeout(120_000);
  const marketer = uniqueEmail("lists-marketing");
  addUserByCli(marketer, "marketing", password);
  await signIn(page, info, marketer, password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();

  await page.goto(`/customers?${FILTER}`);
  await hydrated(page, info);
  await expect(page.getByRole("list", { name: "Filters applied" })).toContainText("Country");
  const name = `Germany, subscribed, 100+ ${Date.now()}`;
  await page.locator("summary", { hasText: "Save as list" }).click();
  await page.locator("input[name=list_name]").fill(name);
  await page.getByRole("button", { name: "Save list" }).click();
  await expect(page).toHaveURL(/\/lists\/\d+$/, { timeout: 20_000 });
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  const listId = page.url().split("/").pop();
  await page.screenshot({ path: `${shots}/lists-1-members.png`, fullPage: true });

  // The list's export holds exactly the grid's people (the grid's own CSV, same filter).
  const grid = await page.request.get(`/api/export_customers?query=${encodeURIComponent(FILTER)}`);
  expect(grid.ok()).toBeTruthy();
  const gridEmails = column(await grid.text(), "Email");
  expect(gridEmails.length, "German subscribers with 100+ in sales in the demo store").toBeGreaterThan(0);
  const listCsv = await page.request.get(`/api/export_marketing_list?id=${listId}`);
  expect(listCsv.ok()).toBeTruthy();
  expect(listCsv.headers()["content-type"]).toContain("text/csv");
  expect(column(await listCsv.text(), "Email")).toEqual(gridEmails);
  await expect(page.locator(".list-count")).toHaveText(String(gridEmails.length));

  // Exported as a campaign: each person's contact count goes up.
  const campaign = await page.request.get(`/api/export_marketing_list?id=${listId}&contacted=true`);
  expect(campaign.ok()).toBeTruthy();
  await page.reload();
  await hydrated(page, info);
  await expect(page.locator("table.list-members tbody tr").first().locator("td").nth(5)).toHaveText("1");

  // Removing a member takes it off the list only.
  const before = gridEmails.length;
  await page.locator("table.list-members tbody tr").first().getByRole("button", { name: "Remove" }).click();
  await expect(page.locator(".list-count")).toHaveText(String(before - 1), { timeout: 20_000 });
  await expect(page.locator(".list-facts")).toContainText("1 removed by hand");
  const gridAfter = await page.request.get(`/api/export_customers?query=${encodeURIComponent(FILTER)}`);
  expect(column(await gridAfter.text(), "Email").length).toBe(before);

  // Built-in lists exist for the demo store.
  await page.goto("/lists");
  await expect(page.locator(".lists-table")).toContainText("Abandoned carts · Demo store");
  await expect(page.locator(".lists-table")).toContainText("Lapsed customers");
  await page.screenshot({ path: `${shots}/lists-2-index.png`, fullPage: true });
});

test("a viewer reads lists and cannot build or change one", async ({ page }, info) => {
  const viewer = uniqueEmail("lists-viewer");
  addUserByCli(viewer, "viewer", password);
  await signIn(page, info, viewer, password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.goto(`/customers?${FILTER}`);
  await hydrated(page, info);
  await expect(page.locator("summary", { hasText: "Save as list" })).toHaveCount(0);
  const refused = await page.request.post("/api/create_marketing_list", {
    data: { list: { name: "Nope", entity: "customers", kind: "dynamic", query: FILTER } },
  });
  expect(refused.status()).toBe(403);
  await page.goto("/lists");
  await expect(page.locator(".lists-table")).toContainText("Subscribed to the newsletter");
});
