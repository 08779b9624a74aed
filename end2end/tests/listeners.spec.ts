// The listener journey: a community manager creates an API key and an external listener in
// the browser, copies the endpoint URL, another system posts to it, and the delivery shows on
// the listener page and the value on the user's summary.
import { act, admin, expect, test } from "./fixtures/inlet";

test("data posted to a listener lands on the user and in the delivery log", async ({ page, request }) => {
  const stamp = Date.now().toString(36);
  await act.logIn(page, admin);

  // An API key, shown once.
  await page.goto("/api-keys");
  await act.waitForHydration(page);
  await page.getByLabel("Key name").fill(`Mobile backend ${stamp}`);
  await page.getByRole("button", { name: "Create key" }).click();
  const keyField = page.getByLabel("New API key");
  await expect(keyField).toHaveValue(/^inlet_[a-z0-9]{8}_[a-z0-9]{32}$/);
  const apiKey = await keyField.inputValue();

  // A listener, through Management › Users › Project users › User automation.
  await page.goto("/p/aurora/users");
  await act.waitForHydration(page);
  await page.getByRole("link", { name: "User automation" }).first().click();
  await page.getByRole("link", { name: "Create an external listener" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Create an external listener" })).toBeVisible();
  await act.waitForHydration(page);
  const key = `app-${stamp}`;
  await page.getByLabel("Name").fill("Mobile app");
  await page.getByLabel("Key").fill(key);
  await page.getByLabel("Data group label").fill(`App data ${stamp}`);
  await page.getByLabel("Field 1 label").fill("Sessions");
  await page.getByLabel("Field 1 parameter").fill("sessions");
  await page.getByLabel("Field 1 type").selectOption("integer");
  await page.getByLabel("Field 2 label").fill("Plan");
  await page.getByLabel("Field 2 parameter").fill("account.plan");
  await page.getByLabel("Field 2 type").selectOption("string");
  await page.getByRole("button", { name: "Submit" }).click();

  // The listener page: endpoint ready to copy, with VALUE standing for the user.
  await expect(page).toHaveURL(new RegExp(`/p/aurora/automation/${key}$`));
  const endpoint = page.getByLabel("Endpoint URL");
  await expect(endpoint).toHaveValue(new RegExp(`/api/v1/projects/aurora/listeners/${key}/users/VALUE$`));
  await expect(page.locator("#curl-example")).toContainText("X-Api-Key");
  await expect(page.getByText("Nothing received yet.")).toBeVisible();
  const url = (await endpoint.inputValue()).replace("VALUE", "user0007@example.com");

  // Another system posts: one good delivery, one that does not fit.
  const accepted = await request.post(url, { headers: { "X-Api-Key": apiKey }, data: { sessions: "12", account: { plan: "pro" }, device: "ios" } });
  expect(accepted.status()).toBe(200);
  expect(await accepted.json()).toEqual({ status: "accepted", user: "user0007@example.com", updated: ["sessions", "account.plan"], ignored: ["device"] });
  const rejected = await request.post(url, { headers: { "X-Api-Key": apiKey }, data: { sessions: "lots" } });
  expect(rejected.status()).toBe(422);

  await page.reload();
  const rows = page.locator("table.deliveries tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("422");
  await expect(rows.nth(0)).toContainText("sessions: expected a whole number");
  await expect(rows.nth(1)).toContainText("200");
  await expect(rows.nth(1)).toContainText("user0007@example.com");
  await rows.nth(1).getByText("Payload").click();
  await expect(rows.nth(1).locator("pre")).toContainText('"plan":"pro"');

  // Only the rejected ones, then all again, without leaving the page.
  await act.waitForHydration(page);
  const shown = page.getByRole("navigation", { name: "Deliveries shown" });
  await shown.getByRole("link", { name: "Rejected" }).click();
  await expect(page).toHaveURL(/\?outcome=rejected$/);
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText("422");
  await shown.getByRole("link", { name: "Accepted" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText("200");
  await shown.getByRole("link", { name: "All" }).click();
  await expect(rows).toHaveCount(2);

  // The value, on the user's summary.
  await page.goto("/p/aurora/users?q=user0007");
  await act.waitForHydration(page);
  await page.getByRole("link", { name: "user0007" }).click();
  await expect(page.getByRole("heading", { level: 2, name: `App data ${stamp}` })).toBeVisible();
  const group = page.locator("section.data-group", { hasText: `App data ${stamp}` });
  await expect(group).toContainText("Sessions");
  await expect(group).toContainText("12");
  await expect(group).toContainText("pro");
  await expect(page.getByRole("cell", { name: "Sessions" }).first()).toBeVisible();
});
