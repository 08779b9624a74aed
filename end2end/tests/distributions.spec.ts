// Sending a report in the browser: schedule a distribution of the demo's report, email it now,
// see the run in its history and the message (with the PDF and XLSX) in the Outbox; then
// "Email this report" from the report's page. The e2e server has no SMTP server, so mail lands
// in its outbox (scripts/e2e-server).
import { act, admin, expect, test, unique } from "./fixtures/inlet";

test("a report is scheduled, emailed now, and the message shows in the outbox and the run in the history", async ({ page }) => {
  const stamp = unique();
  const subject = `Aurora weekly ${stamp}`;
  const reader = `reader-${stamp}@example.com`;
  await act.logIn(page, admin);

  // Management > Distributions lists the project's reports to send.
  await act.open(page, "/p/aurora/distributions");
  await expect(page.getByRole("heading", { level: 1, name: "Distributions" })).toBeVisible();
  await page.getByRole("link", { name: "Aurora at a glance", exact: true }).click();
  await expect(page).toHaveURL(/\/p\/aurora\/reports\/\d+\/distributions$/);
  await act.waitForHydration(page);
  const reportPage = page.url();

  // Schedule: weekly on Monday and Tuesday at 08:00 in Berlin, to one address.
  const schedule = page.locator("section.panel", { has: page.getByRole("heading", { name: "Schedule", exact: true }) });
  await schedule.getByLabel("Addresses").fill(reader);
  await schedule.getByLabel("Frequency").selectOption("weekly");
  await expect(schedule.getByLabel("Day of the month")).toBeHidden();
  await schedule.getByLabel("Tue", { exact: true }).check();
  await schedule.getByLabel("Time", { exact: true }).fill("08:00");
  await schedule.getByLabel("Time zone").fill("Europe/Berlin");
  await schedule.getByLabel("Subject").fill(subject);
  await schedule.getByLabel("Message").fill("The numbers for this week.");
  await schedule.getByRole("button", { name: "Schedule", exact: true }).click();

  // On to the distribution's page: its schedule in words, and nothing sent yet.
  await expect(page).toHaveURL(/\/p\/aurora\/distributions\/\d+$/);
  await act.waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1, name: subject })).toBeVisible();
  await expect(page.getByText("Weekly on Mon, Tue at 08:00 (Europe/Berlin)")).toBeVisible();
  await expect(page.getByText("Nothing sent yet.")).toBeVisible();

  // Email now: the run appears in the history and turns Sent (the page asks again while pending).
  await page.getByRole("button", { name: "Email now", exact: true }).click();
  const history = page.locator("table.history");
  await expect(history).toContainText(reader, { timeout: 20_000 });
  await expect(history.locator("tbody tr").first()).toContainText("Sent", { timeout: 20_000 });

  // The message is in the outbox, with the report attached as PDF and XLSX.
  await act.open(page, "/outbox");
  const row = page.locator("table.outbox tbody tr", { hasText: subject });
  await expect(row).toContainText(reader);
  await row.getByRole("link", { name: subject }).click();
  await expect(page.getByRole("heading", { level: 1, name: subject })).toBeVisible();
  const attachments = page.locator("ul.attachments");
  await expect(attachments).toContainText(/aurora-at-a-glance-.*\.pdf/);
  await expect(attachments).toContainText(/aurora-at-a-glance-.*\.xlsx/);

  // Email this report, from the report's page: the send shows Sent.
  await act.open(page, new URL(reportPage).pathname);
  const email = page.locator("section.panel", { has: page.getByRole("heading", { name: "Email this report" }) });
  await email.getByLabel("To").fill(`now-${stamp}@example.com`);
  await email.getByLabel("Subject").fill(`Right now ${stamp}`);
  await email.getByRole("button", { name: "Email now", exact: true }).click();
  await expect(page.getByText("Queued: it is sent within seconds")).toBeVisible();
  const sends = page.locator("table.sends tbody tr", { hasText: `Right now ${stamp}` });
  await expect(sends).toContainText("Sent", { timeout: 20_000 });

  // And the project's list shows the distribution with its next run.
  await act.open(page, "/p/aurora/distributions");
  const listed = page.locator("table.distributions tbody tr", { hasText: subject });
  await expect(listed).toContainText("Aurora at a glance");
  await expect(listed).toContainText("Active");
});
