/**
 * Readiness against the real local stack's Connect workers (Kafka 4.3.1, which has KIP-1017's
 * `GET /health`). Read-only: only GETs reach the cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectClient } from "@switchboard/connect-client/client";
import { createCluster } from "@switchboard/db/repos/clusters";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { checkReadiness } from "./operations";

const connectUrls = (process.env.SWITCHBOARD_CONNECT ?? "http://127.0.0.1:18083,http://127.0.0.1:18084").split(",");

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.cleanup();
});

describe("readiness against the local stack", () => {
  it("each 4.3.1 worker answers GET /health with 200 and status healthy", async () => {
    for (const url of connectUrls) {
      const client = createConnectClient({ urls: [url], timeoutMs: 5_000 });
      try {
        expect(await client.health()).toMatchObject({ healthy: true, status: "healthy" });
      } finally {
        await client.close();
      }
    }
  });

  it("is ready when the cluster's Connect answers, and names the cluster whose workers are all gone", async () => {
    await createCluster(t.db, null, { name: "local", environment: "dev", connectUrls, approvalsRequired: 1 });
    // Port 9 (discard) on loopback: nothing listens there on these machines.
    await createCluster(t.db, null, { name: "gone", environment: "dev", connectUrls: ["http://127.0.0.1:9"], approvalsRequired: 1 });
    const readiness = await checkReadiness({ db: t.db, pendingMigrations: async () => [] });
    expect(readiness.checks).toContainEqual({ check: "connect", cluster: "local", ok: true });
    expect(readiness.checks).toContainEqual({ check: "connect", cluster: "gone", ok: false, reason: "unreachable" });
    expect(readiness.ready).toBe(false);
  });

  it("is ready when one worker of a cluster is down but another answers", async () => {
    await createCluster(t.db, null, { name: "half", environment: "dev", connectUrls: ["http://127.0.0.1:9", ...connectUrls], approvalsRequired: 1 });
    const readiness = await checkReadiness({ db: t.db, pendingMigrations: async () => [] });
    expect(readiness.checks).toContainEqual({ check: "connect", cluster: "half", ok: true });
  });
});
