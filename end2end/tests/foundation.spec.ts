// The foundation journeys: a community manager creates a project, imports users from CSV, finds
// one and logs out; wrong credentials; a project manager kept out of another team's project;
// and the same server-rendered pages with JavaScript off.
import { act, admin, check, expect, find, projectManager, test, unique } from "./fixtures/inlet";

test("a community manager creates a project, imports users from CSV, finds one and logs out", async ({ page }) => {
  const id = unique();
  const name = `Journey ${id}`;
  const slug = `journey-${id}`;
  const ada = `ada.${id}@example.com`;
  const grace = `grace.${id}@example.com`;
  const alan = `alan.${id}@example.com`;

  await act.logIn(page, admin);
  await check.onProjectsPage(page);

  await act.createProject(page, name, slug);
  await check.projectListed(page, name, slug);

  await find.projectLink(page, name).click();
  await check.onProjectUsers(page, slug);
  await check.userCount(page, "0 users");

  await find.importCsvLink(page).click();
  await expect(find.heading(page, "Import users")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/p/${slug}/users/import$`));
  // Line 1 is the header, so the bad email is on line 4.
  const csv = [
    "email,username,name",
    `${ada},ada-${id},Ada Lovelace`,
    `${grace},grace-${id},Grace Hopper`,
    `not-an-email,broken-${id},Broken Row`,
    `${alan},alan-${id},Alan Turing`,
  ].join("\n") + "\n";
  await act.importCsv(page, csv);
  await check.importReport(page, "Imported: 3 created, 0 updated, 1 rejected", [4]);

  // The import page reloads after the upload: wait for it to be live before navigating on.
  await act.waitForHydration(page);
  await find.navLink(page, "Project users").click();
  await check.onProjectUsers(page, slug);
  await check.userCount(page, "3 users");
  await check.onlyUsers(page, [ada, grace, alan]);

  await act.search(page, "grace");
  await expect(page).toHaveURL(/[?&]q=grace(&|$)/);
  await check.userCount(page, "1 user");
  await check.onlyUsers(page, [grace]);
  await expect(find.searchInput(page)).toHaveValue("grace");

  await act.logOut(page);
  await check.onLoginPage(page);
  // The session is gone: the project's pages send us back to log in.
  await page.goto(`/p/${slug}/users`);
  await check.onLoginPage(page);
});

test("a wrong password is refused with a message that does not say which part was wrong", async ({ page }) => {
  await act.submitLogin(page, { email: admin.email, password: "not-the-password" });
  await check.loginRefused(page);

  await act.submitLogin(page, { email: "nobody@inlet.test", password: admin.password });
  await check.loginRefused(page);
});

test("a project manager opens their team's project and gets a 403 page for another one", async ({ page }) => {
  await act.logIn(page, projectManager);

  await act.open(page, "/p/aurora/users");
  await check.onProjectUsers(page, "aurora");
  await check.userCount(page, "300 users");

  const response = await page.goto("/p/borealis/users");
  expect(response, "navigation response for /p/borealis/users").not.toBeNull();
  expect(response!.status()).toBe(403);
  await expect(find.heading(page, "No access to this project")).toBeVisible();
  await expect(find.heading(page, "Project users")).toHaveCount(0);
  await expect(find.userRows(page)).toHaveCount(0);
});

test("with JavaScript off, logging in, searching and paging are served by the server", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const noJs = { hydrate: false };

    await act.logIn(page, admin, noJs);
    await check.onProjectsPage(page);

    await act.open(page, "/p/aurora/users", noJs);
    await check.onProjectUsers(page, "aurora");
    await check.userCount(page, "300 users");

    const firstOnPageOne = (await find.userRows(page).first().textContent()) ?? "";
    expect(firstOnPageOne).toMatch(/user\d{4}@example\.com/);
    await find.nextPage(page).click();
    await expect(page).toHaveURL(/[?&]page=2(&|$)/);
    await check.userCount(page, "300 users");
    await expect(find.userRows(page).first()).not.toHaveText(firstOnPageOne);

    await act.search(page, "user0042");
    await expect(page).toHaveURL(/[?&]q=user0042(&|$)/);
    await check.userCount(page, "1 user");
    await check.onlyUsers(page, ["user0042@example.com"]);

    // Nothing above ran the WASM: the page never hydrated.
    await check.notHydrated(page);
  } finally {
    await context.close();
  }
});
