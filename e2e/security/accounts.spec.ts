/**
 * Accounts over real HTTP: sessions from the real next-auth endpoints (CSRF token, then the
 * credentials callback), admin changes through the tRPC HTTP endpoint. Each test creates its own
 * user, so the demo users other specs sign in as are never throttled.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { DEMO_PASSWORD } from "@switchboard/db/seed";

/** Signs in through next-auth's credentials callback; returns next-auth's error code, or null on success. */
async function signIn(request: APIRequestContext, email: string, password: string): Promise<string | null> {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", { form: { csrfToken, email, password, json: "true", callbackUrl: "/" } });
  const { url } = (await res.json()) as { url: string };
  return new URL(url).searchParams.get("error");
}

/** A tRPC mutation over HTTP (superjson envelope); returns the HTTP status and the result or error. */
async function mutate(request: APIRequestContext, path: string, input: unknown): Promise<{ status: number; id?: string }> {
  const res = await request.post(`/api/trpc/${path}`, { data: { json: input } });
  const body = (await res.json()) as { result?: { data: { json: { id?: string } } } };
  return { status: res.status(), id: body.result?.data.json.id };
}

/** `me` over HTTP: 200 with the user, or 401 UNAUTHORIZED. */
async function me(request: APIRequestContext): Promise<{ status: number; code?: string }> {
  const res = await request.get("/api/trpc/me");
  const body = (await res.json()) as { error?: { json: { data: { code: string } } } };
  return { status: res.status(), code: body.error?.json.data.code };
}

async function createUser(admin: APIRequestContext, password: string): Promise<{ id: string; email: string }> {
  const email = `e2e-accounts-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const created = await mutate(admin, "user.create", { email, name: "E2E Member", role: "owner", password });
  expect(created.status).toBe(200);
  return { id: created.id as string, email };
}

test("an admin's password change, then a disable, end the user's existing session: tRPC says UNAUTHORIZED and pages send them to /login", async ({ browser, playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  expect(await signIn(admin, "admin@example.com", DEMO_PASSWORD)).toBeNull();
  const user = await createUser(admin, "first-password-1");

  const context = await browser.newContext();
  const page = await context.newPage();
  expect(await signIn(context.request, user.email, "first-password-1")).toBeNull();
  expect(await me(context.request)).toEqual({ status: 200, code: undefined });
  await page.goto("/changes");
  await expect(page).toHaveURL(/\/changes$/);

  expect((await mutate(admin, "user.update", { id: user.id, password: "second-password-2" })).status).toBe(200);
  expect(await me(context.request)).toEqual({ status: 401, code: "UNAUTHORIZED" });
  await page.goto("/changes");
  await expect(page).toHaveURL(/\/login/);

  // A new sign-in with the new password works, until the admin disables the account.
  expect(await signIn(context.request, user.email, "second-password-2")).toBeNull();
  expect(await me(context.request)).toEqual({ status: 200, code: undefined });
  expect((await mutate(admin, "user.update", { id: user.id, disabled: true })).status).toBe(200);
  expect(await me(context.request)).toEqual({ status: 401, code: "UNAUTHORIZED" });
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  expect(await signIn(context.request, user.email, "second-password-2")).toBe("CredentialsSignin");

  await context.close();
  await admin.dispose();
});

test("the sixth attempt for one account is refused as throttled even with the right password, and the login page says so", async ({ page, playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  expect(await signIn(admin, "admin@example.com", DEMO_PASSWORD)).toBeNull();
  const user = await createUser(admin, "the-right-password");
  await admin.dispose();

  const client = await playwright.request.newContext({ baseURL });
  for (let i = 1; i <= 5; i++) expect(await signIn(client, user.email, `wrong-password-${i}`)).toBe("CredentialsSignin");
  expect(await signIn(client, user.email, "the-right-password")).toMatch(/^TooManyAttempts:\d+$/);
  expect(await me(client)).toEqual({ status: 401, code: "UNAUTHORIZED" });
  await client.dispose();

  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("the-right-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText(/^Too many attempts, try again in \d+ minutes?\.$/)).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});
