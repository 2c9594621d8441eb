import { expect, test } from "@playwright/test";
import { hydrated, printedAdmin, signIn } from "./helpers";

// Every page loaded whole (rendered on the server, then hydrated) hydrates without an error. A
// mismatch between the server's HTML and the browser's first render stops the app on that page
// silently: buttons post, but nothing on the page changes any more.
test("every page hydrates without an error", async ({ page }, info) => {
  test.setTimeout(180_000);
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${page.url()}: ${m.text().slice(0, 300)}`);
  });
  page.on("pageerror", (e) => problems.push(`${page.url()}: ${e.message.slice(0, 300)}`));
  const admin = printedAdmin();
  await signIn(page, info, admin.email, admin.password);

  const paths = [
    "/",
    "/?range=90d",
    "/channels",
    "/channels/new",
    "/customers",
    "/accounts",
    "/carts?status=open&abandoned=true",
    "/orders",
    "/credit-memos",
    "/newsletter-subscribers",
    "/reports",
    "/reports/carts-by-status",
    "/reports/abandoned-carts",
    "/reports/sales",
    "/reports/customers",
    "/users",
    "/account",
    "/new-cart",
    "/new-customer",
    "/store-actions",
    "/tasks",
  ];
  // A record page of each kind, and a channel's page, found through their lists.
  for (const [list, records] of [
    ["/customers", "/customers/"],
    ["/accounts", "/accounts/"],
    ["/carts", "/carts/"],
    ["/orders", "/orders/"],
    ["/credit-memos", "/credit-memos/"],
    ["/newsletter-subscribers", "/newsletter-subscribers/"],
    ["/channels", "/channels/"],
  ]) {
    await page.goto(list);
    const hrefs = await page
      .locator(`main a[href^="${records}"]`)
      .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
    const href = hrefs.find((h) => new RegExp(`^${records}\\d+$`).test(h));
    expect(href, `a record link on ${list}`).toBeTruthy();
    paths.push(href!);
    // Its Store actions tab (a record page's list of what was sent to the store).
    if (!["/accounts/", "/newsletter-subscribers/", "/channels/"].includes(records)) {
      paths.push(`${href}?tab=actions`);
    }
    if (records === "/customers/") paths.push(`${href}/edit`);
    if (["/customers/", "/accounts/", "/carts/", "/orders/"].includes(records)) {
      paths.push(`${href}?tab=activities`);
    }
  }
  for (const path of paths) {
    await page.goto(path);
    await hydrated(page, info);
    // Let what runs after hydration (resources, streams) run.
    await page.waitForTimeout(500);
  }
  expect(problems).toEqual([]);
});
