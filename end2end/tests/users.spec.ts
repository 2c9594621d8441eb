import { expect, test } from "@playwright/test";
import { addUserByCli, hydrated, printedAdmin, signIn, signOut, uniqueEmail } from "./helpers";

test("an administrator creates a Sales user, who then signs in", async ({ page }, info) => {
  const admin = printedAdmin();
  await signIn(page, info, admin.email, admin.password);
  const menu = page.getByRole("complementary", { name: "Main menu" });
  await menu.getByRole("link", { name: "Users & roles" }).click();
  await expect(page.getByRole("heading", { name: "Users & roles" })).toBeVisible();
  await hydrated(page, info);

  const email = uniqueEmail("sales");
  const form = page.locator("form", { has: page.getByRole("button", { name: "Create user" }) });
  await form.getByLabel("Name").fill("Sam Sales");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption("sales");
  await form.getByLabel("Initial password").fill("sales password 123");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByText("User created.")).toBeVisible();
  const row = page.getByRole("row", { name: new RegExp(email) });
  await expect(row).toBeVisible();
  await expect(row.getByRole("combobox")).toHaveValue("sales");

  await signOut(page);
  await signIn(page, info, email, "sales password 123");
  await expect(page.getByRole("heading", { name: "Welcome, Sam Sales" })).toBeVisible();
  await expect(page.getByRole("banner").getByText("Sales", { exact: true })).toBeVisible();
  // No Users entry for Sales.
  await expect(page.getByRole("link", { name: "Users & roles" })).toHaveCount(0);
});

test("a Viewer can open neither the Users page nor its server functions", async ({ page }, info) => {
  const email = uniqueEmail("viewer");
  addUserByCli(email, "viewer", "viewer password 123");
  await signIn(page, info, email, "viewer password 123");
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "Users & roles" })).toHaveCount(0);

  const response = await page.goto("/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("alert")).toContainText("Your role does not allow this.");

  // The server functions refuse too, whatever the UI shows.
  const list = await page.request.get("/api/list_users");
  expect(list.status()).toBe(403);
  const create = await page.request.post("/api/create_user", {
    form: { email: uniqueEmail("x"), name: "X", role: "administrator", password: "long enough pw" },
  });
  expect(create.status()).toBe(403);
});

test("server functions refuse anonymous callers", async ({ request }) => {
  const list = await request.get("/api/list_users");
  expect(list.status()).toBe(401);
  expect(await list.text()).toContain("Unauthenticated");
});

test("a user changes their own password", async ({ page }, info) => {
  const email = uniqueEmail("marketing");
  addUserByCli(email, "marketing", "first password 123");
  await signIn(page, info, email, "first password 123");
  await page.getByRole("link", { name: /marketing/ }).click();
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await hydrated(page, info);
  await page.getByLabel("Current password").fill("first password 123");
  await page.getByLabel("New password", { exact: true }).fill("second password 456");
  await page.getByLabel("New password again").fill("second password 456");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password was changed.")).toBeVisible();
  await signOut(page);
  await signIn(page, info, email, "second password 456");
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
});
