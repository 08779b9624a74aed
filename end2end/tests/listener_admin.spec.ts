// Looking after a listener in the browser: a key limited to the sender's address, editing the
// fields, gating the listener with a filter, replaying a refused delivery once the gate is
// lifted, and requiring signed requests; and a key made with JavaScript off.
import { createHmac } from "node:crypto";
import { act, admin, expect, test } from "./fixtures/inlet";

test("a listener is edited, gated, replayed and signed in the browser", async ({ page, request }) => {
  const stamp = Date.now().toString(36);
  await act.logIn(page, admin);

  // A key that only works from this machine.
  await act.open(page, "/api-keys");
  await page.getByLabel("Key name").fill(`Billing ${stamp}`);
  await page.getByLabel("Description").fill("Invoices, nightly");
  await page.getByLabel(/Allowed addresses/).fill("127.0.0.1, ::1");
  await page.getByRole("button", { name: "Create key" }).click();
  const apiKey = await page.getByLabel("New API key").inputValue();
  expect(apiKey).toMatch(/^inlet_/);
  const keyRow = page.locator("table.grid tbody tr", { hasText: `Billing ${stamp}` });
  await expect(keyRow).toContainText("Invoices, nightly");
  await expect(keyRow).toContainText("127.0.0.1, ::1");

  // A listener of one field.
  const key = `billing-${stamp}`;
  await act.open(page, "/p/aurora/automation/new");
  await page.getByLabel("Name").fill("Billing");
  await page.getByLabel("Key").fill(key);
  await page.getByLabel("Data group label").fill(`Billing ${stamp}`);
  await page.getByLabel("Field 1 label").fill("Seats");
  await page.getByLabel("Field 1 parameter").fill("seats");
  await page.getByLabel("Field 1 type").selectOption("integer");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page).toHaveURL(new RegExp(`/p/aurora/automation/${key}$`));
  const endpoint = await page.getByLabel("Endpoint URL").inputValue();
  const post = (user: string, data: unknown, headers: Record<string, string> = {}) =>
    request.post(endpoint.replace("VALUE", user), { headers: { "X-Api-Key": apiKey, ...headers }, data });

  // Edit: rename Seats (its parameter too) and add Plan.
  await act.waitForHydration(page);
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page).toHaveURL(new RegExp(`/p/aurora/automation/${key}/edit$`));
  await act.waitForHydration(page);
  await page.getByLabel("Field 1 label").fill("Licensed seats");
  await page.getByLabel("Field 1 parameter").fill("licensed_seats");
  await page.getByRole("button", { name: "+ Add field" }).click();
  await page.getByLabel("Field 2 label").fill("Plan");
  await page.getByLabel("Field 2 parameter").fill("plan");
  await page.getByLabel("Field 2 type").selectOption("string");
  await page.getByRole("button", { name: /Save/ }).click();
  await expect(page).toHaveURL(new RegExp(`/p/aurora/automation/${key}$`));
  const fields = page.locator("section.panel", { has: page.getByRole("heading", { name: "Fields" }) });
  await expect(fields).toContainText("Licensed seats");
  await expect(fields).toContainText("licensed_seats");
  await expect(fields).toContainText("Plan");

  // Gate: only user0008.
  await act.waitForHydration(page);
  await page.getByLabel("Criterion 1 field").selectOption({ label: "Email (String)" });
  await page.getByLabel("Criterion 1 comparison").selectOption("contains");
  await page.getByLabel("Criterion 1 value").fill("user0008@");
  await page.getByRole("button", { name: "Save filter" }).click();
  await expect(page.getByText(/Only users matching/)).toContainText('Email contains "user0008@"');

  expect((await post("user0008@example.com", { licensed_seats: 12, plan: "team" })).status()).toBe(200);
  const outside = await post("user0009@example.com", { licensed_seats: 3 });
  expect(outside.status()).toBe(422);
  expect((await outside.json()).error.code).toBe("user_outside_filter");

  // Lift the gate, then replay the refused delivery from the page.
  await page.reload();
  await act.waitForHydration(page);
  await page.getByLabel("Criterion 1 field").selectOption("");
  await page.getByRole("button", { name: "Save filter" }).click();
  await expect(page.getByText("No filter: every user")).toBeVisible();
  await page.reload();
  await act.waitForHydration(page);
  const rows = page.locator("table.deliveries tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("422");
  await rows.nth(0).getByRole("button", { name: /Replay delivery/ }).click();
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText("200");
  await expect(rows.nth(0)).toContainText("replay of #");

  // Signed requests: the secret is shown to staff; unsigned requests are refused.
  await page.getByRole("button", { name: "Require signed requests" }).click();
  await page.getByText("Show signing secret").click();
  const secretField = page.getByLabel("Signing secret");
  await expect(secretField).toHaveValue(/^[A-Za-z0-9]{40}$/);
  const secret = await secretField.inputValue();
  expect((await post("user0008@example.com", { licensed_seats: 13 })).status()).toBe(401);
  const body = JSON.stringify({ licensed_seats: 14 });
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const signature = "sha256=" + createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  const signed = await request.post(endpoint.replace("VALUE", "user0008@example.com"), {
    headers: { "X-Api-Key": apiKey, "Content-Type": "application/json", "X-Inlet-Timestamp": timestamp, "X-Inlet-Signature": signature },
    data: body,
  });
  expect(signed.status()).toBe(200);
});

test("with JavaScript off, a new API key's secret is shown once and works", async ({ browser, baseURL, request }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const noJs = { hydrate: false };
    const name = `Plain form ${Date.now().toString(36)}`;
    await act.logIn(page, admin, noJs);
    await act.open(page, "/api-keys", noJs);
    await page.getByLabel("Key name").fill(name);
    await page.getByRole("button", { name: "Create key" }).click();

    await expect(page.getByText(`Key “${name}” created.`)).toBeVisible();
    const apiKey = await page.getByLabel("New API key").inputValue();
    expect(apiKey).toMatch(/^inlet_[a-z0-9]{8}_[a-z0-9]{32}$/);
    expect((await request.get("/api/v1/projects", { headers: { "X-Api-Key": apiKey } })).status()).toBe(200);

    await page.reload();
    await expect(page.locator("table.grid tbody tr", { hasText: name })).toBeVisible();
    await expect(page.getByLabel("New API key")).toHaveCount(0);
  } finally {
    await context.close();
  }
});
