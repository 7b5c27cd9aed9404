/**
 * Contract tests: every /api/v1 route, driven through the real handler with real tokens, and each
 * answer (errors included) checked against the generated OpenAPI document.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "@switchboard/db/repos/audit";
import { openIncident } from "@switchboard/db/repos/health";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createToken } from "@switchboard/domain/api-tokens";
import { startWorker } from "@switchboard/worker/loop";
import { buildWorkerWorld, MOCK_SINK, SECRET, waitFor, type WorkerWorld } from "@switchboard/worker/worker.fixture";
import { openApiDocument } from "./openapi";
import { createRestClient } from "./rest-client.fixture";

const NEW_SECRET = "s3cret-orders-password";

let t: TestDb;
let w: WorkerWorld;
let stop: AbortController;

beforeEach(async () => {
  stop = new AbortController();
  t = await createTestDb();
  w = await buildWorkerWorld(t.db);
});
afterEach(async () => {
  stop.abort();
  await t.cleanup();
});

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with a bearer scheme and one documented error shape", () => {
    const doc = openApiDocument() as { openapi: string; components: { securitySchemes: unknown; schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes).toEqual({ bearerAuth: expect.objectContaining({ type: "http", scheme: "bearer" }) });
    expect(doc.components.schemas.Error).toMatchObject({ type: "object", required: ["error"] });
  });
});

describe("every /api/v1 route against the document", () => {
  it("answers as documented through a change's whole lifecycle, and exercises every route", async () => {
    const faults: unknown[] = [];
    const rest = createRestClient(t.db, { connectFor: () => w.fake, onError: (err) => faults.push(err) });
    const { call, contract } = rest;
    const owner = (await createToken(t.db, w.owner, { name: "ci", expiresInDays: 30, role: "owner" })).secret;
    const approver = (await createToken(t.db, w.approver, { name: "review bot", expiresInDays: 30, role: "approver" })).secret;

    const docAnswer = await rest.handler(new Request("http://switchboard.test/api/v1/openapi.json"));
    expect(docAnswer.status).toBe(200);
    expect(((await docAnswer.json()) as { openapi: string }).openapi).toBe("3.1.0");

    const me = await call(owner, "GET", "/me");
    expect(me.body).toMatchObject({ user: { id: w.owner.id, role: "owner", teamIds: [w.team.id] }, token: { name: "ci" } });

    const clusters = await call(owner, "GET", "/clusters");
    expect(clusters.body.items.map((c: { name: string }) => c.name)).toEqual(["prod"]);
    expect((await call(owner, "GET", "/clusters/{id}", { params: { id: w.cluster.id } })).body.name).toBe("prod");

    const board = await call(owner, "GET", "/connectors", { query: { pageSize: "10", search: "payments" } });
    expect(board.body.items.map((c: { id: string }) => c.id)).toEqual([w.connector.id]);
    const connector = await call(owner, "GET", "/connectors/{id}", { params: { id: w.connector.id } });
    expect(connector.body.secretKeys).toEqual(["connection.password"]);
    expect(connector.text).not.toContain(SECRET);
    const live = await call(owner, "GET", "/connectors/{id}/status", { params: { id: w.connector.id } });
    expect(live.body).toMatchObject({ ok: true, onCluster: true, state: "RUNNING" });

    const created = await call(owner, "POST", "/change-requests", {
      body: {
        clusterId: w.cluster.id,
        title: "Add the orders sink",
        items: [{ action: "create", name: "orders-sink", teamId: w.team.id, config: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "orders", "connection.password": NEW_SECRET } }],
      },
    });
    expect(created.status).toBe(201);
    const crId = created.body.id as string;
    expect(created.body.url).toBe(`/api/v1/change-requests/${crId}`);

    const detail = await call(approver, "GET", "/change-requests/{id}", { params: { id: crId } });
    expect(detail.body).toMatchObject({ status: "draft", author: { id: w.owner.id }, approvals: { count: 0, required: 1 } });
    expect(detail.text).not.toContain(NEW_SECRET);
    expect((await call(owner, "GET", "/change-requests", { query: { status: "draft" } })).body.items.map((c: { id: string }) => c.id)).toEqual([crId]);

    const plan = await call(approver, "GET", "/change-requests/{id}/plan", { params: { id: crId } });
    expect(plan.body).toMatchObject({ ok: true, source: "live", valid: true, actions: [{ kind: "create", name: "orders-sink" }], problems: [], conflicts: [] });
    expect(plan.text).not.toContain(NEW_SECRET);

    expect((await call(owner, "POST", "/change-requests/{id}/submit", { params: { id: crId } })).body).toEqual({ status: "in_review" });
    expect((await call(approver, "POST", "/change-requests/{id}/reviews", { params: { id: crId }, body: { decision: "approve", comment: "Fine." } })).body).toEqual({ status: "approved" });

    const accepted = await call(owner, "POST", "/change-requests/{id}/deploy", { params: { id: crId } });
    expect(accepted.status).toBe(202);
    const deploymentId = accepted.body.deploymentId as string;
    expect(accepted.body).toEqual({ operationId: deploymentId, deploymentId, status: "queued", statusUrl: `/api/v1/operations/${deploymentId}`, deploymentUrl: `/api/v1/deployments/${deploymentId}` });
    expect(accepted.headers.get("location")).toBe(`/api/v1/operations/${deploymentId}`);
    const operation = await call(approver, "GET", "/operations/{id}", { params: { id: deploymentId } });
    expect(operation.body).toMatchObject({
      id: deploymentId,
      status: "accepted",
      deploymentStatus: "queued",
      changeRequestId: crId,
      clusterId: w.cluster.id,
      links: { self: `/api/v1/operations/${deploymentId}`, deployment: `/api/v1/deployments/${deploymentId}`, report: null, changeRequest: `/api/v1/change-requests/${crId}` },
    });

    const queued = await call(owner, "GET", "/deployments/{id}", { params: { id: deploymentId } });
    expect(queued.body).toMatchObject({ status: "queued", report: null });
    const notYet = await call(owner, "GET", "/deployments/{id}/report", { params: { id: deploymentId } });
    expect(notYet.status).toBe(404);

    void startWorker({ db: t.db, workerId: "worker-a", signal: stop.signal, pollMs: 10, leaseMs: 300, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services: w.services });
    const done = await waitFor(async () => {
      const d = await call(owner, "GET", "/deployments/{id}", { params: { id: deploymentId } });
      return d.body.status === "succeeded" || d.body.status === "failed" ? d : undefined;
    }, 10_000, "the deployment to end");
    expect(done.body).toMatchObject({ status: "succeeded", report: { outcome: "succeeded", summary: { added: ["orders-sink"] } } });
    expect(done.text).not.toContain(NEW_SECRET);
    const ready = await call(owner, "GET", "/operations/{id}", { params: { id: deploymentId }, query: { wait: "5" } });
    expect(ready.body).toMatchObject({ status: "ready", deploymentStatus: "succeeded", progress: { phase: "finished", percent: 100 }, links: { report: `/api/v1/deployments/${deploymentId}/report` } });
    const report = await call(owner, "GET", "/deployments/{id}/report", { params: { id: deploymentId } });
    expect(report.body.summary.added).toEqual(["orders-sink"]);
    expect((await call(owner, "GET", "/deployments", { query: { changeRequestId: crId } })).body.items).toEqual([expect.objectContaining({ id: deploymentId, status: "succeeded" })]);

    await openIncident(t.db, { clusterId: w.cluster.id, connectorName: w.connector.name, connectorId: w.connector.id, trace: "java.lang.RuntimeException: boom" });
    const incidents = await call(owner, "GET", "/incidents", { query: { state: "open" } });
    expect(incidents.body).toMatchObject({ total: 1, items: [{ connectorName: "payments-sink", state: "open" }] });

    const stateFile = JSON.stringify({ connectors: [{ nameSpace: "payments", connectorName: "payments-sink", connectorConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "payments.audit", "connection.password": "(sensitive)" }, paused: true, ownerName: "Olive", ownerEmail: "payments-oncall@example.com" }] });
    const synced = await call(owner, "POST", "/clusters/{id}/sync", { params: { id: w.cluster.id }, body: { text: stateFile, teamId: w.team.id } });
    expect(synced.status).toBe(202);
    expect(synced.body).toMatchObject({ outcome: "in_review", paused: ["payments-sink"], added: [], deploymentId: null });

    expect(synced.body.operationId).toBeNull();

    // A cluster that needs no approval: wait 0 answers 202 with the operation; a sync that waits answers 200 with the report.
    await t.db.cluster.update({ where: { id: w.cluster.id }, data: { approvalsRequired: 0 } });
    const refunds = (topics: string) =>
      JSON.stringify({ connectors: [{ nameSpace: "payments", connectorName: "refunds-sink", connectorConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics, "connection.password": NEW_SECRET }, paused: false, ownerName: "Olive", ownerEmail: "payments-oncall@example.com" }] });
    const queuedSync = await call(owner, "POST", "/clusters/{id}/sync", { params: { id: w.cluster.id }, body: { text: refunds("refunds"), teamId: w.team.id, wait: 0 } });
    expect(queuedSync.status).toBe(202);
    expect(queuedSync.body).toMatchObject({ outcome: "deploying", added: ["refunds-sink"], report: null });
    expect(queuedSync.headers.get("location")).toBe(`/api/v1/operations/${queuedSync.body.operationId}`);
    expect((await call(owner, "GET", "/operations/{id}", { params: { id: queuedSync.body.operationId }, query: { wait: "10" } })).body.status).toBe("ready");
    const deployedSync = await call(owner, "POST", "/clusters/{id}/sync", { params: { id: w.cluster.id }, body: { text: refunds("refunds,chargebacks"), teamId: w.team.id } });
    expect(deployedSync.status).toBe(200);
    expect(deployedSync.body).toMatchObject({ outcome: "deployed", updated: ["refunds-sink"], report: { deploymentId: deployedSync.body.deploymentId, outcome: "succeeded", summary: { updated: ["refunds-sink"] } } });
    expect(deployedSync.text).not.toContain(NEW_SECRET);

    const valid = await call(owner, "POST", "/clusters/{id}/validate", { params: { id: w.cluster.id }, body: { text: stateFile, teamId: w.team.id } });
    expect(valid.status).toBe(200);
    expect(valid.body).toMatchObject({ valid: true, create: [], update: ["payments-sink"], unchanged: [] });
    const invalid = await call(owner, "POST", "/clusters/{id}/validate", { params: { id: w.cluster.id }, body: { text: stateFile.replace('"paused"', '"pausedd"'), teamId: w.team.id } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details).toEqual([expect.objectContaining({ message: expect.stringContaining('unknown field "pausedd"'), line: 1 })]);

    const toCancel = await call(owner, "POST", "/change-requests", { body: { clusterId: w.cluster.id, title: "Pause it", items: [{ action: "pause", connectorId: w.connector.id }] } });
    expect((await call(owner, "POST", "/change-requests/{id}/cancel", { params: { id: toCancel.body.id } })).body).toEqual({ status: "cancelled" });

    expect([...contract.seen].sort()).toEqual(contract.operations().sort());
    expect(faults).toEqual([]);
  });

  it("answers errors in the one documented shape: bad JSON, bad fields, unknown ids, unknown routes and methods", async () => {
    const { call } = createRestClient(t.db, { connectFor: () => w.fake });
    const owner = (await createToken(t.db, w.owner, { name: "ci", expiresInDays: 30, role: "owner" })).secret;

    const notJson = await call(owner, "POST", "/change-requests", { rawBody: "{ nope" });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ error: { code: "BAD_REQUEST", message: "The body is not valid JSON." } });

    const badFields = await call(owner, "POST", "/change-requests", { body: { clusterId: w.cluster.id, title: "", items: [] } });
    expect(badFields.status).toBe(400);
    expect(badFields.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "title", message: "Give the change a title." }), expect.objectContaining({ path: "items", message: "Add at least one change." })]),
    );

    const badQuery = await call(owner, "GET", "/connectors", { query: { pageSize: "100000" } });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.details[0].path).toBe("pageSize");

    const missing = await call(owner, "GET", "/change-requests/{id}", { params: { id: "nope" } });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ code: "NOT_FOUND", message: "No such change request." });

    const noRoute = await call(owner, "GET", "/nothing-here");
    expect(noRoute.status).toBe(404);
    expect(noRoute.body.error.code).toBe("NOT_FOUND");
    const wrongMethod = await call(owner, "DELETE", "/clusters");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET");
    expect(wrongMethod.body.error.code).toBe("METHOD_NOT_ALLOWED");
  });

  it("writes an audit event per call under the token's user with the token id, and records the last use at most once a minute", async () => {
    let now = new Date("2026-11-01T10:00:00Z");
    const { call } = createRestClient(t.db, { connectFor: () => w.fake, now: () => now });
    const { token, secret } = await createToken(t.db, w.owner, { name: "ci", expiresInDays: 30, role: "owner" }, now);
    await call(secret, "GET", "/clusters");
    now = new Date("2026-11-01T10:00:30Z");
    await call(secret, "GET", "/change-requests/{id}", { params: { id: "nope" } });

    const events = (await listAuditEvents(t.db, { entityType: "apiToken", entityId: token.id })).items.filter((e) => e.action === "api.call");
    expect(events.map((e) => [e.actorId, (e.after as { status: number }).status, (e.after as { operationId: string }).operationId]).sort()).toEqual([
      [w.owner.id, 200, "listClusters"],
      [w.owner.id, 404, "getChangeRequest"],
    ]);
    expect(JSON.stringify(events)).not.toContain(secret);
    const row = await t.db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.lastUsedAt?.toISOString()).toBe("2026-11-01T10:00:00.000Z");

    now = new Date("2026-11-01T10:01:30Z");
    await call(secret, "GET", "/clusters");
    expect((await t.db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt?.toISOString()).toBe("2026-11-01T10:01:30.000Z");
  });

  it("refuses a token over its rate limit with 429 and Retry-After, and counts each token apart", async () => {
    const { call } = createRestClient(t.db, { connectFor: () => w.fake, rateLimit: { points: 2, durationSeconds: 60 } });
    const a = (await createToken(t.db, w.owner, { name: "a", expiresInDays: 30, role: "owner" })).secret;
    const b = (await createToken(t.db, w.owner, { name: "b", expiresInDays: 30, role: "owner" })).secret;
    expect((await call(a, "GET", "/clusters")).status).toBe(200);
    expect((await call(a, "GET", "/clusters")).status).toBe(200);
    const limited = await call(a, "GET", "/clusters");
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("TOO_MANY_REQUESTS");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await call(b, "GET", "/clusters")).status).toBe(200);
  });
});
