import { expect, Page, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { addUserByCli, hydrated, signIn, uniqueEmail } from "./helpers";

// A sales rep takes a phone order: opens a customer's cart, adds a configurable and a simple
// product, meets a stock refusal on a line and fixes it, picks an address, a rate and Check /
// Money order, places the order and lands on it. Checked against the CRM's database (psql)
// and the demo store's own answer, never against the page's own server functions.

const shots = process.env.E2E_SCREENSHOTS ?? "../target/e2e/screenshots";
mkdirSync(shots, { recursive: true });

function cli(args: string[]): string {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return execFileSync(
    process.env.CARTWISE_BIN!,
    ["--data-dir", process.env.CARTWISE_E2E_DATA!, "--log", "warn", ...args],
    { env, maxBuffer: 64 << 20 },
  ).toString();
}

function sql(query: string): string[][] {
  const url = cli(["db", "url"]).trim();
  return execFileSync("psql", [url, "-AtF", "\t", "-c", query])
    .toString()
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.split("\t"));
}

async function demoStoreSynced() {
  await expect
    .poll(
      () => {
        const channels = JSON.parse(cli(["channel", "list", "--json"]));
        return channels.find((c: { name: string }) => c.name === "Demo store")?.last_success_at ?? null;
      },
      { timeout: 180_000, intervals: [1000] },
    )
    .not.toBeNull();
  await expect
    .poll(() => sql("select count(*) from products")[0][0], { timeout: 60_000 })
    .not.toBe("0");
}

/** The demo store's own answer for a product's stock now (the CRM's copy may be older: Magento
 * does not stamp stock changes on the product). */
async function liveStock(page: Page, sku: string): Promise<number> {
  const log = readFileSync(process.env.CARTWISE_SERVER_LOG!, "utf8");
  const store = /demo store running url=(\S+)/.exec(log)![1];
  const res = await page.request.get(`${store}/rest/V1/products/${encodeURIComponent(sku)}`, {
    headers: { Authorization: "Bearer cartwise-demo-token" },
  });
  const product = await res.json();
  return Number(product.extension_attributes.stock_item.qty);
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

const password = "a long sales password";

test.beforeAll(async () => {
  test.setTimeout(240_000);
  await demoStoreSynced();
});

test("a sales rep builds a customer's cart and places the order; a viewer sees no buttons", async ({ page }, info) => {
  test.setTimeout(180_000);
  // A registered customer with a complete US default address and no live cart in the CRM.
  const [customer] = sql(
    `select c.id, c.email from customers c
     join customer_addresses a on a.customer_id = c.id and a.is_default_shipping
     where c.magento_id is not null and c.removed_at is null and c.website_id = 1
       and a.country_id = 'US' and a.region_id is not null and a.telephone is not null
       and not exists (select 1 from carts k where k.customer_id = c.id and k.is_active)
     order by c.id limit 1`,
  );
  expect(customer, "a customer to call").toBeTruthy();
  const [customerId] = customer;
  // A configurable (with options) and a simple product with a small stock, both sold on website 1.
  const [configurable] = sql(
    `select p.sku from products p where p.type_id = 'configurable' and p.status = 1
       and p.website_ids @> array[1]::int8[] and jsonb_array_length(p.options) > 0
       and not exists (select 1 from products c where c.channel_id = p.channel_id
                       and c.magento_id = any(p.children) and not coalesce(c.is_in_stock, true))
     order by p.magento_id limit 1`,
  )[0];
  // A simple product with a small stock (live mode may have sold some since the sync).
  let scarce = "";
  let stock = 0;
  for (const [sku] of sql(
    `select sku from products where type_id = 'simple' and status = 1 and visibility = 4
       and stock_qty between 1 and 50 and website_ids @> array[1]::int8[] order by magento_id`,
  )) {
    stock = await liveStock(page, sku);
    if (stock >= 2) {
      scarce = sku;
      break;
    }
  }
  expect(scarce, "a simple product with a small stock").not.toBe("");

  const sales = uniqueEmail("rep");
  addUserByCli(sales, "sales", password);
  await signIn(page, info, sales, password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();

  // The customer's page: "Cart for this customer".
  await page.goto(`/customers/${customerId}`);
  await hydrated(page, info);
  await page.getByRole("link", { name: "Cart for this customer" }).click();
  await expect(page).toHaveURL(new RegExp(`/new-cart\\?customer=${customerId}$`));
  await hydrated(page, info);
  await shot(page, "1-new-cart");
  await page.getByRole("button", { name: "Open this customer's cart" }).click();
  await expect(page).toHaveURL(/\/carts\/\d+\/build$/, { timeout: 30_000 });
  await hydrated(page, info);
  await expect(page.getByText("This is the cart the shopper sees.")).toBeVisible();
  const cartUrl = page.url().replace(/\/build$/, "");
  const crmCart = cartUrl.split("/").pop()!;

  // A configurable product: search, choose, pick its options, add.
  const search = page.getByRole("searchbox", { name: "Search products by SKU or name" });
  await search.fill(configurable);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await page.locator(`.product-results li[data-sku="${configurable}"]`).getByRole("button", { name: "Choose" }).click();
  const chosen = page.locator(".chosen-product");
  for (const select of await chosen.locator("select").all()) {
    await select.selectOption({ index: 1 });
  }
  await chosen.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.locator(".cart-lines tbody tr")).toHaveCount(1, { timeout: 20_000 });

  // A simple product with a small stock.
  await search.fill(scarce);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await page.locator(`.product-results li[data-sku="${scarce}"]`).getByRole("button", { name: "Choose" }).click();
  await chosen.getByRole("button", { name: "Add to cart" }).click();
  const line = page.locator(`.cart-lines tbody tr[data-sku="${scarce}"]`);
  await expect(line).toHaveCount(1, { timeout: 20_000 });
  await shot(page, "2-two-lines");

  // More than the store holds: the refusal shows on that line, in the store's words.
  await line.getByLabel("Quantity").fill(String(stock + 5));
  await line.getByRole("button", { name: "Update" }).click();
  await expect(line.locator(".field-error")).toContainText("The requested qty is not available", { timeout: 20_000 });
  await shot(page, "3-stock-refusal");
  await line.getByLabel("Quantity").fill("2");
  await line.getByRole("button", { name: "Update" }).click();
  await expect(line.getByLabel("Quantity")).toHaveValue("2", { timeout: 20_000 });
  await expect(line.locator(".field-error")).toHaveCount(0);

  // The default address is chosen; the store's rates, then its payment methods.
  await page.getByRole("button", { name: "Get shipping rates" }).click();
  await page.getByRole("radio", { name: /Flat Rate/ }).check({ timeout: 20_000 });
  await shot(page, "4-rates");
  await page.getByRole("button", { name: "Use this shipping" }).click();
  await expect(page.getByRole("radio", { name: "Check / Money order" })).toBeVisible({ timeout: 20_000 });
  await page.getByRole("radio", { name: "Check / Money order" }).check();
  await shot(page, "5-payment");
  await page.getByRole("button", { name: "Place order" }).click();

  // The order's page, with the store's increment id.
  await expect(page).toHaveURL(/\/orders\/\d+$/, { timeout: 30_000 });
  const orderId = page.url().split("/").pop()!;
  const [[increment, quote]] = sql(`select increment_id, quote_magento_id from orders where id = ${orderId}`);
  await expect(page.getByRole("heading", { name: `Order ${increment}` })).toBeVisible();
  await shot(page, "6-order");
  const [[cartQuote, status]] = sql(`select magento_id, status from carts where id = ${crmCart}`);
  expect(cartQuote).toBe(quote);
  expect(status).toBe("purchased");
  await page.goto(cartUrl);
  await expect(page.locator(".record-badges")).toContainText("Purchased");
  await page.getByRole("navigation", { name: "Sections of this record" }).getByRole("link", { name: /Store actions/ }).click();
  await expect(page.locator(".timeline-item[data-kind='cart.place'][data-state='done']")).toHaveCount(1);
  await shot(page, "7-cart-timeline");

  // A viewer sees the timeline, not the buttons.
  await page.getByRole("button", { name: "Sign out" }).click();
  const viewer = uniqueEmail("viewer");
  addUserByCli(viewer, "viewer", password);
  await signIn(page, info, viewer, password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.goto(`/customers/${customerId}`);
  await hydrated(page, info);
  await expect(page.getByRole("heading", { name: "Lifetime sales" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Cart for this customer" })).toHaveCount(0);
  await page.goto(`${cartUrl}?tab=actions`);
  await hydrated(page, info);
  await expect(page.locator(".timeline-item[data-kind='cart.place']")).toHaveCount(1);
  await expect(page.getByRole("link", { name: "Build and check out" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Mark lost" })).toHaveCount(0);
  await shot(page, "8-viewer");
});
