import { expect, test } from "@playwright/test";
import { signIn } from "../src/support/session";

test("an owner creates an API token in the UI, sees it once, calls /api/v1 with it, revokes it, and it is refused", async ({ page, request }) => {
  await signIn(page, "owner@example.com");
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();

  const name = `e2e ${Date.now()}`;
  await page.getByRole("button", { name: "New token" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Expires in (days)").fill("7");
  // An owner cannot pick a role above theirs.
  await expect(page.getByLabel("Role").locator("option")).toHaveText(["viewer", "owner"]);
  await page.getByRole("button", { name: "Create token" }).click();

  const secretBox = page.getByTestId("new-token-secret");
  await expect(secretBox).toHaveText(/^sbt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  const secret = (await secretBox.textContent()) ?? "";
  const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name }) });
  await expect(row).toContainText("owner");
  await expect(row).toContainText("Active");
  await expect(row).not.toContainText(secret.slice(-20));

  // Shown once: after Done (or a reload) the secret is gone from the page.
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("new-token-secret")).toHaveCount(0);
  await page.reload();
  await expect(page.getByText(secret)).toHaveCount(0);

  const me = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ user: { email: "owner@example.com", role: "owner" }, token: { name } });
  const clusters = await request.get("/api/v1/clusters", { headers: { authorization: `Bearer ${secret}` } });
  expect(((await clusters.json()) as { items: { name: string }[] }).items.map((c) => c.name)).toContain("local");
  await page.reload();
  await expect(page.getByRole("row").filter({ has: page.getByRole("rowheader", { name }) })).not.toContainText("never");

  await page.getByRole("row").filter({ has: page.getByRole("rowheader", { name }) }).getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByRole("row").filter({ has: page.getByRole("rowheader", { name }) })).toContainText("Revoked");

  const refused = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toEqual({ error: { code: "UNAUTHORIZED", message: "The token was revoked." } });
});

test("the API reference page lists the operations of the generated document", async ({ page, request }) => {
  await signIn(page, "viewer@example.com");
  await page.goto("/api-docs");
  await expect(page.getByRole("heading", { name: "Switchboard API", level: 1 })).toBeVisible();
  await expect(page.locator("#deployChangeRequest")).toContainText("/api/v1/change-requests/{id}/deploy");
  await expect(page.locator("#deployChangeRequest")).toContainText("202");
  const doc = await request.get("/api/v1/openapi.json");
  expect(((await doc.json()) as { openapi: string }).openapi).toBe("3.1.0");
});
