import { expect, Page, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { addUserByCli, hydrated, printedAdmin, signIn, uniqueEmail } from "./helpers";

/** The bundled demo store's address, as the server logged it. */
function demoStoreUrl(): string {
  const log = readFileSync(process.env.CARTWISE_SERVER_LOG!, "utf8");
  const url = /demo store running url=(\S+)/.exec(log)?.[1];
  if (!url) throw new Error("the server log does not name the demo store");
  return url;
}

const DEMO_TOKEN = "cartwise-demo-token";
const ARTIFACTS = "artifacts/channels";

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

async function signInAdmin(page: Page, info: Parameters<typeof signIn>[1]) {
  const admin = printedAdmin();
  await signIn(page, info, admin.email, admin.password);
  await expect(page.getByRole("heading", { name: /Welcome|Dashboard/ }).first()).toBeVisible();
}

/** Opens a channel's page from the list by its name. */
async function openChannel(page: Page, name: string) {
  await page.goto("/channels");
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
}

async function fillConnection(page: Page, name: string, url: string, token: string) {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Store URL").fill(url);
  await page.getByRole("radio", { name: /Access token \(Bearer\)/ }).check();
  await page.getByLabel("Access token", { exact: true }).fill(token);
}

test.describe.configure({ mode: "serial" });

test("the wrong token is reported as access rejected", async ({ page }, info) => {
  await signInAdmin(page, info);
  await page.goto("/channels/new");
  await hydrated(page, info);
  await fillConnection(page, "Wrong token", demoStoreUrl(), "not-the-token");
  await page.getByRole("button", { name: "Check connection" }).click();
  await expect(page.getByRole("alert")).toContainText("Access rejected");
  // The wizard does not move on with a failed check.
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("heading", { name: "1. Connection" })).toBeVisible();
});

test("an address that is not Magento is reported as such", async ({ page }, info) => {
  await signInAdmin(page, info);
  await page.goto("/channels/new");
  await hydrated(page, info);
  await fillConnection(page, "Not Magento", process.env.BASE_URL!, DEMO_TOKEN);
  await page.getByRole("button", { name: "Check connection" }).click();
  await expect(page.getByRole("alert")).toContainText("Not a Magento REST API");
});

test("an administrator connects a store with the wizard and watches it sync", async ({ page }, info) => {
  await signInAdmin(page, info);
  const menu = page.getByRole("complementary", { name: "Main menu" });

  // With the demo channel deactivated, no active channel syncs carts: no Shopping Carts entry.
  await openChannel(page, "Demo store");
  await hydrated(page, info);
  await page.getByRole("button", { name: "Deactivate" }).click();
  await expect(page.getByText("Deactivated").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Sync now" })).toBeDisabled();
  await page.goto("/channels");
  await expect(menu.getByRole("link", { name: "Shopping Carts" })).toHaveCount(0);

  await page.getByRole("link", { name: "New channel" }).click();
  await hydrated(page, info);
  await fillConnection(page, "Wizard store", demoStoreUrl(), DEMO_TOKEN);
  await page.getByRole("button", { name: "Check connection" }).click();
  await expect(page.getByRole("status")).toContainText("Connected");
  await expect(page.getByRole("status")).toContainText("Websites:");
  await shot(page, "1-connection");
  await page.getByRole("button", { name: "Next" }).click();

  await expect(page.getByRole("heading", { name: "2. Scope and schedule" })).toBeVisible();
  await page.getByLabel("Page size").fill("500");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("alert")).toContainText("page size");
  await page.getByLabel("Page size").fill("200");
  await shot(page, "2-scope");
  await page.getByRole("button", { name: "Next" }).click();

  await expect(page.getByRole("heading", { name: "3. Entities" })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: /Customers/ })).toBeDisabled();
  await shot(page, "3-entities");
  await page.getByRole("button", { name: "Next" }).click();

  await expect(page.getByRole("heading", { name: "4. Two-way sync" })).toBeVisible();
  await shot(page, "4-two-way");
  // Back keeps what was typed.
  await page.getByRole("button", { name: "Back" }).click();
  await page.getByRole("button", { name: "Back" }).click();
  await expect(page.getByLabel("Page size")).toHaveValue("200");
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Next" }).click();

  await expect(page.getByRole("heading", { name: "5. Review" })).toBeVisible();
  await expect(page.getByText("Wizard store")).toBeVisible();
  await shot(page, "5-review");
  await page.getByRole("button", { name: /Create channel/ }).click();

  await expect(page).toHaveURL(/\/channels\/\d+$/);
  await expect(page.getByRole("heading", { name: "Wizard store", level: 1 })).toBeVisible();
  await expect(page.getByRole("progressbar").first()).toBeVisible({ timeout: 30_000 });
  await shot(page, "6-channel-syncing");
  await expect(page.getByText("Up to date")).toBeVisible({ timeout: 120_000 });
  const bars = page.getByRole("progressbar");
  expect(await bars.count()).toBeGreaterThanOrEqual(5);
  for (const bar of await bars.all()) {
    await expect(bar).toHaveAttribute("aria-valuenow", "100");
  }
  await shot(page, "7-channel-synced");

  // The menu follows the entities: carts are synced again.
  await expect(menu.getByRole("link", { name: "Shopping Carts" })).toBeVisible();
  await page.goto("/channels");
  const row = page.getByRole("row", { name: /Wizard store/ });
  await expect(row.getByText("Active")).toBeVisible();
  await expect(row).toContainText("Orders");
});

test("editing keeps the stored secret when it is left blank", async ({ page }, info) => {
  await signInAdmin(page, info);
  await openChannel(page, "Wizard store");
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await hydrated(page, info);
  await expect(page.getByLabel("Access token", { exact: true })).toHaveValue("");
  await expect(page.getByLabel("Access token", { exact: true })).toHaveAttribute("placeholder", /unchanged/);
  // The stored token still reaches the store.
  await expect(page.getByRole("status")).toContainText("Connected", { timeout: 20_000 });
  await page.getByLabel("Name", { exact: true }).fill("Wizard store renamed");
  for (let i = 0; i < 4; i++) await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByText("stored credentials kept")).toBeVisible();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "Wizard store renamed", level: 1 })).toBeVisible();
  await expect(page.getByText("Up to date")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("Access rejected")).toHaveCount(0);
});

test("a Sales user can reach neither the wizard nor its server functions", async ({ page }, info) => {
  const email = uniqueEmail("sales-channels");
  addUserByCli(email, "sales", "sales password 123");
  await signIn(page, info, email, "sales password 123");
  await expect(page.getByRole("complementary", { name: "Main menu" }).getByRole("link", { name: "Channels" })).toHaveCount(0);
  const response = await page.goto("/channels/new");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("alert")).toContainText("Your role does not allow this.");
  const create = await page.request.post("/api/create_channel", {
    // A well-formed request: the role, not the input, must be what is refused.
    data: {
      form: {
        settings: {
          name: "Sneaky", store_url: "https://shop.example.com", verify_tls: true, website_ids: null,
          sync_start_date: null, sync_interval_secs: 300, page_size: 100, abandon_threshold_secs: 3600,
          cart_lifetime_days: 30, entities: ["customers"], two_way: false, sync_priority: "remote",
        },
        connection: {
          channel_id: null, store_url: "https://shop.example.com", verify_tls: true, auth_kind: "bearer",
          token: "t", consumer_key: "", consumer_secret: "", access_token: "", access_token_secret: "",
          admin_username: "", admin_password: "",
        },
      },
    },
  });
  expect(create.status()).toBe(403);
  const list = await page.request.get("/api/list_channels");
  expect(list.status()).toBe(403);
});

test("cleanup: the wizard's channel goes, the demo store comes back", async ({ page }, info) => {
  await signInAdmin(page, info);
  await openChannel(page, "Wizard store renamed");
  await hydrated(page, info);
  await page.getByText("Delete…").click();
  await expect(page.getByRole("dialog")).toContainText("CRM accounts stay");
  await page.getByRole("button", { name: "Delete channel" }).click();
  await expect(page).toHaveURL(/\/channels$/);
  await expect(page.getByRole("link", { name: "Wizard store renamed" })).toHaveCount(0);
  await openChannel(page, "Demo store");
  await hydrated(page, info);
  await page.getByRole("button", { name: "Activate" }).click();
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled();
});
