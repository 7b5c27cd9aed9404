import { expect, type Page } from "@playwright/test";
import { signIn } from "./session";

/**
 * Signs in as another user (an approver by default), approves the change request at `changeUrl`,
 * deploys it after checking what the confirmation says, and waits for the report's "Deployed".
 */
export async function approveAndDeploy(
  page: Page,
  changeUrl: string,
  opts: { as?: string; deployButton?: string | RegExp; confirmContains?: string; timeoutMs?: number } = {},
): Promise<void> {
  await signIn(page, opts.as ?? "approver@example.com");
  await page.goto(changeUrl);
  const actions = page.getByRole("complementary", { name: "Status and actions" });
  await actions.getByRole("button", { name: "Approve", exact: true }).click();
  await actions.getByRole("button", { name: opts.deployButton ?? /^Deploy \d+ changes? to local/ }).click();
  const dialog = page.getByRole("dialog");
  if (opts.confirmContains !== undefined) await expect(dialog).toContainText(opts.confirmContains);
  await dialog.getByRole("button", { name: "Deploy", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Deployed" })).toBeVisible({ timeout: opts.timeoutMs ?? 150_000 });
}
