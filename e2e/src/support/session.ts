import { expect, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";
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

/**
 * Signs `request` in through next-auth's own endpoints (CSRF token, then the credentials callback),
 * as a browser does; the session cookie lands in the request context's cookie jar (replacing an
 * earlier one). For a page's context, pass `page.request`: the page is then signed in too.
 */
export async function signInOverHttp(request: APIRequestContext, email: string, password: string = DEMO_PASSWORD): Promise<void> {
  const res = await request.post("/api/auth/callback/credentials", { form: { csrfToken: await csrfToken(request), email, password, json: "true", callbackUrl: "/" } });
  const { url } = (await res.json()) as { url: string };
  expect(new URL(url).searchParams.get("error"), `sign-in of ${email}`).toBeNull();
}

async function csrfToken(request: APIRequestContext): Promise<string> {
  return ((await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
}

/** Signs the page's browser context in as `email` without loading the login page. */
export async function switchUser(page: Page, email: string): Promise<void> {
  await page.context().clearCookies();
  await signInOverHttp(page.request, email);
}

/** A tRPC answer over HTTP: the status, the result's data (superjson's `json`) or the error's code and message. */
export type TrpcAnswer = { status: number; data: any; error: { code: string; message: string } | null };

async function answer(res: APIResponse): Promise<TrpcAnswer> {
  const body = (await res.json()) as { result?: { data?: { json?: unknown } }; error?: { json: { message: string; data: { code: string } } } };
  return { status: res.status(), data: body.result?.data?.json, error: body.error ? { code: body.error.json.data.code, message: body.error.json.message } : null };
}

/** A tRPC mutation as the web client sends it unbatched: POST /api/trpc/<path> with `{"json": input}`. */
export async function trpcMutation(request: APIRequestContext, path: string, input?: unknown): Promise<TrpcAnswer> {
  return answer(await request.post(`/api/trpc/${path}`, { data: input === undefined ? {} : { json: input } }));
}

/** A tRPC query: GET /api/trpc/<path>?input={"json": input}. */
export async function trpcQuery(request: APIRequestContext, path: string, input?: unknown): Promise<TrpcAnswer> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return answer(await request.get(`/api/trpc/${path}${query}`));
}

/** Like {@link trpcMutation} / {@link trpcQuery}, but the call must succeed: returns its data. */
export async function trpcOk(request: APIRequestContext, kind: "query" | "mutation", path: string, input?: unknown): Promise<any> {
  const res = kind === "query" ? await trpcQuery(request, path, input) : await trpcMutation(request, path, input);
  expect(res.error, `${path}: ${res.error?.message}`).toBeNull();
  return res.data;
}

/** The ids the change-control specs need: the seeded cluster `local` and the teams. */
export async function demoIds(request: APIRequestContext): Promise<{ clusterId: string; teams: Record<string, string> }> {
  const clusters = (await trpcOk(request, "query", "cluster.list")) as Array<{ id: string; name: string }>;
  const teams = (await trpcOk(request, "query", "team.list")) as Array<{ id: string; name: string }>;
  const local = clusters.find((c) => c.name === "local");
  if (!local) throw new Error("the seed has no cluster named local");
  return { clusterId: local.id, teams: Object.fromEntries(teams.map((t) => [t.name, t.id])) };
}

/** A MockSink connector config (Kafka's test connector: runs with no external system). */
export function mockSinkConfig(extra: Record<string, string> = {}): Record<string, string> {
  return { "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector", "tasks.max": "1", topics: "sb-e2e-change-control", ...extra };
}

/** Polls a change request until its deploy has ended; returns the final status. */
export async function waitForDeploy(request: APIRequestContext, id: string, timeoutMs = 120_000): Promise<string> {
  let status = "";
  await expect
    .poll(
      async () => {
        status = ((await trpcOk(request, "query", "changeRequest.byId", { id })) as { status: string }).status;
        return status;
      },
      { timeout: timeoutMs, intervals: [500, 1000] },
    )
    .toMatch(/^(deployed|failed)$/);
  return status;
}
