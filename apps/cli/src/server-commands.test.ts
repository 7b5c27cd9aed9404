/**
 * `propose` and `wait` against a real HTTP server running the REST handler over a test database, the
 * worker and a fake Connect. The CLI only speaks HTTP to it; the server side is reached by relative
 * paths because the CLI package does not (and must not) depend on the server's packages.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConnectError } from "@switchboard/engine/port";
import { createRestHandler } from "../../../packages/api/src/rest/handler";
import { createTestDb, type TestDb } from "../../../packages/db/src/testing";
import { review } from "../../../packages/domain/src/change-requests";
import { createToken } from "../../../packages/domain/src/api-tokens";
import { startWorker } from "../../../packages/worker/src/loop";
import { buildWorkerWorld, MOCK_SINK, SECRET, type WorkerWorld } from "../../../packages/worker/src/worker.fixture";
import { runCaptured } from "./run-captured";

let t: TestDb;
let w: WorkerWorld;
let server: Server;
let url: string;
let dir: string;
let token: string;
let stop: AbortController;

beforeEach(async () => {
  stop = new AbortController();
  t = await createTestDb();
  w = await buildWorkerWorld(t.db);
  const handler = createRestHandler({ db: t.db, connectFor: () => w.fake, publicUrl: "https://switchboard.example.com" });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const headers = Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : []));
      void handler(new Request(`${url}${req.url}`, { method: req.method, headers, body })).then(async (answer) => {
        res.writeHead(answer.status, Object.fromEntries(answer.headers));
        res.end(await answer.text());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), "switchboard-propose-"));
  token = (await createToken(t.db, w.owner, { name: "ci", expiresInDays: 30, role: "owner" })).secret;
});
afterEach(async () => {
  stop.abort();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
  await t.cleanup();
});

const OWNER = { ownerName: "Olive", ownerEmail: "payments-oncall@example.com" };
const stateFile = (extra: Record<string, unknown> = {}) =>
  JSON.stringify(
    {
      connectors: [
        { nameSpace: "payments", connectorName: "payments-sink", connectorConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "payments.audit", "connection.password": "(sensitive)" }, paused: true, ...OWNER, ...extra },
        { nameSpace: "payments", connectorName: "orders-sink", connectorConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "orders" }, paused: false, ...OWNER },
      ],
    },
    null,
    2,
  );

const cli = (argv: string[], env: Record<string, string> = { SWITCHBOARD_TOKEN: token }) => runCaptured(argv, { cwd: dir, env });

async function propose(extra: string[] = []): Promise<string> {
  await writeFile(join(dir, "state.json"), stateFile());
  const r = await cli(["propose", "state.json", "--server", url, "--cluster", "prod", "--json", ...extra]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { changeRequestId: string }).changeRequestId;
}

describe("switchboard propose", () => {
  it("opens a change request in review, prints the server's plan and the review link, never the token", async () => {
    await writeFile(join(dir, "state.json"), stateFile());
    const r = await cli(["propose", "state.json", "--server", url, "--cluster", "prod", "--title", "PR #42"]);
    expect(r.code).toBe(0);
    const cr = await t.db.changeRequest.findFirstOrThrow();
    expect(cr).toMatchObject({ status: "in_review", title: "PR #42", authorId: w.owner.id });
    expect(r.stdout).toContain("⏸ payments-sink");
    expect(r.stdout).toContain("+ orders-sink");
    expect(r.stdout).toContain(`https://switchboard.example.com/changes/${cr.id}`);
    expect(r.stdout + r.stderr).not.toContain(token);

    const again = await cli(["propose", "state.json", "--server", url, "--cluster", "prod", "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).changeRequestId).toBe(cr.id);
    expect(await t.db.changeRequest.count()).toBe(1);
  });

  it("prints an update's key-level changes under it, a secret only as masked", async () => {
    const rotated = "rotated-password-value-42";
    const file = { connectors: [{ nameSpace: "payments", connectorName: "payments-sink", connectorConfig: { "connector.class": MOCK_SINK, "tasks.max": "3", topics: "payments.audit", "connection.password": rotated }, ...OWNER }] };
    await writeFile(join(dir, "state.json"), JSON.stringify(file, null, 2));
    const r = await cli(["propose", "state.json", "--server", url, "--cluster", "prod"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((l) => l.startsWith("~ payments-sink"));
    expect(lines.slice(at + 1, at + 3).map((l) => l.trim()).sort()).toEqual(['~ connection.password: (sensitive)', '~ tasks.max: "1" → "3"']);
    expect(r.stdout + r.stderr).not.toContain(rotated);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it("exits 1 and says why when the proposed change cannot deploy as it stands (a name held on the cluster by a connector Switchboard does not manage)", async () => {
    w.fake.connectors.set("orders-sink", { config: { "connector.class": MOCK_SINK, topics: "orders" }, state: "RUNNING", tasks: [], type: "sink" });
    await writeFile(join(dir, "state.json"), stateFile());
    const r = await cli(["propose", "state.json", "--server", url, "--cluster", "prod"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("it cannot be deployed as it stands");
    expect(r.stderr).toMatch(/✗ .*orders-sink.*(does not manage|adopt)/);
    expect(await t.db.changeRequest.count({ where: { status: "in_review" } })).toBe(1);
    const json = await cli(["propose", "state.json", "--server", url, "--cluster", "prod", "--json"]);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { blockers: string[] }).blockers).toEqual([expect.stringContaining("orders-sink")]);
  });

  it("validates locally first: a bad file exits 1 with the loader's message and the server is never called", async () => {
    await writeFile(join(dir, "state.json"), stateFile({ pausedd: true }));
    const r = await cli(["propose", "state.json", "--server", url, "--cluster", "prod"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown field "pausedd" (did you mean "paused"?)');
    expect(await t.db.auditEvent.count({ where: { action: "api.call" } })).toBe(0);
  });

  it("exits 1 with one line without a token, and when the server refuses the token's role", async () => {
    await writeFile(join(dir, "state.json"), stateFile());
    const missing = await cli(["propose", "state.json", "--server", url, "--cluster", "prod"], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("SWITCHBOARD_TOKEN is not set");
    const viewer = (await createToken(t.db, w.viewer, { name: "v", expiresInDays: 30, role: "viewer" })).secret;
    const refused = await cli(["propose", "state.json", "--server", url, "--cluster", "prod", "--team", w.team.id], { SWITCHBOARD_TOKEN: viewer });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: could not propose: .*\(FORBIDDEN\)$/m);
    expect(refused.stderr).not.toContain(viewer);
    expect(await t.db.changeRequest.count()).toBe(0);
  });
});

describe("switchboard wait", () => {
  it("exits 0 once the change is deployed", async () => {
    const id = await propose();
    await review(t.db, w.approver, id, "approve", "Fine.");
    const deployed = await fetch(`${url}/api/v1/change-requests/${id}/deploy`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    expect(deployed.status).toBe(202);
    void startWorker({ db: t.db, workerId: "worker-a", signal: stop.signal, pollMs: 10, leaseMs: 300, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services: w.services });
    const r = await cli(["wait", id, "--server", url, "--interval", "20ms", "--timeout", "30s"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${id}: deployed`);
  });

  it("exits 1 when the change is rejected", async () => {
    const id = await propose();
    await review(t.db, w.approver, id, "reject", "Not this week.");
    const r = await cli(["wait", id, "--server", url, "--interval", "20ms", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ id, status: "rejected", timedOut: false });
  });

  it("exits 2 when the timeout passes first", async () => {
    const id = await propose();
    const r = await cli(["wait", id, "--server", url, "--interval", "20ms", "--timeout", "100ms"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${id}: in_review`);
  });
});

const MUTATING = new Set(["putConfig", "createConnector", "pause", "resume", "stop", "restart", "restartTask", "deleteConnector", "alterOffsets", "resetOffsets"]);
const clusterWrites = () => w.fake.calls.filter((c) => MUTATING.has(c.method));
const runWorker = () =>
  void startWorker({ db: t.db, workerId: "worker-a", signal: stop.signal, pollMs: 10, leaseMs: 300, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services: w.services });
const applyServer = (extra: string[] = [], env?: Record<string, string>) =>
  cli(["apply", "state.json", "--server", url, "--cluster", "prod", "--source", "pr-7:state.json", "--interval", "20ms", "--timeout", "30s", ...extra], env);

describe("switchboard apply --server", () => {
  it("refuses a change that is not approved yet: exit 1 with the review link and the approvals missing, nothing deployed", async () => {
    await writeFile(join(dir, "state.json"), stateFile());
    const r = await applyServer();
    expect(r.code).toBe(1);
    const cr = await t.db.changeRequest.findFirstOrThrow();
    expect(cr.status).toBe("in_review");
    expect(r.stderr).toContain(`change request ${cr.id} (revision 1) was not deployed: not approved yet: 1 approval missing`);
    expect(r.stderr).toContain(`review it at https://switchboard.example.com/changes/${cr.id}`);
    expect(r.stdout + r.stderr).not.toContain(token);
    expect(await t.db.deployment.count()).toBe(0);
    expect(clusterWrites()).toEqual([]);
  });

  it("deploys the approved change of an unchanged file, waits for it and prints the report; then there is nothing to deploy", async () => {
    await writeFile(join(dir, "state.json"), stateFile());
    expect((await applyServer()).code).toBe(1);
    const cr = await t.db.changeRequest.findFirstOrThrow();
    await review(t.db, w.approver, cr.id, "approve", "Fine.");
    runWorker();

    const reproposed = await cli(["propose", "state.json", "--server", url, "--cluster", "prod", "--source", "pr-7:state.json"]);
    expect(reproposed.stdout).toContain(`Change request ${cr.id} is approved (the file is unchanged since); deploy it with switchboard apply --server on prod`);

    const r = await applyServer();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${cr.id}: deployed`);
    expect(r.stdout).toMatch(new RegExp(`✓ change request ${cr.id} deployed \\(deployment \\w+\\)`));
    expect(r.stdout).toMatch(/added\s+orders-sink/);
    expect(r.stdout).toMatch(/paused\s+payments-sink/);
    // The same file again was no new revision: the approval given to revision 1 is what deployed.
    expect(await t.db.changeRequest.findUniqueOrThrow({ where: { id: cr.id } })).toMatchObject({ status: "deployed", revision: 1 });
    expect(await t.db.changeRequest.count()).toBe(1);
    expect(w.fake.connectors.get("orders-sink")).toBeDefined();
    expect(w.fake.connectors.get("payments-sink")?.state).toBe("PAUSED");

    // Replayed (a CI job run twice): nothing is deployed again.
    const proposed = await cli(["propose", "state.json", "--server", url, "--cluster", "prod", "--source", "pr-7:state.json"]);
    expect(proposed.stdout).toContain("nothing to propose");
    const again = await applyServer(["--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "unchanged", deploymentId: null });
    expect(await t.db.deployment.count()).toBe(1);
  });

  it("never deploys a file that differs from the approved change: it goes back to review with its approval dismissed", async () => {
    await writeFile(join(dir, "state.json"), stateFile());
    expect((await applyServer()).code).toBe(1);
    const cr = await t.db.changeRequest.findFirstOrThrow();
    await review(t.db, w.approver, cr.id, "approve", "Fine.");
    runWorker();

    // After the approval, the pull request's file is changed: the approved change must not carry it.
    const swapped = JSON.parse(stateFile()) as { connectors: Array<{ connectorConfig: Record<string, string> }> };
    swapped.connectors[1]!.connectorConfig.topics = "orders,customers.pii";
    await writeFile(join(dir, "state.json"), JSON.stringify(swapped, null, 2));
    const r = await applyServer();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`change request ${cr.id} (revision 2) was not deployed: not approved yet: 1 approval missing`);
    expect(r.stderr).toContain("the file from pr-7:state.json differs from approved revision 1; re-proposed for review");
    expect(await t.db.deployment.count()).toBe(0);
    expect(clusterWrites()).toEqual([]);
    const after = await t.db.changeRequest.findUniqueOrThrow({ where: { id: cr.id }, include: { reviews: true } });
    expect(after).toMatchObject({ status: "in_review", revision: 2 });
    expect(after.reviews.every((rv) => rv.dismissedAt !== null)).toBe(true);

    // --change on it is refused the same way.
    const byId = await cli(["apply", "--server", url, "--change", cr.id, "--interval", "20ms"]);
    expect(byId.code).toBe(1);
    expect(byId.stderr).toContain("not approved yet");
    expect(await t.db.deployment.count()).toBe(0);
  });

  it("never deploys another user's approved change from the same source, and refuses a viewer's token", async () => {
    await writeFile(join(dir, "state.json"), stateFile());
    expect((await applyServer()).code).toBe(1);
    const cr = await t.db.changeRequest.findFirstOrThrow();
    await review(t.db, w.approver, cr.id, "approve", "Fine.");

    const other = (await createToken(t.db, w.owner2, { name: "ci-2", expiresInDays: 30, role: "owner" })).secret;
    const r = await applyServer([], { SWITCHBOARD_TOKEN: other });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("not approved yet");
    expect(r.stderr).not.toContain(cr.id);

    const viewer = (await createToken(t.db, w.viewer, { name: "v", expiresInDays: 30, role: "viewer" })).secret;
    const refused = await cli(["apply", "--server", url, "--change", cr.id], { SWITCHBOARD_TOKEN: viewer });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: could not deploy change request .*\(FORBIDDEN\)$/m);
    expect(await t.db.deployment.count()).toBe(0);
    expect(clusterWrites()).toEqual([]);
  });

  it("exits 1 with the failure in the summary when the approved deploy fails on the cluster", async () => {
    await writeFile(join(dir, "state.json"), stateFile());
    expect((await applyServer()).code).toBe(1);
    const cr = await t.db.changeRequest.findFirstOrThrow();
    await review(t.db, w.approver, cr.id, "approve", "Fine.");
    w.fake.failNext("createConnector", new ConnectError("BAD_REQUEST", "Connector configuration is invalid", 400), { times: Infinity });
    runWorker();
    const r = await applyServer();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${cr.id}: failed`);
    expect(r.stdout).toMatch(new RegExp(`✗ change request ${cr.id} failed \\(deployment \\w+\\)`));
    expect(r.stdout).toMatch(/failures?: see the deployment's report/);
  });

  it("deploys an approved change by id with --change, and exits 2 when the deploy outlasts --timeout", async () => {
    const id = await propose();
    await review(t.db, w.approver, id, "approve", "Fine.");
    const r = await cli(["apply", "--server", url, "--change", id, "--interval", "20ms", "--timeout", "200ms", "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ changeRequestId: id, status: "deploying", timedOut: true });
    runWorker();
    const followed = await cli(["apply", "--server", url, "--change", id, "--interval", "20ms", "--timeout", "30s"]);
    expect(followed.code, followed.stderr).toBe(0);
    expect(await t.db.deployment.count()).toBe(1);
  });

  it("refuses direct-apply options with --server, and a missing file or cluster, before calling the server", async () => {
    await writeFile(join(dir, "state.json"), stateFile());
    const mixed = await applyServer(["--connect", "http://127.0.0.1:1", "--force"]);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain("error: --connect, --force cannot go with --server");
    const noCluster = await cli(["apply", "state.json", "--server", url]);
    expect(noCluster.stderr).toContain("error: which cluster?");
    const nothing = await cli(["apply", "--server", url]);
    expect(nothing.stderr).toContain("apply --server needs a state file");
    expect(await t.db.auditEvent.count({ where: { action: "api.call" } })).toBe(0);
  });
});
