import { expect, Page, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { hydrated, printedAdmin, signIn } from "./helpers";

// The dashboard after the bundled demo store's first sync, checked against numbers computed
// here from `cartwise export orders` (the CRM's records summed in the spec, never the
// dashboard's own server functions).

type Order = {
  state: string | null;
  status: string | null;
  subtotal: string | null;
  discount_amount: string | null;
  order_currency_code: string | null;
  created_at: string;
};

function cli(args: string[]): string {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return execFileSync(
    process.env.CARTWISE_BIN!,
    ["--data-dir", process.env.CARTWISE_E2E_DATA!, "--log", "warn", ...args],
    { env, maxBuffer: 64 << 20 },
  ).toString();
}

/** Waits until the demo store's first sync has finished. */
async function demoStoreSynced() {
  await expect
    .poll(
      () => {
        const channels = JSON.parse(cli(["channel", "list", "--json"]));
        return channels.find((c: { name: string }) => c.name === "Demo store")?.last_success_at ?? null;
      },
      { timeout: 120_000, intervals: [1000] },
    )
    .not.toBeNull();
}

function exportedOrders(): Order[] {
  return cli(["export", "orders", "--channel", "Demo store"])
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** Exact decimal → ten-thousandths (money is numeric(19,4)). */
function units(value: string | null): bigint {
  if (!value) return 0n;
  const negative = value.startsWith("-");
  const [whole, fraction = ""] = value.replace("-", "").split(".");
  const n = BigInt(whole) * 10000n + BigInt((fraction + "0000").slice(0, 4));
  return negative ? -n : n;
}

const abs = (n: bigint) => (n < 0n ? -n : n);

/** The dashboard's money format: symbol, thousands separators, half away from zero. */
function money(u: bigint, currency: string): string {
  const places = currency === "JPY" ? 0 : 2;
  const divisor = 10n ** BigInt(4 - places);
  let rounded = abs(u) / divisor;
  if ((abs(u) % divisor) * 2n >= divisor) rounded += 1n;
  let text = rounded.toString().padStart(places + 1, "0");
  const whole = places ? text.slice(0, -places) : text;
  const fraction = places ? "." + text.slice(-places) : "";
  text = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + fraction;
  const symbol: Record<string, string> = { USD: "$", EUR: "€", GBP: "£", JPY: "¥" };
  const sign = u < 0n && rounded > 0n ? "−" : "";
  return symbol[currency] ? `${sign}${symbol[currency]}${text}` : `${sign}${text} ${currency}`;
}

const count = (n: number) => n.toLocaleString("en-US");

/** `total ÷ n` as the dashboard shows it: the exact quotient rounded half away from zero. */
function average(total: bigint, n: number, currency: string): string {
  const per = (currency === "JPY" ? 10000n : 100n) * BigInt(n);
  let q = abs(total) / per;
  if ((abs(total) % per) * 2n >= per) q += 1n;
  const back = q * (currency === "JPY" ? 10000n : 100n);
  return money(total < 0n ? -back : back, currency);
}

/** The local date (YYYY-MM-DD) of an instant in a time zone. */
function localDate(iso: string, zone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(iso),
  );
}

const canceled = (o: Order) => o.state === "canceled" || o.status === "canceled";

/** What the page says it shows: its days, time zone and currency. */
async function shown(page: Page) {
  const summary = (await page.locator(".filter-summary").textContent()) ?? "";
  const zone = /days in (\S+)/.exec(summary)?.[1] ?? "UTC";
  const from = await page.locator('input[name="from"]').inputValue();
  const to = await page.locator('input[name="to"]').inputValue();
  const label = (await page.locator('[data-kpi="revenue"] .kpi-label').textContent()) ?? "";
  const currency = /\((\w+)\)/.exec(label)?.[1] ?? "";
  return { zone, from, to, currency };
}

function expected(orders: Order[], s: { zone: string; from: string; to: string; currency: string }) {
  const inRange = orders.filter((o) => {
    const day = localDate(o.created_at, s.zone);
    return day >= s.from && day <= s.to && !canceled(o);
  });
  const mine = inRange.filter((o) => (o.order_currency_code ?? "") === s.currency);
  const revenue = mine.reduce((sum, o) => sum + units(o.subtotal) - abs(units(o.discount_amount)), 0n);
  return { orders: inRange.length, revenue, currencyOrders: mine.length };
}

const kpi = (page: Page, id: string) => page.locator(`[data-kpi="${id}"] .kpi-value`);

/** The headline numbers equal the export's, recomputed on each try (the demo store is live). */
async function numbersMatchTheExport(page: Page) {
  await expect
    .poll(
      async () => {
        await page.reload();
        const s = await shown(page);
        const e = expected(exportedOrders(), s);
        const aov = e.currencyOrders ? average(e.revenue, e.currencyOrders, s.currency) : "—";
        return [
          (await kpi(page, "orders").textContent()) === count(e.orders),
          (await kpi(page, "revenue").textContent()) === money(e.revenue, s.currency),
          (await kpi(page, "aov").textContent()) === aov,
        ].every(Boolean);
      },
      { timeout: 60_000, intervals: [2000] },
    )
    .toBe(true);
}

test.describe("dashboard", () => {
  test.beforeEach(async ({ page }, info) => {
    await demoStoreSynced();
    const admin = printedAdmin();
    await signIn(page, info, admin.email, admin.password);
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await hydrated(page, info);
  });

  test("shows the synced store's numbers, and the range in the URL changes them", async ({ page }, info) => {
    await page.goto("/?range=last-month");
    await numbersMatchTheExport(page);
    await hydrated(page, info);
    const lastMonth = await shown(page);

    await page.getByRole("link", { name: "Last 7 days" }).click();
    await expect(page).toHaveURL(/range=7d/);
    await expect(page.locator('input[name="from"]')).not.toHaveValue(lastMonth.from);
    await numbersMatchTheExport(page);
    await hydrated(page, info);

    // A custom range before the store's history: zeros, and "—" where nothing can be divided.
    await page.locator('input[name="from"]').fill("2001-01-01");
    await page.locator('input[name="to"]').fill("2001-01-31");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/from=2001-01-01/);
    await expect(page.getByText("Nothing happened in this period.")).toBeVisible();
    await expect(kpi(page, "orders")).toHaveText("0");
    await expect(kpi(page, "aov")).toHaveText("—");
    await expect(kpi(page, "abandon-rate")).toHaveText("—");
  });

  test("charts are SVG with a description and a table, and react to the pointer", async ({ page }, info) => {
    await page.goto("/?range=30d");
    await hydrated(page, info);
    const chart = page.locator("#revenue-chart");
    await expect(chart.locator('svg[role="img"] > title')).toHaveText(/Revenue over time/);
    await expect(chart.locator("svg desc")).toContainText("Revenue in");
    await chart.getByText("Show the data as a table").click();
    await expect(chart.locator("table tbody tr")).toHaveCount(30);

    const hit = chart.locator("rect.chart-hit").nth(10);
    await hit.hover();
    await expect(chart.locator(".chart-tooltip")).toBeVisible();
    const previous = chart.getByRole("button", { name: "Previous period" });
    await previous.click();
    await expect(previous).toHaveAttribute("aria-pressed", "false");
    await expect(chart.locator("path.chart-dashed")).toBeHidden();
  });

  test("a widget opens the grid with its records", async ({ page }) => {
    await page.goto("/?range=30d");
    const abandoned = (await kpi(page, "abandoned-carts").textContent())!;
    const { from, to } = await shown(page);
    await page.locator('[data-kpi="abandoned-carts"]').click();
    await expect(page).toHaveURL(
      `/carts?status=open&abandoned=true&created_at_min=${from}&created_at_max=${to}`,
    );
    // The grid states how many carts match; it must be the widget's number.
    await expect(page.locator("main")).toContainText(new RegExp(`\\b${abandoned.replace(",", ",?")}\\b`));
  });

  test("order and customer widgets open grids with exactly their number", async ({ page }) => {
    // 90 days up to yesterday (UTC, the user's zone): the live demo store adds today's records
    // while the test runs, and must not move the numbers between the widget and the grid.
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    for (const [widget, noun] of [
      ["orders", "orders"],
      ["new-customers", "customers"],
      ["returning-customers", "customers"],
    ]) {
      await page.goto(`/?range=custom&from=${day(90)}&to=${day(1)}`);
      const n = (await kpi(page, widget).textContent())!.trim();
      expect(Number(n.replace(/,/g, ""))).toBeGreaterThan(0);
      await page.locator(`[data-kpi="${widget}"]`).click();
      await expect(page).toHaveURL(new RegExp(`/${noun}\\?`));
      // "1–50 of 1,234 orders", or "12 orders" when they fit on one page.
      await expect(page.locator("main")).toContainText(new RegExp(`(of |^|\\s)${n} ${noun}`));
    }
  });

  test("looks right in light and dark", async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 1000 });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto("/?range=30d");
      await expect(page.locator("#revenue-chart svg")).toBeVisible();
      await page.screenshot({ path: `artifacts/dashboard-${scheme}.png`, fullPage: true });
    }
  });
});
