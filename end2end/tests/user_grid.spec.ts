// Management › Users as a grid: a project's users with values fed by a listener; a filter and
// a view built in the browser; sorting by a column; an XLSX export downloaded and read back; a
// user's summary opened from the grid; and the same grid URL served with JavaScript off.
import { readFileSync } from "node:fs";
import type { APIRequestContext, Page } from "@playwright/test";
import { act, admin, expect, find, test, unique } from "./fixtures/inlet";
import { readZipEntry, sharedStrings, sheetRows } from "./fixtures/zip";

type Project = { slug: string; people: { email: string; name: string; seats?: number; beta?: boolean }[] };

/** A new project of four users, three of them with CRM values (Seats, Beta) posted by a listener. */
async function projectWithValues(page: Page, request: APIRequestContext): Promise<Project> {
  const id = unique();
  const slug = `grid-${id}`;
  const people = [
    { email: `ada.${id}@example.com`, name: "Ada Lovelace", seats: 12, beta: true },
    { email: `bob.${id}@example.com`, name: "Bob Babbage", seats: 3, beta: false },
    { email: `cyd.${id}@example.com`, name: "Cyd Charisse", seats: 40, beta: false },
    { email: `dee.${id}@example.com`, name: "Dee Dee" },
  ];
  await act.open(page, "/projects");
  await act.createProject(page, `Grid ${id}`, slug);
  await act.open(page, `/p/${slug}/users/import`);
  const csv = ["email,username,name", ...people.map((p) => `${p.email},${p.email.split("@")[0].replace(".", "-")},${p.name}`)].join("\n");
  await act.importCsv(page, csv);
  await expect(find.importSummary(page)).toHaveText("Imported: 4 created, 0 updated, 0 rejected");

  await act.open(page, "/api-keys");
  await page.getByLabel("Key name").fill(`Grid ${id}`);
  await page.getByRole("button", { name: "Create key" }).click();
  const apiKey = await page.getByLabel("New API key").inputValue();

  await act.open(page, `/p/${slug}/automation/new`);
  await page.getByLabel("Name", { exact: true }).fill("CRM");
  await page.getByLabel("Key", { exact: true }).fill("crm");
  await page.getByLabel("Data group label").fill("CRM");
  await page.getByLabel("Field 1 label").fill("Seats");
  await page.getByLabel("Field 1 parameter").fill("seats");
  await page.getByLabel("Field 1 type").selectOption("integer");
  await page.getByLabel("Field 2 label").fill("Beta");
  await page.getByLabel("Field 2 parameter").fill("beta");
  await page.getByLabel("Field 2 type").selectOption("boolean");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${slug}/automation/crm$`));
  const endpoint = await page.getByLabel("Endpoint URL").inputValue();
  for (const person of people.filter((p) => p.seats !== undefined)) {
    const response = await request.post(endpoint.replace("VALUE", person.email), {
      headers: { "X-Api-Key": apiKey },
      data: { seats: person.seats, beta: person.beta },
    });
    expect(response.status(), await response.text()).toBe(200);
  }
  return { slug, people };
}

/** The grid's body rows, each as the text of its cells. */
async function gridTexts(page: Page): Promise<string[][]> {
  const rows = page.locator("table.data-grid tbody tr");
  return rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => (td.textContent ?? "").trim())));
}

test("a filter and a view built in the browser run as a sorted grid, exported to XLSX", async ({ page, request }) => {
  await act.logIn(page, admin);
  const { slug, people } = await projectWithValues(page, request);
  const [ada, bob, cyd, dee] = people;

  await act.open(page, `/p/${slug}/users`);
  await expect(find.userCount(page)).toHaveText("4 users");
  await expect(page.getByLabel("Filter", { exact: true })).toHaveValue("");
  await expect(page.locator("table.data-grid thead th")).toHaveText(["Email", "Username", "Display name", "Status", "Joined"]);

  // A filter: Seats ≥ 5. A missing value is refused beside the input and nothing is saved.
  await page.getByRole("link", { name: "New filter" }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${slug}/users/filters/new$`));
  await act.waitForHydration(page);
  await page.getByLabel("Filter name").fill("Many seats");
  await page.getByLabel("Criterion 1 data group").selectOption("CRM");
  await page.getByLabel("Criterion 1 field").selectOption({ label: "Seats (Integer)" });
  await expect(page.getByLabel("Criterion 1 comparison").locator("option")).toHaveText(["=", "≠", "<", "≤", ">", "≥", "between", "is empty", "is not empty"]);
  await page.getByLabel("Criterion 1 comparison").selectOption("ge");
  await expect(page.getByLabel("Criterion 1 value")).toHaveAttribute("type", "number");
  await page.getByRole("button", { name: "Save filter" }).click();
  await expect(page.locator("#criterion-0-value-error")).not.toBeEmpty();
  await expect(page.getByLabel("Criterion 1 value")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(new RegExp(`/p/${slug}/users/filters/new$`));
  await page.getByLabel("Criterion 1 value").fill("5");
  // A second criterion, any-combined: Beta is true (no value input for is_true).
  await page.getByRole("button", { name: "+ Add criterion" }).click();
  await expect(page.getByLabel("Criterion 2 data group")).toBeFocused();
  await page.getByLabel("Criterion 2 data group").selectOption("CRM");
  await page.getByLabel("Criterion 2 field").selectOption({ label: "Beta (Boolean)" });
  await page.getByLabel("Criterion 2 comparison").selectOption("is_true");
  await expect(page.getByLabel("Criterion 2 value")).toHaveCount(0);
  await page.getByLabel(/Show users who match/).selectOption("all");
  await page.getByRole("button", { name: "Save filter" }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${slug}/users\\?filter=\\d+$`));
  const filterId = new URL(page.url()).searchParams.get("filter");
  await expect(find.userCount(page)).toHaveText("1 user");
  await expect(page.getByText(/Users matching/)).toContainText("Seats ≥ 5");

  // Edit it: drop the Beta criterion and rename it.
  await page.getByRole("link", { name: "Edit", exact: true }).first().click();
  await act.waitForHydration(page);
  await expect(page.getByLabel("Filter name")).toHaveValue("Many seats");
  await page.getByRole("button", { name: "Remove criterion 2" }).click();
  await page.getByLabel("Filter name").fill("Five seats or more");
  await page.getByRole("button", { name: "Save filter" }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${slug}/users\\?filter=${filterId}$`));
  await expect(find.userCount(page)).toHaveText("2 users");
  await expect(page.getByLabel("Filter", { exact: true }).locator("option:checked")).toHaveText("Five seats or more");

  // A view: Email, Username, Status, Seats, Joined, Beta — by double-click, keyboard and buttons.
  await act.waitForHydration(page);
  await page.getByRole("link", { name: "New view" }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${slug}/users/views/new\\?filter=${filterId}$`));
  await act.waitForHydration(page);
  await page.getByLabel("View name").fill("Seats");
  const columns = page.getByLabel(/View columns/);
  const fields = page.getByLabel("All fields");
  await expect(columns.locator("option")).toHaveCount(5);
  await columns.locator("option", { hasText: "Display name" }).dblclick();
  await expect(columns.locator("option")).toHaveCount(4);
  await fields.selectOption({ label: "Seats" });
  await fields.press("Enter");
  await fields.selectOption({ label: "Beta" });
  await page.getByRole("button", { name: "Add →" }).click();
  await columns.selectOption({ label: "Seats · CRM" });
  await page.getByRole("button", { name: "↑ Move up" }).click();
  await expect(columns.locator("option")).toHaveText(["Email · User account", "Username · User account", "Status · Participation", "Seats · CRM", "Joined · Participation", "Beta · CRM"]);
  await page.getByRole("button", { name: "Save view" }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${slug}/users\\?filter=${filterId}&view=\\d+$`));
  const viewId = new URL(page.url()).searchParams.get("view");
  await expect(page.locator("table.data-grid thead th")).toHaveText(["Email", "Username", "Status", "Seats", "Joined", "Beta"]);

  // Sort by Seats: ascending, then descending; the choice is in the URL.
  await act.waitForHydration(page);
  await page.getByRole("columnheader", { name: "Seats" }).getByRole("link").click();
  await expect(page).toHaveURL(/[?&]sort=3&order=asc/);
  await expect(page.getByRole("columnheader", { name: "Seats" })).toHaveAttribute("aria-sort", "ascending");
  expect((await gridTexts(page)).map((row) => row[0])).toEqual([ada.email, cyd.email]);
  await page.getByRole("columnheader", { name: "Seats" }).getByRole("link").click();
  await expect(page).toHaveURL(/[?&]sort=3&order=desc/);
  await expect(page.locator("table.data-grid tbody tr").first()).toContainText(cyd.email);
  expect((await gridTexts(page)).map((row) => [row[0], row[3], row[5]])).toEqual([
    [cyd.email, "40", "No"],
    [ada.email, "12", "Yes"],
  ]);

  // Export XLSX: a real download with a useful name, typed cells in the grid's order.
  await act.waitForHydration(page);
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export XLSX" }).click();
  const download = await downloading;
  const today = new Date().toISOString().slice(0, 10);
  expect(download.suggestedFilename()).toBe(`${slug}-users-${today}.xlsx`);
  await expect(page.getByText(/XLSX downloaded/)).toBeVisible();
  const file = readFileSync(await download.path());
  let shared: string[] = [];
  try {
    shared = sharedStrings(readZipEntry(file, "xl/sharedStrings.xml"));
  } catch {
    // Inline strings only.
  }
  const rows = sheetRows(readZipEntry(file, "xl/worksheets/sheet1.xml"), shared);
  expect(rows.map((row) => row.map((cell) => cell.text))[0]).toEqual(["Email", "Username", "Status", "Seats", "Joined", "Beta"]);
  expect(rows).toHaveLength(3);
  expect(rows[1][0].text).toBe(cyd.email);
  expect(rows[1][3]).toEqual({ type: "n", text: "40" });
  expect(rows[2][3]).toEqual({ type: "n", text: "12" });
  expect(rows[1][5]).toEqual({ type: "b", text: "0" });
  expect(rows[2][5]).toEqual({ type: "b", text: "1" });
  expect(rows[1][4].type).toBe("n"); // Joined: a real Excel date (a serial number)

  // The first cell links to the user's summary.
  await page.getByRole("link", { name: cyd.email }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${slug}/u/`));
  await expect(page.getByRole("heading", { level: 1, name: cyd.name })).toBeVisible();

  // The grid without JavaScript: the same URL, sorting by a link, the toolbar as a GET form, a CSV download.
  const context = await page.context().browser()!.newContext({ baseURL: new URL(page.url()).origin, javaScriptEnabled: false });
  try {
    const plain = await context.newPage();
    const noJs = { hydrate: false };
    await act.logIn(plain, admin, noJs);
    await act.open(plain, `/p/${slug}/users?filter=${filterId}&view=${viewId}&sort=3&order=desc`, noJs);
    await expect(find.userCount(plain)).toHaveText("2 users");
    expect((await gridTexts(plain)).map((row) => row[0])).toEqual([cyd.email, ada.email]);
    await plain.getByRole("columnheader", { name: "Seats" }).getByRole("link").click();
    await expect(plain).toHaveURL(/[?&]sort=3&order=asc/);
    expect((await gridTexts(plain)).map((row) => row[0])).toEqual([ada.email, cyd.email]);

    await plain.getByLabel("Filter", { exact: true }).selectOption("");
    await plain.getByLabel("Rows per page").selectOption("25");
    await plain.getByRole("button", { name: "Apply" }).click();
    await expect(plain).toHaveURL(new RegExp(`[?&]view=${viewId}&per_page=25$`));
    await expect(find.userCount(plain)).toHaveText("4 users");
    await plain.getByRole("columnheader", { name: "Seats" }).getByRole("link").click();
    await expect(plain).toHaveURL(new RegExp(`\\?view=${viewId}&sort=3&order=asc&per_page=25$`));
    // Empty values sort last whichever the direction.
    expect((await gridTexts(plain)).map((row) => row[0])).toEqual([bob.email, ada.email, cyd.email, dee.email]);

    const csvDownload = plain.waitForEvent("download");
    await plain.getByRole("link", { name: "Export CSV" }).click();
    const csvFile = await csvDownload;
    expect(csvFile.suggestedFilename()).toBe(`${slug}-users-${today}.csv`);
    const lines = readFileSync(await csvFile.path(), "utf-8").trim().split(/\r?\n/);
    expect(lines[0]).toBe("Email,Username,Status,Seats,Joined,Beta");
    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual([bob.email, ada.email, cyd.email, dee.email]);
    expect(lines[4]).toMatch(new RegExp(`^${dee.email.replace(/\./g, "\\.")},dee-[a-z0-9]+,active,,\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z,$`));
    await expect(find.body(plain)).not.toHaveAttribute("data-hydrated", "true");
  } finally {
    await context.close();
  }
});
