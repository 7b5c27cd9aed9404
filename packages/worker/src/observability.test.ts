import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { getJob } from "@switchboard/db/repos/jobs";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import type { ChangeItemInput } from "@switchboard/db/repos/change-requests";
import { operationalSnapshot } from "@switchboard/domain/operations";
import { createLogger } from "@switchboard/telemetry/logger";
import { registry } from "@switchboard/telemetry/metrics";
import { withRequestId } from "@switchboard/telemetry/request-context";
import { startWorker } from "./loop";
import { startMetricsServer } from "./metrics-server";
import { pollClusterHealth } from "./monitor";
import { deliverDueNotifications } from "./notify";
import { buildWorkerWorld, MOCK_SINK, queueDeploy, SECRET, silentLog, waitFor, type WorkerWorld } from "./worker.fixture";

let t: TestDb;
let w: WorkerWorld;
const stops: AbortController[] = [];

beforeEach(async () => {
  t = await createTestDb();
  w = await buildWorkerWorld(t.db);
});
afterEach(async () => {
  for (const s of stops.splice(0)) s.abort();
  await t.cleanup();
});

const item: ChangeItemInput = {
  action: "create",
  connectorName: "orders-sink",
  teamId: "",
  proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "orders" },
  proposedState: "RUNNING",
};

/** A sample's value in the registry right now (0 when the series does not exist yet). */
async function sample(series: string): Promise<number> {
  const line = (await registry.metrics()).split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

function runWorker(services: Partial<WorkerWorld["services"]>) {
  const controller = new AbortController();
  stops.push(controller);
  void startWorker({ db: t.db, workerId: "w1", signal: controller.signal, pollMs: 10, leaseMs: 1_000, stopGraceMs: 0, scheduleHealth: false, deliverNotifications: false, services: { ...w.services, ...services } });
}

describe("worker observability", () => {
  it("logs a job's failure as JSON carrying the id of the request that queued it, with no secret in it", async () => {
    const { jobId } = await withRequestId("req-deploy-42", () => queueDeploy(w, [{ ...item, teamId: w.team.id }]));
    expect((await getJob(t.db, jobId))?.requestId).toBe("req-deploy-42");

    const lines: string[] = [];
    const log = createLogger({ name: "worker", destination: new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }) });
    const broken = { ...w.fake, listConnectors: () => Promise.reject(new Error(`connect to http://admin:${SECRET}@10.0.0.9:8083 refused`)) };
    runWorker({ log, connectFor: () => broken });

    const line = await waitFor(() => lines.find((l) => l.includes(jobId)), 10_000, "the job's failure to be logged");
    expect(JSON.parse(line)).toMatchObject({ level: "error", name: "worker", requestId: "req-deploy-42" });
    expect(line).not.toContain(SECRET);
    expect(line).toContain("http://admin:(sensitive)@10.0.0.9:8083");
  });

  it("counts a finished deploy by outcome in the deploy duration histogram", async () => {
    const before = await sample('switchboard_deploy_duration_seconds_count{outcome="succeeded"}');
    const { deploymentId } = await queueDeploy(w, [{ ...item, teamId: w.team.id }]);
    runWorker({ log: silentLog });
    await waitFor(async () => (await getDeployment(t.db, deploymentId))?.status === "succeeded", 10_000, "the deploy to succeed");
    expect(await sample('switchboard_deploy_duration_seconds_count{outcome="succeeded"}')).toBe(before + 1);
  });

  it("times each health poll by cluster and outcome, and counts notification deliveries by channel", async () => {
    const ctx = { db: t.db, connectFor: () => w.fake, publicUrl: "http://switchboard.test", log: silentLog };
    const ok = await sample('switchboard_health_poll_duration_seconds_count{cluster="prod",outcome="ok"}');
    const down = await sample('switchboard_health_poll_duration_seconds_count{cluster="prod",outcome="unreachable"}');
    const sent = await sample('switchboard_notification_deliveries_total{channel="email",outcome="sent"}');
    const failed = await sample('switchboard_notification_deliveries_total{channel="email",outcome="retry"}');

    w.fake.failTask("payments-sink", 0, "java.lang.IllegalStateException: task crashed");
    await pollClusterHealth(ctx, w.cluster);
    await pollClusterHealth({ ...ctx, connectFor: () => ({ ...w.fake, listConnectors: () => Promise.reject(new Error("unreachable")) }) }, w.cluster);
    expect(await sample('switchboard_health_poll_duration_seconds_count{cluster="prod",outcome="ok"}')).toBe(ok + 1);
    expect(await sample('switchboard_health_poll_duration_seconds_count{cluster="prod",outcome="unreachable"}')).toBe(down + 1);

    // The incident queued two emails (team contact, connector contact): one goes, one is refused.
    const sendEmail = async (mail: { to: string }) => {
      if (mail.to === "sink-owner@example.com") throw new Error("mailbox unavailable");
    };
    await deliverDueNotifications(t.db, { sendEmail, postWebhook: async () => undefined, log: silentLog }, new Date(), { retryMinTimeoutMs: 1 });
    expect(await sample('switchboard_notification_deliveries_total{channel="email",outcome="sent"}')).toBe(sent + 1);
    expect(await sample('switchboard_notification_deliveries_total{channel="email",outcome="retry"}')).toBe(failed + 1);
  });

  it("serves GET /metrics on its own port with the queue read from the database, and nothing else", async () => {
    await queueDeploy(w, [{ ...item, teamId: w.team.id }]);
    const server = await startMetricsServer({ host: "127.0.0.1", port: 0, collect: () => operationalSnapshot(t.db) });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain('switchboard_queue_depth{kind="deploy"} 1');
      expect(body).toContain("# TYPE process_cpu_seconds_total counter");
      expect((await fetch(`${base}/`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: "POST" })).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
