import { expect, Page, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { printedAdmin, signIn } from "./helpers";

// Grids render on the server from the URL alone: with JavaScript off (the "ssr" project) the
// filters, sort, chips, pager and record tabs all work as plain links and GET forms.

function cli(args: string[]): string {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return execFileSync(
    process.env.CARTWISE_BIN!,
    ["--data-dir", process.env.CARTWISE_E2E_DATA!, "--log", "warn", ...args],
    { env },
  ).toString();
}

/** Opens the filter panel (it is open already while filters apply). */
async function openFilters(page: Page) {
  const panel = page.locator("details.grid-filter-panel");
  if ((await panel.getAttribute("open")) === null) await panel.locator("summary").click();
}

test.beforeAll(async () => {
  // The first sync of the demo store takes a while on a busy machine.
  test.setTimeout(240_000);
  await expect
    .poll(
      () => JSON.parse(cli(["channel", "list", "--json"])).find((c: { name: string }) => c.name === "Demo store")?.last_success_at ?? null,
      { timeout: 180_000, intervals: [1000] },
    )
    .not.toBeNull();
});

test("a grid's state in the URL renders on the server", async ({ page }, info) => {
  const admin = printedAdmin();
  await signIn(page, info, admin.email, admin.password);
  const response = await page.goto("/orders?is_guest=false&sort=-grand_total&per_page=25&cols=increment_id,grand_total,is_guest");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("list", { name: "Filters applied" })).toContainText("Guest: No");
  await expect(page.locator("th[aria-sort='descending']")).toContainText("Grand total");
  await expect(page.locator("table.grid-table thead th")).toHaveCount(3);
  const rows = page.locator("table.grid-table tbody tr");
  await expect(rows).toHaveCount(25);
  await expect(rows.locator("td:nth-child(3)")).toHaveText(Array(25).fill("No"));

  // The filter panel is a plain GET form.
  await openFilters(page);
  const filters = page.getByRole("form", { name: "Filters" });
  await filters.getByRole("group", { name: "State" }).getByLabel("Complete", { exact: true }).check();
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/state=complete/);
  await expect(page.getByRole("list", { name: "Filters applied" })).toContainText("State: Complete");
  await expect(page.getByRole("list", { name: "Filters applied" })).toContainText("Guest: No");

  // Paging is links.
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByText(/Page 2 of/)).toBeVisible();
});

test("a bad URL parameter is a clear message with status 400, not an error page", async ({ page }, info) => {
  const admin = printedAdmin();
  await signIn(page, info, admin.email, admin.password);
  const response = await page.goto("/carts?created_at_min=2026-02-30&email=%27%3B%20drop%20table%20carts%3B--");
  expect(response?.status()).toBe(400);
  await expect(page.getByRole("alert")).toContainText("enter a date as YYYY-MM-DD");
  await page.getByRole("link", { name: "Reset this grid" }).click();
  await expect(page.locator("table.grid-table tbody tr").first()).toBeVisible();
  const missing = await page.goto("/orders/999999999");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});
