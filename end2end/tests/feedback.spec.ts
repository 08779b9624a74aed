// The feedback journey: another system sends feedback through a "Create feedback" listener,
// a manager finds it under Management › Feedback, opens it, sees the submitter's external
// data beside it (what that listener stored, and the demo CRM's data), comments and closes it.
import { act, admin, expect, test } from "./fixtures/inlet";

test("feedback sent through a listener is read beside the submitter's data, commented on and closed", async ({ page, request }) => {
  const stamp = Date.now().toString(36);
  await act.logIn(page, admin);

  // An API key, shown once.
  await page.goto("/api-keys");
  await act.waitForHydration(page);
  await page.getByLabel("Key name").fill(`Feedback widget ${stamp}`);
  await page.getByRole("button", { name: "Create key" }).click();
  const keyField = page.getByLabel("New API key");
  await expect(keyField).toHaveValue(/^inlet_[a-z0-9]{8}_[a-z0-9]{32}$/);
  const apiKey = await keyField.inputValue();
  const headers = { "X-Api-Key": apiKey };

  // A Create feedback listener that also stores the app's version on the submitter.
  const key = `feedback-${stamp}`;
  const group = `Widget ${stamp}`;
  const created = await request.post("/api/v1/projects/aurora/listeners", {
    headers,
    data: {
      name: "In-app feedback",
      key,
      type: "create_feedback",
      data_group: group,
      fields: [{ label: "App version", parameter: "app.version", type: "string" }],
      feedback: { title: "subject", description: "message", type_parameter: "kind", default_type: "Bug" },
    },
  });
  expect(created.status()).toBe(201);

  // The widget sends feedback for user0007; a repeat with the same Idempotency-Key opens no
  // second ticket and is answered as the first was.
  const title = `Export crashes ${stamp}`;
  const body = { subject: title, message: "Export to PDF crashes\non page 3.", kind: "Bug", app: { version: "2.3.1" } };
  const url = `/api/v1/projects/aurora/listeners/${key}/users/user0007@example.com`;
  const sent = await request.post(url, { headers: { ...headers, "Idempotency-Key": `fb-${stamp}` }, data: body });
  expect(sent.status()).toBe(200);
  const answer = await sent.json();
  expect(answer.status).toBe("accepted");
  expect(typeof answer.ticket_id).toBe("number");
  const repeat = await request.post(url, { headers: { ...headers, "Idempotency-Key": `fb-${stamp}` }, data: body });
  expect(await repeat.json()).toEqual(answer);

  // Management › Feedback › Bug: the ticket, once.
  await page.goto("/p/aurora/feedback");
  await act.waitForHydration(page);
  await page.getByRole("navigation", { name: "Feedback types" }).getByRole("link", { name: "Bug", exact: true }).click();
  await expect(page).toHaveURL(/\/p\/aurora\/feedback\?type=Bug$/);
  const rows = page.locator("table.data-grid tbody tr", { hasText: title });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("user0007@example.com");

  // The ticket page: what was sent, as text, and the submitter's data beside it.
  await rows.first().getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/p/aurora/feedback/${answer.ticket_id}$`));
  await act.waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.locator(".ticket-text")).toContainText("Export to PDF crashes");
  const side = page.getByRole("complementary", { name: "Submitter" });
  await expect(side).toContainText("user0007@example.com");
  await expect(side.getByRole("heading", { level: 2, name: group })).toBeVisible();
  await expect(side.locator("section.data-group", { hasText: group })).toContainText("2.3.1");
  await expect(side.getByRole("heading", { level: 2, name: "CRM" })).toBeVisible();
  await expect(side.getByRole("heading", { level: 2, name: "Participation" })).toBeVisible();

  // A comment, then the ticket closed; both in its activity.
  await page.getByLabel("Comment").fill("Reproduced on 2.3.1; fixed in 2.3.2.");
  await page.getByRole("button", { name: "Add comment" }).click();
  const activity = page.locator("ol.activity");
  await expect(activity).toContainText("Reproduced on 2.3.1; fixed in 2.3.2.");
  await page.getByLabel("Status", { exact: true }).selectOption("closed");
  await page.getByRole("button", { name: "Change status" }).click();
  await expect(activity).toContainText("changed the status from New to Closed");
  await expect(page.locator("header .status")).toHaveText("Closed");

  // The submitter's summary lists the ticket.
  await side.locator("section.submitter a").first().click();
  await expect(page).toHaveURL(/\/p\/aurora\/u\/user0007$/);
  await expect(page.getByRole("heading", { level: 2, name: "Feedback" })).toBeVisible();
  await expect(page.locator("#feedback")).toContainText(title);
  await expect(page.locator("#feedback")).toContainText("Closed");
});
