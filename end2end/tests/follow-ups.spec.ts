import { expect, Page, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { addUserByCli, hydrated, printedAdmin, signIn, uniqueEmail } from "./helpers";
import { Sink, startSink } from "./smtp-sink";

// Sales works abandoned carts: claims one, logs a call with a next date (the task appears in My
// tasks), a colleague's claim is refused with the owner's name, the shopper of another claimed
// cart checks out in the store and the sync closes that follow-up as Won back on its own; a
// third becomes an opportunity; an order's feedback lands in the Customer feedback report. A
// viewer reads it all and cannot act.

const shots = process.env.E2E_SCREENSHOTS ?? "../target/e2e/screenshots";
mkdirSync(shots, { recursive: true });
const password = "a long follow-up password";

function env(): NodeJS.ProcessEnv {
  const e = { ...process.env };
  delete e.DATABASE_URL;
  return e;
}

function cli(args: string[]): string {
  return execFileSync(
    process.env.CARTWISE_BIN!,
    ["--data-dir", process.env.CARTWISE_E2E_DATA!, "--log", "warn", ...args],
    { env: env() },
  ).toString();
}

function demoStoreUrl(): string {
  const log = readFileSync(process.env.CARTWISE_SERVER_LOG!, "utf8");
  const url = /demo store running url=(\S+)/.exec(log)?.[1];
  if (!url) throw new Error("the server log does not name the demo store");
  return url;
}

// The mail server the e2e server sends through (scripts/test.sh sets both ends' port).
const smtpPort = Number(process.env.CARTWISE_E2E_SMTP_PORT ?? "2526");
let sink: Sink;

test.afterAll(async () => {
  await sink?.close();
});

test.beforeAll(async () => {
  test.setTimeout(240_000);
  sink = await startSink(smtpPort);
  await expect
    .poll(
      () =>
        JSON.parse(cli(["channel", "list", "--json"])).find((c: { name: string }) => c.name === "Demo store")
          ?.last_success_at ?? null,
      { timeout: 180_000, intervals: [1000] },
    )
    .not.toBeNull();
});

function tomorrow(): string {
  return new Date(Date.now() + 36 * 3600 * 1000).toISOString().slice(0, 10);
}

/** The carts the grid lists for a query: their page paths, first page. */
async function cartsIn(page: Page, query: string): Promise<string[]> {
  await page.goto(`/carts?${query}`);
  await expect(page.locator("table.grid-table")).toBeVisible();
  return page
    .locator('main table a[href^="/carts/"]')
    .evaluateAll((links) =>
      links.map((a) => a.getAttribute("href") ?? "").filter((h) => /^\/carts\/\d+$/.test(h)),
    );
}

test("a sales team works abandoned carts from claim to Won back, Lost and opportunity", async ({ page, browser }, info) => {
  test.setTimeout(240_000);
  const rep = uniqueEmail("follow-up-rep");
  addUserByCli(rep, "sales", password);
  await signIn(page, info, rep, password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();

  // Every abandoned cart is Not contacted: the grid filters by step.
  const waiting = await cartsIn(page, "follow_up=not_contacted&per_page=50");
  expect(waiting.length, "abandoned carts waiting for a call").toBeGreaterThanOrEqual(4);
  await page.screenshot({ path: `${shots}/follow-ups-1-grid.png`, fullPage: true });
  const [first, bought, lost, converted] = waiting;

  // Claim, then log a call with a next date.
  await page.goto(`${first}?tab=follow-up`);
  await hydrated(page, info);
  await expect(page.locator(".follow-up .follow-up-step")).toHaveText("Not contacted");
  await page.getByRole("button", { name: "Claim", exact: true }).click();
  await expect(page.getByRole("button", { name: "Release" })).toBeVisible({ timeout: 20_000 });
  await page.locator("input[name=contact_outcome]").fill("voicemail");
  await page.locator("input[name=next_on]").fill("2020-01-01");
  await page.getByRole("button", { name: "Log contact" }).click();
  await expect(page.locator(".follow-up .field-error")).toContainText("The date has passed");
  await page.locator("input[name=next_on]").fill(tomorrow());
  await page.locator("textarea[name=contact_note]").fill("Left a message about the items");
  await page.getByRole("button", { name: "Log contact" }).click();
  await expect(page.locator(".follow-up .follow-up-step")).toHaveText("Contacted", { timeout: 20_000 });
  await page.screenshot({ path: `${shots}/follow-ups-2-contacted.png`, fullPage: true });
  const firstLabel = /Cart \d+/.exec((await page.getByRole("heading", { level: 1 }).textContent())!)![0];

  // Send email: the template filled in from the cart, through the installation's mail server;
  // the mail server's answer shows and the email is on the cart's timeline.
  await page.locator(".send-email summary").click();
  const sendHint = (await page.locator(".send-email .hint").textContent()) ?? "";
  await expect(page.locator(".email-preview .email-subject")).toContainText("your cart at Demo store");
  await expect(page.locator(".email-preview .email-body")).toContainText("×");
  const subject = (await page.locator(".email-preview .email-subject").textContent())!.trim();
  await page.locator(".send-email").getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.locator("[data-email-sent]")).toContainText("250 2.0.0 OK queued", { timeout: 20_000 });
  await expect.poll(() => sink.mails.length).toBe(1);
  expect(sendHint).toContain(`To ${sink.mails[0].to[0]},`);
  expect(sink.mails[0].data).toContain("Subject:");
  await page.screenshot({ path: `${shots}/follow-ups-2b-email-sent.png`, fullPage: true });
  await page.goto(`${first}?tab=activities`);
  await expect(page.locator("main")).toContainText(subject);
  await expect(page.locator("main")).toContainText("Sent: 250");

  await page.goto("/tasks");
  await hydrated(page, info);
  await expect(page.locator("main")).toContainText(`about ${firstLabel.toLowerCase()}`);

  // A colleague's claim is refused with the owner's name.
  const colleague = uniqueEmail("follow-up-colleague");
  addUserByCli(colleague, "sales", password);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, info, colleague, password);
  await expect(otherPage.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  const firstId = Number(first.split("/").pop());
  const refused = await otherPage.request.post("/api/follow_up_cart", {
    data: { cart: firstId, action: "claim" },
  });
  expect(refused.status()).toBe(409);
  expect(await refused.text()).toContain("has already claimed this cart");
  await other.close();

  // Another claimed cart: the shopper checks out in the store; the next sync closes it.
  await page.goto(`${bought}?tab=follow-up`);
  await hydrated(page, info);
  await page.getByRole("button", { name: "Claim", exact: true }).click();
  await expect(page.getByRole("button", { name: "Release" })).toBeVisible({ timeout: 20_000 });
  const boughtMagentoId = /Cart (\d+)/.exec((await page.getByRole("heading", { level: 1 }).textContent())!)![1];
  const checkout = await page.request.post(`${demoStoreUrl()}/_demo/live/checkout?cart=${boughtMagentoId}`);
  expect(checkout.ok(), await checkout.text()).toBeTruthy();
  // A scheduled sync may already be under way (`--wait` then waits for it, and it may have read
  // the orders before the checkout): sync until the order is seen.
  await expect
    .poll(
      async () => {
        cli(["sync", "Demo store", "--wait"]);
        await page.reload();
        return (await page.locator(".follow-up .follow-up-step").textContent())?.trim();
      },
      { timeout: 120_000, intervals: [500] },
    )
    .toBe("Won back");
  await hydrated(page, info);
  await expect(page.locator(".follow-up")).toContainText("by the sync");
  await expect(page.locator(".record-badges")).toContainText("Purchased");
  await page.screenshot({ path: `${shots}/follow-ups-3-won-back.png`, fullPage: true });

  // Lost, with a reason (required).
  await page.goto(`${lost}?tab=follow-up`);
  await hydrated(page, info);
  await page.getByRole("button", { name: "Lost", exact: true }).click();
  await page.getByRole("button", { name: "Close as Lost" }).click();
  await expect(page.locator(".follow-up .field-error")).toContainText("Say why");
  await page.locator("input[name=lost_reason]").fill("bought elsewhere");
  await page.getByRole("button", { name: "Close as Lost" }).click();
  await expect(page.locator(".follow-up .follow-up-step")).toHaveText("Lost", { timeout: 20_000 });
  await expect(page.locator(".record-badges")).toContainText("Lost");

  // Converted to an opportunity, which has its own page and grid.
  await page.goto(`${converted}?tab=follow-up`);
  await hydrated(page, info);
  await page.getByRole("button", { name: "Convert to opportunity" }).click();
  await page.locator("select[name=stage]").selectOption("proposal");
  await page.getByRole("button", { name: "Convert", exact: true }).click();
  await expect(page.locator(".follow-up .follow-up-step")).toHaveText("Converted to opportunity", { timeout: 20_000 });
  await page.locator(".follow-up a[href^='/opportunities/']").click();
  await expect(page.locator(".record-badges")).toContainText("Proposal");
  await page.screenshot({ path: `${shots}/follow-ups-4-opportunity.png`, fullPage: true });
  await page.goto("/opportunities?stage=proposal");
  await expect(page.locator("table.grid-table tbody tr").first()).toBeVisible();

  // The grid shows the step and the owner.
  const mine = await cartsIn(page, "follow_up=contacted,lost");
  expect(mine).toEqual(expect.arrayContaining([first, lost]));

  // An order's feedback, and the report.
  await page.goto("/orders");
  const order = await page
    .locator('main table a[href^="/orders/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? "").find((h) => /^\/orders\/\d+$/.test(h)));
  await page.goto(order!);
  await hydrated(page, info);
  await page.getByRole("radio", { name: "4" }).check();
  await page.locator("textarea[name=feedback]").fill("Fast delivery, would buy again");
  await page.getByRole("button", { name: "Record feedback" }).click();
  await expect(page.locator(".order-follow-up")).toContainText("4 of 5", { timeout: 20_000 });
  await page.goto("/reports/feedback");
  await expect(page.locator(".feedback-table")).toContainText("Fast delivery, would buy again");
  await page.screenshot({ path: `${shots}/follow-ups-5-feedback.png`, fullPage: true });
  // …and on the customer's page.
  await page.goto(order!);
  const customerHref = await page.locator('main a[href^="/customers/"]').first().getAttribute("href");
  expect(customerHref, "the order links its customer").toMatch(/^\/customers\/\d+$/);
  await page.goto(`${customerHref}?tab=feedback`);
  await expect(page.locator(".feedback-table")).toContainText("Fast delivery, would buy again");
});

test("a viewer reads follow-ups and cannot act on them", async ({ page }, info) => {
  const viewer = uniqueEmail("follow-up-viewer");
  addUserByCli(viewer, "viewer", password);
  await signIn(page, info, viewer, password);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  const carts = await cartsIn(page, "abandoned=true");
  await page.goto(`${carts[0]}?tab=follow-up`);
  await expect(page.locator(".follow-up")).toBeVisible();
  await expect(page.getByRole("button", { name: "Claim", exact: true })).toHaveCount(0);
  const refused = await page.request.post("/api/follow_up_cart", {
    data: { cart: Number(carts[0].split("/").pop()), action: "claim" },
  });
  expect(refused.status()).toBe(403);
});

test("an administrator's rule hands each first order to a rep, once", async ({ page }, info) => {
  test.setTimeout(180_000);
  const rep = uniqueEmail("rule-rep");
  addUserByCli(rep, "sales", password);
  const admin = printedAdmin();
  await signIn(page, info, admin.email, admin.password);
  await page.goto("/automation-rules");
  await hydrated(page, info);
  // A threshold that is not a number is refused by field.
  await page.locator("select[name=kind]").selectOption("follow_up_first_orders");
  await page.locator("input[name=min_total]").fill("lots");
  const assignee = await page.locator("select[name=assignee] option", { hasText: rep }).getAttribute("value");
  await page.locator("select[name=assignee]").selectOption(assignee!);
  await page.getByRole("button", { name: "Add rule" }).click();
  await expect(page.locator(".rule-form .field-error")).toContainText("is not a number");
  await page.locator("input[name=min_total]").fill("");
  await page.getByRole("button", { name: "Add rule" }).click();
  const row = page.locator("table.rules-table tbody tr").filter({ hasText: "first order" });
  await expect(row).toHaveCount(1, { timeout: 20_000 });

  // The worker runs it after the next sync; running again fires on nothing new.
  cli(["sync", "Demo store", "--wait"]);
  await page.reload();
  const fired = Number((await row.locator("td.numeric").textContent())!.replace(/\D/g, ""));
  expect(fired, "recent first orders handed out").toBeGreaterThan(0);
  cli(["sync", "Demo store", "--wait"]);
  await page.reload();
  expect(Number((await row.locator("td.numeric").textContent())!.replace(/\D/g, ""))).toBe(fired);
  await page.screenshot({ path: `${shots}/follow-ups-6-rules.png`, fullPage: true });

  // The rep finds the calls to make in My tasks; the order's timeline says the rule did it.
  await page.context().clearCookies();
  await signIn(page, info, rep, password);
  await page.goto("/tasks");
  await expect(page.locator("main")).toContainText("for feedback on order");
  const order = await page
    .locator('main a[href^="/orders/"]')
    .first()
    .getAttribute("href");
  await page.goto(`${order}?tab=activities`);
  await expect(page.locator("main")).toContainText("Rule: order follow-up created");
});
