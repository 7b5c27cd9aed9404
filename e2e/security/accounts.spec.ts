/**
 * Accounts over real HTTP: sessions from the real next-auth endpoints (CSRF token, then the
 * credentials callback), admin changes through the tRPC HTTP endpoint. Each test creates its own
 * user, so the demo users other specs sign in as are never throttled.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { signInOverHttp, trpcOk, trpcQuery } from "../src/support/session";

/** A sign-in through next-auth's endpoints that may fail: next-auth's error code, or null when signed in. */
async function attemptSignIn(request: APIRequestContext, email: string, password: string): Promise<string | null> {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", { form: { csrfToken, email, password, json: "true", callbackUrl: "/" } });
  const { url } = (await res.json()) as { url: string };
  return new URL(url).searchParams.get("error");
}

/** `me` over HTTP: the status and, when refused, the tRPC error code. */
async function me(request: APIRequestContext): Promise<{ status: number; code?: string }> {
  const res = await trpcQuery(request, "me");
  return { status: res.status, code: res.error?.code };
}

/** A user the admin creates through the tRPC endpoint. */
async function createUser(admin: APIRequestContext, password: string): Promise<{ id: string; email: string }> {
  const email = `e2e-accounts-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const { id } = (await trpcOk(admin, "mutation", "user.create", { email, name: "E2E Member", role: "owner", password })) as { id: string };
  return { id, email };
}

test("an admin's password change, then a disable, end the user's existing session: tRPC says UNAUTHORIZED and pages send them to /login", async ({ browser, playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  await signInOverHttp(admin, "admin@example.com");
  const user = await createUser(admin, "first-password-1");

  const context = await browser.newContext();
  const page = await context.newPage();
  expect(await attemptSignIn(context.request, user.email, "first-password-1")).toBeNull();
  expect(await me(context.request)).toEqual({ status: 200, code: undefined });
  await page.goto("/changes");
  await expect(page).toHaveURL(/\/changes$/);

  await trpcOk(admin, "mutation", "user.update", { id: user.id, password: "second-password-2" });
  expect(await me(context.request)).toEqual({ status: 401, code: "UNAUTHORIZED" });
  await page.goto("/changes");
  await expect(page).toHaveURL(/\/login/);

  // A new sign-in with the new password works, until the admin disables the account.
  expect(await attemptSignIn(context.request, user.email, "second-password-2")).toBeNull();
  expect(await me(context.request)).toEqual({ status: 200, code: undefined });
  await trpcOk(admin, "mutation", "user.update", { id: user.id, disabled: true });
  expect(await me(context.request)).toEqual({ status: 401, code: "UNAUTHORIZED" });
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  expect(await attemptSignIn(context.request, user.email, "second-password-2")).toBe("CredentialsSignin");

  await context.close();
  await admin.dispose();
});

test("the sixth attempt for one account is refused as throttled even with the right password, and the login page says so", async ({ page, playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  await signInOverHttp(admin, "admin@example.com");
  const user = await createUser(admin, "the-right-password");
  await admin.dispose();

  const client = await playwright.request.newContext({ baseURL });
  for (let i = 1; i <= 5; i++) expect(await attemptSignIn(client, user.email, `wrong-password-${i}`)).toBe("CredentialsSignin");
  expect(await attemptSignIn(client, user.email, "the-right-password")).toMatch(/^TooManyAttempts:\d+$/);
  expect(await me(client)).toEqual({ status: 401, code: "UNAUTHORIZED" });
  await client.dispose();

  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("the-right-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText(/^Too many attempts, try again in \d+ minutes?\.$/)).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});
