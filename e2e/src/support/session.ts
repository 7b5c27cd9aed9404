import { expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "@switchboard/db/seed";

/** Signs in through the login form as one of the seeded demo users. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).not.toHaveURL(/\/login/);
}
