import { expect, Page, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { hydrated, printedAdmin, signIn } from "./helpers";

// Reports: each has a chart, a table and a CSV export whose totals match the dashboard.

function lastSyncDone(): boolean {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const out = execFileSync(
    process.env.CARTWISE_BIN!,
    ["--data-dir", process.env.CARTWISE_E2E_DATA!, "--log", "warn", "channel", "list", "--json"],
    { env },
  ).toString();
  return JSON.parse(out).some((c: { name: string; last_success_at: string | null }) => c.name === "Demo store" && c.last_success_at);
}

/** Reads a downloaded CSV (no quoted commas in the columns summed here). */
async function downloadCsv(page: Page, button: string): Promise<Record<string, string>[]> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: button }).first().click()]);
  const text = readFileSync((await download.path())!, "utf8");
  const [header, ...lines] = text.trim().split("\r\n");
  const keys = header.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [keys[i], v])));
}

/** `12,345.67` → ten-thousandths. */
function units(text: string): bigint {
  const clean = text.replace(/[^0-9.\-]/g, "");
  const [whole, fraction = ""] = clean.split(".");
  return BigInt(whole || "0") * 10000n + BigInt((fraction + "0000").slice(0, 4));
}

test.describe("reports", () => {
  test.beforeEach(async ({ page }, info) => {
    await expect.poll(lastSyncDone, { timeout: 120_000, intervals: [1000] }).toBe(true);
    const admin = printedAdmin();
    await signIn(page, info, admin.email, admin.password);
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await hydrated(page, info);
  });

  test("the Reports menu lists the four reports", async ({ page }) => {
    await page.getByRole("complementary", { name: "Main menu" }).getByRole("link", { name: "Reports" }).click();
    for (const name of ["Sales by period", "Carts by status", "Abandoned carts", "Customers by lifetime value"]) {
      await expect(page.getByRole("link", { name: new RegExp(name) })).toBeVisible();
    }
  });

  test("sales by period exports a CSV whose totals match the dashboard", async ({ page }) => {
    // Last month is over: live demo orders land today, so both pages see the same orders.
    await page.goto("/?range=last-month");
    const revenueText = (await page.locator('[data-kpi="revenue"] .kpi-value').textContent())!;
    const label = (await page.locator('[data-kpi="revenue"] .kpi-label').textContent())!;
    const currency = /\((\w+)\)/.exec(label)![1];
    const orders = Number((await page.locator('[data-kpi="orders"] .kpi-value').textContent())!.replace(/,/g, ""));

    await page.goto(`/reports/sales?range=last-month&granularity=week&currency=${currency}`);
    await expect(page).toHaveURL(/granularity=week/);
    await expect(page.locator("#sales-revenue-chart svg")).toBeVisible();
    await expect(page.locator(`tfoot tr[data-total="${currency}"] td`).nth(2)).toHaveText(revenueText);

    const rows = await downloadCsv(page, "Export CSV");
    const mine = rows.filter((r) => r.currency === currency);
    const revenue = mine.reduce((s, r) => s + units(r.revenue), 0n);
    expect(revenue).toBe(units(revenueText));
    expect(rows.reduce((s, r) => s + Number(r.orders), 0)).toBe(orders);
  });

  test("abandoned carts and carts by status agree with the dashboard", async ({ page }) => {
    // The demo store is live: a cart touched between two page loads stops being abandoned, so
    // both pages are read again until they agree.
    await expect
      .poll(
        async () => {
          await page.goto("/?range=30d");
          const abandoned = (await page.locator('[data-kpi="abandoned-carts"] .kpi-value').textContent())!;
          const rate = (await page.locator('[data-kpi="abandon-rate"] .kpi-value').textContent())!;
          await page.goto("/reports/abandoned-carts?range=30d");
          const total = await page.locator('[data-kpi="abandoned-total"] .kpi-value').textContent();
          const reportRate = await page.locator('[data-kpi="abandoned-rate"] .kpi-value').textContent();
          const weeks = await downloadCsv(page, "Export weeks (CSV)");
          const summed = weeks.reduce((s, r) => s + Number(r.abandoned), 0);
          return total === abandoned && reportRate === rate && summed === Number(abandoned.replace(/,/g, ""));
        },
        { timeout: 60_000, intervals: [3000] },
      )
      .toBe(true);

    await expect
      .poll(
        async () => {
          await page.goto("/reports/carts-by-status?range=30d&granularity=week");
          await expect(page.locator("#carts-status-chart svg")).toBeVisible();
          const byStatus = await downloadCsv(page, "Export CSV");
          const open = byStatus.reduce((s, r) => s + Number(r.open), 0);
          await page.goto("/?range=30d");
          const openBar = await page.locator("#cart-status-chart table tbody tr").first().locator("td").textContent();
          return openBar?.startsWith(`${open.toLocaleString("en-US")} ·`);
        },
        { timeout: 60_000, intervals: [3000] },
      )
      .toBe(true);
  });

  test("customers by lifetime value scores every customer 1 to 5", async ({ page }) => {
    await page.goto("/reports/customers");
    await expect(page.locator("#rfm-heatmap svg")).toBeVisible();
    const rows = await downloadCsv(page, "Export CSV");
    expect(rows.length).toBeGreaterThan(10);
    for (const key of ["r", "f", "m"]) {
      const scores = new Set(rows.map((r) => r[key]));
      for (const s of scores) expect(["1", "2", "3", "4", "5"]).toContain(s);
    }
    const values = rows.map((r) => units(r.lifetime_value));
    expect(values).toEqual([...values].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  });
});
