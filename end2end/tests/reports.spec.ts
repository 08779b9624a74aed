// Custom reports in the browser: a report built on the one-page builder (the preview redraws as
// the data and the style change, and only fitting styles are offered), saved into a new report,
// a second element added, the report viewed with its server-drawn charts, and its PDF
// downloaded for real.
import { readFileSync, statSync } from "node:fs";
import type { Page } from "@playwright/test";
import { act, admin, expect, test, unique } from "./fixtures/inlet";

// The demo's Aurora beta: its CRM listener feeds Plan (text), Seats, Renewal date, Beta opt-in.
const SLUG = "aurora";

const preview = (page: Page) => page.locator(".builder-preview .preview-element");
const styleSelect = (page: Page) => page.getByLabel("Style", { exact: true });

/** Chooses the first field by its label, e.g. "Plan (String)". */
async function chooseField(page: Page, label: string) {
  await page.getByLabel("Field", { exact: true }).selectOption({ label });
}

test("a report with a bar and a pie element is built with a live preview, viewed and exported to PDF", async ({ page }) => {
  const reportName = `Plans ${unique()}`;
  await act.logIn(page, admin);

  await act.open(page, `/p/${SLUG}/reports`);
  await page.getByRole("link", { name: "Create a report" }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${SLUG}/reports/new$`));
  await act.waitForHydration(page);

  // The starting choice: a headline count of every user, drawn by the server.
  await expect(preview(page)).toHaveAttribute("data-style", "number");
  await expect(preview(page).locator(".figure-value")).toHaveText(/^\d+$/);
  await expect(styleSelect(page).locator("option")).toHaveText(["Number", "List of users"]);
  const everyone = Number(await preview(page).locator(".figure-value").textContent());

  // Criteria written on the builder: the editor appears, and the preview counts with them.
  const criteria = page.locator(".own-criteria");
  await expect(criteria).toBeHidden();
  await page.getByLabel("Filter", { exact: true }).selectOption({ label: "Criteria written here…" });
  await expect(criteria).toBeVisible();
  await criteria.getByLabel("Criterion 1 data group").selectOption("CRM");
  await criteria.getByLabel("Criterion 1 field").selectOption({ label: "Beta opt-in (Boolean)" });
  await criteria.getByLabel("Criterion 1 comparison").selectOption({ label: "is true" });
  await expect
    .poll(async () => Number(await preview(page).locator(".figure-value").textContent()))
    .toBeLessThan(everyone);
  await page.getByLabel("Filter", { exact: true }).selectOption({ label: "No filter: every user" });
  await expect(criteria).toBeHidden();
  await expect(preview(page).locator(".figure-value")).toHaveText(String(everyone));

  // One text field: the styles that fit it, and the preview follows the choice.
  await chooseField(page, "Plan (String)");
  await expect(styleSelect(page).locator("option")).toHaveText([
    "Table",
    "Bar chart",
    "Column chart",
    "Pie chart",
    "Donut chart",
    "List of users",
  ]);
  await expect(preview(page)).toHaveAttribute("data-style", "table");
  await expect(preview(page).locator("table thead th").first()).toHaveText("Plan");

  await styleSelect(page).selectOption("bar");
  await expect(preview(page)).toHaveAttribute("data-style", "bar");
  const bars = preview(page).locator(".chart svg");
  await expect(bars).toBeVisible();
  const barMarkup = await bars.evaluate((svg) => svg.outerHTML);

  await styleSelect(page).selectOption("pie");
  await expect(preview(page)).toHaveAttribute("data-style", "pie");
  await expect(preview(page).locator(".chart svg")).toBeVisible();
  expect(await preview(page).locator(".chart svg").evaluate((svg) => svg.outerHTML)).not.toBe(barMarkup);

  // Back to bars, named, into a new report.
  await styleSelect(page).selectOption("bar");
  await expect(preview(page)).toHaveAttribute("data-style", "bar");
  await page.getByLabel("Element name").fill("Plans as bars");
  await expect(page.getByLabel("Add to")).toHaveValue("new");
  await page.getByLabel("New report's name").fill(reportName);
  await page.getByRole("button", { name: "Save element" }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${SLUG}/reports/\\d+$`));
  const reportPath = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { level: 1, name: reportName })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Plans as bars" })).toBeVisible();

  // A second element, a pie, added from the report's page into the same report.
  await act.waitForHydration(page);
  await page.getByRole("link", { name: "Add an element" }).click();
  await expect(page).toHaveURL(new RegExp(`${reportPath}/elements/new$`));
  await act.waitForHydration(page);
  await expect(page.getByLabel("Add to").locator("option:checked")).toHaveText(reportName);
  await chooseField(page, "Plan (String)");
  await styleSelect(page).selectOption("pie");
  await expect(preview(page)).toHaveAttribute("data-style", "pie");
  await page.getByLabel("Element name").fill("Plan mix");
  await page.getByRole("button", { name: "Save element" }).click();
  await expect(page).toHaveURL(new RegExp(`${reportPath}$`));

  // The report: both elements, each with its chart (inline SVG with a title) and its table.
  const elements = page.locator("section.report-element");
  await expect(elements).toHaveCount(2);
  await expect(elements.locator("h2")).toHaveText(["Plans as bars", "Plan mix"]);
  await expect(elements.nth(0)).toHaveAttribute("data-style", "bar");
  await expect(elements.nth(1)).toHaveAttribute("data-style", "pie");
  for (const element of [elements.nth(0), elements.nth(1)]) {
    await expect(element.locator(".chart svg")).toBeVisible();
    await expect(element.locator("table thead th").first()).toHaveText("Plan");
  }
  await expect(page.getByText("Refreshed at")).toBeVisible();

  // The whole report as a PDF: a real download, named after the report.
  await act.waitForHydration(page);
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export PDF" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^plans-[a-z0-9]+-\d{4}-\d{2}-\d{2}\.pdf$/);
  const path = await download.path();
  const pdf = readFileSync(path);
  expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(statSync(path).size).toBeGreaterThan(2_000);
  await expect(page.getByText(/PDF downloaded/)).toBeVisible();
});
