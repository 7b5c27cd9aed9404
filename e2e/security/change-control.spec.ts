/**
 * Attacks on change control over real HTTP: sessions from next-auth's own endpoints, calls to the
 * tRPC endpoint as a browser (or a script with a stolen-looking cookie) would make them. Each rule
 * is the server's; the web app's buttons are not the boundary.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { demoIds, mockSinkConfig, signInOverHttp, trpcMutation, trpcOk, trpcQuery } from "../src/support/session";

const users = ["owner@example.com", "owner2@example.com", "approver@example.com", "admin@example.com"] as const;
let as: Record<(typeof users)[number], APIRequestContext>;
let ids: Awaited<ReturnType<typeof demoIds>>;

test.beforeAll(async ({ playwright, baseURL }) => {
  const contexts = await Promise.all(users.map(async (email) => [email, await playwright.request.newContext({ baseURL })] as const));
  for (const [email, request] of contexts) await signInOverHttp(request, email);
  as = Object.fromEntries(contexts) as typeof as;
  ids = await demoIds(as["owner@example.com"]);
});

test.afterAll(async () => {
  await Promise.all(Object.values(as).map((r) => r.dispose()));
});

/** A submitted change request creating a new payments connector, written by `author`. */
async function submittedChange(author: APIRequestContext, label: string): Promise<string> {
  const name = `e2e-attack-${label}-${Date.now()}`;
  const { id } = (await trpcOk(author, "mutation", "changeRequest.create", { clusterId: ids.clusterId, title: `Create ${name}`, items: [{ action: "create", name, teamId: ids.teams.payments, config: mockSinkConfig() }] })) as { id: string };
  await trpcOk(author, "mutation", "changeRequest.submit", { id });
  return id;
}

test("an author approving their own change request is refused with 403, an owner and an approver alike", async () => {
  for (const author of ["owner@example.com", "approver@example.com"] as const) {
    const id = await submittedChange(as[author], "self");
    const approve = await trpcMutation(as[author], "changeRequest.review", { id, decision: "approve" });
    expect(approve.status, author).toBe(403);
    expect(approve.error?.code).toBe("FORBIDDEN");
    expect(((await trpcOk(as[author], "query", "changeRequest.byId", { id })) as { approvals: { count: number } }).approvals.count).toBe(0);
  }
});

test("an analytics owner cannot change a payments connector, nor edit a payments owner's change request: 403", async () => {
  const board = (await trpcOk(as["owner2@example.com"], "query", "connector.board", { clusterId: ids.clusterId, search: "payments-ledger-sink" })) as { items: Array<{ id: string; name: string }> };
  const ledger = board.items.find((c) => c.name === "payments-ledger-sink");
  expect(ledger, "the seed's payments-ledger-sink").toBeDefined();
  const update = await trpcMutation(as["owner2@example.com"], "changeRequest.create", {
    clusterId: ids.clusterId,
    title: "Take over the ledger",
    items: [{ action: "update", connectorId: ledger!.id, config: mockSinkConfig({ topics: "analytics-siphon" }) }],
  });
  expect(update.status).toBe(403);
  expect(update.error?.code).toBe("FORBIDDEN");
  expect(update.error?.message).toContain("team payments");

  const id = await submittedChange(as["owner@example.com"], "foreign-edit");
  const edit = await trpcMutation(as["owner2@example.com"], "changeRequest.update", { id, title: "Rewritten by analytics" });
  expect(edit.status).toBe(403);
  expect(edit.error?.code).toBe("FORBIDDEN");
});

test("an admin who edited an owner's change request has become a writer and cannot approve it: 403", async () => {
  const id = await submittedChange(as["owner@example.com"], "admin-edit");
  await trpcOk(as["admin@example.com"], "mutation", "changeRequest.update", { id, title: "Edited by the admin" });
  const approve = await trpcMutation(as["admin@example.com"], "changeRequest.review", { id, decision: "approve" });
  expect(approve.status).toBe(403);
  expect(approve.error?.code).toBe("FORBIDDEN");
  // An approver who wrote nothing still can.
  expect((await trpcMutation(as["approver@example.com"], "changeRequest.review", { id, decision: "approve" })).status).toBe(200);
});

test("changeRequest.validate over GET is refused with 405, so a config (passwords included) never travels in a URL", async () => {
  const input = { clusterId: ids.clusterId, connectorClass: "org.apache.kafka.connect.tools.MockSinkConnector", config: mockSinkConfig({ "db.password": "in-a-url" }) };
  const get = await trpcQuery(as["owner@example.com"], "changeRequest.validate", input);
  expect(get.status).toBe(405);
  expect(get.error?.code).toBe("METHOD_NOT_SUPPORTED");
  const batched = await as["owner@example.com"].get(`/api/trpc/changeRequest.validate?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: input } }))}`);
  expect(batched.status()).toBe(405);
  // Over POST it answers.
  const post = await trpcMutation(as["owner@example.com"], "changeRequest.validate", input);
  expect(post.status).toBe(200);
  expect(post.data).toMatchObject({ reachable: true });
});

test("a request body over the limit is refused with 413 and a JSON error, never a stack; a chunked one too", async ({ baseURL }) => {
  const text = JSON.stringify({ connectors: [{ padding: "x".repeat(7 * 1024 * 1024) }] });
  const res = await as["owner@example.com"].post("/api/trpc/changeRequest.importStateFile", {
    data: { json: { clusterId: ids.clusterId, text, title: "Too big", teamId: ids.teams.payments, dryRun: true } },
  });
  expect(res.status()).toBe(413);
  expect(res.headers()["content-type"]).toMatch(/application\/json/);
  const body = (await res.json()) as { error: { json: { message: string; data: { code: string; httpStatus: number } & Record<string, unknown> } } };
  expect(body.error.json.data).toMatchObject({ code: "PAYLOAD_TOO_LARGE", httpStatus: 413 });
  expect(body.error.json.message).toBe("The request body is larger than 6 MB.");
  expect(JSON.stringify(body)).not.toMatch(/stack|\bat \S+ \(/);

  // Without a Content-Length (chunked), the handler counts while reading.
  const { cookies } = await as["owner@example.com"].storageState();
  const chunk = new TextEncoder().encode("x".repeat(1024 * 1024));
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < 8) controller.enqueue(chunk);
      else controller.close();
    },
  });
  const chunked = await fetch(`${baseURL}/api/trpc/changeRequest.importStateFile`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") },
    body: stream,
    duplex: "half",
  } as RequestInit);
  expect(chunked.status).toBe(413);
  expect(((await chunked.json()) as { error: { json: { data: { code: string } } } }).error.json.data.code).toBe("PAYLOAD_TOO_LARGE");
});

test("an anonymous call is refused with 401, queries and mutations alike", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  try {
    const list = await trpcQuery(anonymous, "changeRequest.list", {});
    expect(list.status).toBe(401);
    expect(list.error?.code).toBe("UNAUTHORIZED");
    const create = await trpcMutation(anonymous, "changeRequest.create", { clusterId: ids.clusterId, title: "Anonymous", items: [{ action: "create", name: "e2e-anonymous", teamId: ids.teams.payments, config: mockSinkConfig() }] });
    expect(create.status).toBe(401);
    expect(create.error?.code).toBe("UNAUTHORIZED");
  } finally {
    await anonymous.dispose();
  }
});
