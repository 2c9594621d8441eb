import { expect, Page, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { addUserByCli, hydrated, signIn, uniqueEmail } from "./helpers";

// Two-way customers: a sales rep edits a customer's telephone and adds an address and the
// demo store has them; a change made in the store first meets the rep's edit as a conflict,
// kept by the channel's priority (the store wins) and shown on the customer's page, then
// overruled with "Send my value anyway"; a marketer unsubscribes a customer; a viewer gets no
// Edit button. Checked against the demo store's own answers and the CRM's database.

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

function storeUrl(): string {
  const log = readFileSync(process.env.CARTWISE_SERVER_LOG!, "utf8");
  return /demo store running url=(\S+)/.exec(log)![1];
}

const auth = { Authorization: "Bearer cartwise-demo-token" };

/** The demo store's own copy of a customer. */
async function inStore(page: Page, magentoId: string) {
  const res = await page.request.get(`${storeUrl()}/rest/V1/customers/${magentoId}`, { headers: auth });
  expect(res.ok()).toBeTruthy();
  return res.json();
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${shots}/two-way-${name}.png`, fullPage: true });
}

const password = "a long two-way password";

test.beforeAll(async () => {
  test.setTimeout(240_000);
  await expect
    .poll(
      () => {
        const channels = JSON.parse(cli(["channel", "list", "--json"]));
        return channels.find((c: { name: string }) => c.name === "Demo store")?.last_success_at ?? null;
      },
      { timeout: 180_000, intervals: [1000] },
    )
    .not.toBeNull();
  cli(["channel", "edit", "Demo store", "--two-way", "on", "--priority", "remote", "--clear-owners"]);
});

test.afterAll(() => {
  cli(["channel", "edit", "Demo store", "--two-way", "off"]);
});

test("a sales rep edits a customer; a conflict follows the priority; marketing unsubscribes; a viewer cannot edit", async ({ page }, info) => {
  test.setTimeout(240_000);
  const [[customerId, magentoId]] = sql(
    `select c.id, c.magento_id from customers c
     where c.magento_id is not null and c.removed_at is null and c.website_id = 1
       and exists (select 1 from customer_addresses a where a.customer_id = c.id and a.country_id = 'US')
     order by c.id desc limit 1`,
  );
  const before = await inStore(page, magentoId);
  // Values of this run only, so a run on a database an earlier run changed still changes them.
  const run = String(Date.now() % 100000).padStart(5, "0");
  const phone = `+1 555 ${run}`;
  const storeTax = `STORE-${run}`;
  const crmTax = `CRM-${run}`;
  const firstAddress = before.addresses[0];

  const sales = uniqueEmail("two-way-sales");
  addUserByCli(sales, "sales", password);
  await signIn(page, info, sales, password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.goto(`/customers/${customerId}`);
  await hydrated(page, info);
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${customerId}/edit$`));
  await hydrated(page, info);

  // The telephone of a saved address, and a new address.
  const saved = page.locator(`fieldset[data-address="saved:${firstAddress.id}"]`);
  await saved.getByLabel("Phone").fill(phone);
  await page.getByRole("button", { name: "Add an address" }).click();
  const added = page.locator(`fieldset[data-address="new:0"]`);
  await added.getByLabel("First name").fill("Edna");
  await added.getByLabel("Last name").fill("Krabappel");
  await added.getByLabel("Street").fill("82 Evergreen Terrace");
  await added.getByLabel("City").fill("Springfield");
  await added.getByLabel("Postcode").fill("49007");
  await added.getByLabel("Country").selectOption("US");
  await added.getByLabel("Region or state").selectOption({ index: 1 });
  await added.getByLabel("Phone").fill("+1 555 0123");
  await shot(page, "1-edit");
  await page.getByRole("button", { name: "Save to the store" }).click();
  const answer = page.locator(".customer-save-answer");
  await expect(answer).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  await expect(answer).toContainText("In the store");
  await shot(page, "2-saved");
  const after = await inStore(page, magentoId);
  expect(after.addresses.length).toBe(before.addresses.length + 1);
  expect(after.addresses.find((a: { id: number }) => a.id === firstAddress.id).telephone).toBe(phone);
  expect(after.addresses.some((a: { street: string[] }) => a.street[0] === "82 Evergreen Terrace")).toBeTruthy();

  // The store changes the tax number first; the rep's change of it meets a conflict.
  const put = await page.request.put(`${storeUrl()}/rest/V1/customers/${magentoId}`, {
    headers: auth,
    data: { customer: { taxvat: storeTax } },
  });
  expect(put.ok()).toBeTruthy();
  await page.getByLabel("Tax/VAT number").fill(crmTax);
  await page.getByRole("button", { name: "Save to the store" }).click();
  await expect(answer.locator(".conflict")).toContainText("The store changed tax/VAT number", { timeout: 30_000 });
  await expect(answer.locator(".conflict")).toContainText("its value was kept");
  await shot(page, "3-conflict");
  expect((await inStore(page, magentoId)).taxvat).toBe(storeTax);

  // On the customer's page: the conflict in the timeline, and "Send my value anyway".
  await page.goto(`/customers/${customerId}?tab=actions`);
  await hydrated(page, info);
  const edit = page.locator(".timeline-item[data-kind='customer.update']").first();
  await expect(edit.locator(".conflict")).toContainText(storeTax);
  await page.getByRole("button", { name: "Send my value anyway" }).first().click();
  await expect.poll(async () => (await inStore(page, magentoId)).taxvat, { timeout: 30_000 }).toBe(crmTax);
  await shot(page, "4-overruled");
  await page.getByRole("button", { name: "Sign out" }).click();

  // Marketing unsubscribes a subscribed customer.
  const [[subscribedId, subscribedMagento]] = sql(
    `select c.id, c.magento_id from customers c
     join newsletter_subscribers s on s.customer_id = c.id and s.status = 1 and s.removed_at is null
     where c.magento_id is not null and c.removed_at is null
     order by c.id limit 1`,
  );
  const marketer = uniqueEmail("two-way-marketing");
  addUserByCli(marketer, "marketing", password);
  await signIn(page, info, marketer, password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.goto(`/customers/${subscribedId}`);
  await hydrated(page, info);
  await expect(page.getByRole("link", { name: "Edit", exact: true })).toHaveCount(0);
  const card = page.locator(".newsletter-card");
  await expect(card.locator(".newsletter-status")).toHaveText("Subscribed");
  await card.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(card.locator(".newsletter-status")).toHaveText("Unsubscribed", { timeout: 30_000 });
  await shot(page, "5-unsubscribed");
  expect((await inStore(page, subscribedMagento)).extension_attributes.is_subscribed).toBe(false);
  await page.getByRole("button", { name: "Sign out" }).click();

  // A viewer sees no Edit button, and the edit page refuses them.
  const viewer = uniqueEmail("two-way-viewer");
  addUserByCli(viewer, "viewer", password);
  await signIn(page, info, viewer, password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await page.goto(`/customers/${customerId}`);
  await hydrated(page, info);
  await expect(page.getByRole("heading", { name: "Lifetime sales" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Edit", exact: true })).toHaveCount(0);
  await expect(page.locator(".newsletter-card button")).toHaveCount(0);
  const refused = await page.goto(`/customers/${customerId}/edit`);
  expect(refused?.status()).toBe(403);
});
