/**
 * cluster.workers through the router with real sessions and the real Connect client (against a
 * local HTTP server standing in for a worker): who may read it, and that nothing of the cluster's
 * credentials reaches the answer.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCluster } from "@switchboard/db/repos/clusters";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createFakeConnect } from "@switchboard/engine/fake-connect";
import { withConnect } from "../connect-context";
import { createCaller } from "../root";
import { createContextInner } from "../trpc";
import { buildWorld, type World } from "./change-request.fixture";

const USER_ENV = "SWITCHBOARD_CLUSTER_WORKERS_TEST_USER";
const PASSWORD_ENV = "SWITCHBOARD_CLUSTER_WORKERS_TEST_PASSWORD";
const PASSWORD = "pw-from-the-environment-5150";
const URL_PASSWORD = "pw-written-in-the-url-7071";

let t: TestDb;
let w: World;
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorld(t.db);
  process.env[USER_ENV] = "connect-admin";
  process.env[PASSWORD_ENV] = PASSWORD;
});
afterEach(async () => {
  delete process.env[USER_ENV];
  delete process.env[PASSWORD_ENV];
  await Promise.all(closers.splice(0).map((c) => c()));
  await t.cleanup();
});

/** A caller whose procedures talk to the cluster through the real Connect client. */
const realCaller = (actor: "viewer" | "owner") => createCaller(createContextInner({ db: t.db, user: w.users[actor] }));

/** A Connect 4.3.1 worker that answers only requests carrying the expected basic credentials. */
async function startWorker(): Promise<{ port: number; headers: IncomingHttpHeaders[] }> {
  const headers: IncomingHttpHeaders[] = [];
  const expected = `Basic ${Buffer.from(`connect-admin:${PASSWORD}`).toString("base64")}`;
  const server = createServer((req, res) => {
    headers.push(req.headers);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== expected) return send(401, { error_code: 401, message: `bad credentials ${req.headers.authorization ?? ""}` });
    if (req.url === "/") return send(200, { version: "4.3.1", commit: "26b251a451ce941d", kafka_cluster_id: "k" });
    if (req.url === "/health") return send(200, { status: "healthy", message: `ready; basic auth ${PASSWORD}` });
    if (req.url?.startsWith("/connector-plugins")) return send(200, [{ class: "org.apache.kafka.connect.file.FileStreamSinkConnector", type: "sink", version: "4.3.1" }]);
    send(404, { error_code: 404, message: "no" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, headers };
}

describe("cluster.workers", () => {
  it("shows a viewer each worker's version, health and plugins, with none of the cluster's credentials", async () => {
    const worker = await startWorker();
    const cluster = await createCluster(t.db, null, {
      name: "secured",
      environment: "prod",
      // A second URL for the same worker, with credentials written into it, and a worker that does not answer.
      connectUrls: [`http://127.0.0.1:${worker.port}`, `http://connect-admin:${URL_PASSWORD}@127.0.0.1:${worker.port}/`, "http://127.0.0.1:9"],
      authUsernameEnv: USER_ENV,
      authPasswordEnv: PASSWORD_ENV,
      approvalsRequired: 1,
    });
    const answer = await realCaller("viewer").cluster.workers({ id: cluster.id });
    expect(answer.cluster).toEqual({ id: cluster.id, name: "secured", environment: "prod" });
    expect(answer.workers.map((x) => [x.url, x.reachable, x.version, x.health?.status ?? null, x.plugins.length])).toEqual([
      [`http://127.0.0.1:${worker.port}`, true, "4.3.1", "healthy", 1],
      [`http://127.0.0.1:${worker.port}`, true, "4.3.1", "healthy", 1],
      ["http://127.0.0.1:9", false, null, null, 0],
    ]);
    expect(answer.workers[2]?.error).toBe("connection refused");
    expect(answer.plugins).toEqual([
      expect.objectContaining({ class: "org.apache.kafka.connect.file.FileStreamSinkConnector", onAllWorkers: true, sameVersionEverywhere: true }),
    ]);
    expect(answer.pinningSupported).toBe(true);
    // The credentials were used (the worker answered), and nothing of them came back.
    expect(worker.headers.length).toBeGreaterThan(0);
    const text = JSON.stringify(answer);
    for (const leak of [PASSWORD, URL_PASSWORD, USER_ENV, PASSWORD_ENV, "connect-admin", Buffer.from(`connect-admin:${PASSWORD}`).toString("base64")]) {
      expect(text).not.toContain(leak);
    }
  });

  it("says the worker refused the credentials, in fixed words, when the variables are unset", async () => {
    const worker = await startWorker();
    const cluster = await createCluster(t.db, null, { name: "locked", environment: "dev", connectUrls: [`http://127.0.0.1:${worker.port}`], authUsernameEnv: USER_ENV, authPasswordEnv: PASSWORD_ENV, approvalsRequired: 0 });
    delete process.env[PASSWORD_ENV];
    const answer = await realCaller("owner").cluster.workers({ id: cluster.id });
    expect(answer.workers).toEqual([expect.objectContaining({ reachable: true, error: "refused our credentials (HTTP 401)", version: null, plugins: [] })]);
    expect(JSON.stringify(answer)).not.toContain("bad credentials");
    expect(answer.pinningSupported).toBe(false);
  });

  it("flags workers older than 4.1 and plugins missing on a worker (through the port's per-worker reads)", async () => {
    const fake = createFakeConnect({
      workers: [
        { url: "http://w1:8083", reachable: true, version: "4.3.1", plugins: [{ class: "a.Sink", type: "sink", version: "2.0" }, { class: "a.Source", type: "source", version: "1.0" }] },
        { url: "http://w2:8083", reachable: true, version: "4.0.1", plugins: [{ class: "a.Sink", type: "sink", version: "1.0" }] },
      ],
    });
    const caller = createCaller(withConnect(createContextInner({ db: t.db, user: w.users.viewer }), () => fake));
    const answer = await caller.cluster.workers({ id: w.prod.id });
    expect(answer.workers.map((x) => x.supportsPluginVersions)).toEqual([true, false]);
    expect(answer.pinningSupported).toBe(false);
    expect(answer.plugins.map((p) => [p.class, p.onAllWorkers, p.sameVersionEverywhere, p.missingOn])).toEqual([
      ["a.Sink", true, false, []],
      ["a.Source", false, true, ["http://w2:8083"]],
    ]);
  });

  it("refuses anonymous callers and answers NOT_FOUND for an unknown cluster", async () => {
    await expect(w.caller("anonymous").cluster.workers({ id: w.prod.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(w.caller("viewer").cluster.workers({ id: "no-such-cluster" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
