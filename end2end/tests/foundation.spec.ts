// The foundation journeys: log in, create a project, import users from CSV, find one, log out;
// a project manager kept out of another team's project; the same pages without JavaScript.
import { expect, test } from "@playwright/test";
import { act, admin, check, find, projectManager } from "./fixtures/inlet";

test("a community manager creates a project, imports users, finds one and logs out", async ({ page }) => {
  const stamp = Date.now().toString(36);
  const slug = `journey-${stamp}`;

  await act.logIn(page, admin);
  await expect(page).toHaveURL(/\/projects$/);
  await act.createProject(page, `Journey ${stamp}`, slug);
  await expect(page.getByRole("status")).toHaveText(`Project Journey ${stamp} created.`);
  await expect(page.getByRole("link", { name: `Journey ${stamp}` })).toBeVisible();

  await page.getByRole("link", { name: `Journey ${stamp}` }).click();
  await expect(find.heading(page, "Project users")).toBeVisible();
  await check.userCount(page, "0 users");

  const csv = [
    "email,username,name",
    `ada.${stamp}@example.com,ada-${stamp},Ada Lovelace`,
    `grace.${stamp}@example.com,grace-${stamp},Grace Hopper`,
    "not-an-email,broken,Broken Row",
    `alan.${stamp}@example.com,alan-${stamp},Alan Turing`,
  ].join("\n");
  await act.importCsv(page, slug, csv);
  await expect(page.getByText("Imported: 3 created, 0 updated, 1 rejected")).toBeVisible();
  await expect(page.getByRole("cell", { name: "Line 4" })).toBeVisible();

  await page.goto(`/p/${slug}/users`);
  await act.waitForHydration(page);
  await check.userCount(page, "3 users");
  await act.search(page, "grace");
  await check.userCount(page, "1 user");
  await expect(find.userRows(page)).toHaveCount(1);
  await expect(find.userRows(page).first()).toContainText(`grace.${stamp}@example.com`);

  await find.logOut(page).click();
  await check.onLoginPage(page);
  await page.goto(`/p/${slug}/users`);
  await check.onLoginPage(page);
});

test("wrong credentials say so without saying which part was wrong", async ({ page }) => {
  await act.logIn(page, { email: admin.email, password: "not-the-password" });
  await expect(find.alert(page)).toHaveText("Email or password is incorrect.");
  await act.logIn(page, { email: "nobody@inlet.test", password: admin.password });
  await expect(find.alert(page)).toHaveText("Email or password is incorrect.");
});

test("a project manager sees their team's project and gets a 403 page for another", async ({ page }) => {
  await act.logIn(page, projectManager);
  await page.goto("/p/aurora/users");
  await expect(find.heading(page, "Project users")).toBeVisible();
  await check.userCount(page, "300 users");

  const response = await page.goto("/p/borealis/users");
  expect(response?.status()).toBe(403);
  await expect(find.heading(page, "No access to this project")).toBeVisible();
  await expect(page.getByText("Borealis beta")).toHaveCount(0);
});

test.describe("with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("logging in, searching and paging still work", async ({ page }) => {
    await act.logIn(page, admin);
    await expect(page).toHaveURL(/\/projects$/);
    await page.goto("/p/aurora/users");
    await check.userCount(page, "300 users");
    await page.getByRole("link", { name: "Next" }).click();
    await expect(page.getByText("Page 2 of 6")).toBeVisible();
    await act.search(page, "user0042");
    await check.userCount(page, "1 user");
    await expect(find.userRows(page).first()).toContainText("user0042@example.com");
  });
});
