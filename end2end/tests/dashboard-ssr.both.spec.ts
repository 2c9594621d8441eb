import { expect, test } from "@playwright/test";
import { printedAdmin, signIn } from "./helpers";

// Served HTML alone (the "ssr" project runs this with JavaScript off): the numbers and the
// charts are in the page before any WASM runs.

test("the dashboard and its charts are rendered on the server", async ({ page }, info) => {
  const admin = printedAdmin();
  await signIn(page, info, admin.email, admin.password);
  await page.goto("/?range=90d");
  await expect(page.locator('[data-kpi="revenue"] .kpi-value')).toHaveText(/\d/);
  for (const id of ["revenue-chart", "orders-chart", "cart-status-chart", "funnel-chart"]) {
    await expect(page.locator(`#${id} svg[role="img"]`)).toHaveCount(1);
  }
  await expect(page.locator("#revenue-chart path.chart-line")).toHaveCount(2);
  // Changing the range is a plain link.
  await page.getByRole("link", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/range=7d/);
  await expect(page.locator(".range-pill-active")).toHaveText("Last 7 days");
});
