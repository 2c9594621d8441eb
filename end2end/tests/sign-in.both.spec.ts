import { expect, test } from "@playwright/test";
import { hydrated, printedAdmin, signIn, signOut } from "./helpers";

test("signs in with the printed administrator password and out again", async ({ page }, info) => {
  const admin = printedAdmin();
  await signIn(page, info, admin.email, admin.password);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Welcome, Administrator" })).toBeVisible();
  // The bundled demo store is connected on first start: the dashboard has data to show.
  await expect(page.getByRole("complementary", { name: "Main menu" }).getByRole("link", { name: "Orders" })).toBeVisible();
  await hydrated(page, info);
  await signOut(page);
  // Signed out: pages redirect to the sign-in page.
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login\?next=%2Fusers/);
});

test("a wrong password shows an error and keeps the email", async ({ page }, info) => {
  const admin = printedAdmin();
  await signIn(page, info, admin.email, "not the password");
  await expect(page.getByRole("alert")).toContainText("The email or password is not right");
  await expect(page.getByLabel("Email")).toHaveValue(admin.email);
});

test("after sign-in the user lands on the page they asked for", async ({ page }, info) => {
  const admin = printedAdmin();
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?next=%2Faccount/);
  await hydrated(page, info);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
});

test("an unknown address shows the not-found page", async ({ page }, info) => {
  const admin = printedAdmin();
  await signIn(page, info, admin.email, admin.password);
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
