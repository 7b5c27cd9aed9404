/**
 * Bulk restart of 200 connectors on the real stack: through Switchboard (a bulk change request
 * opened from a label selection, approved by another user, deployed by the worker until verified)
 * against a raw parallel loop of Connect restart calls. Switchboard runs twice: with the bulk
 * defaults (4 at a time, 10 per second) and unthrottled to the raw loop's concurrency, so the cost
 * of the throttle and the cost of review + verification show apart. A worker loop runs in this
 * process on its own SQLite database. Alone: `pnpm --filter @switchboard/bench bulk` against the
 * stack the `SWITCHBOARD_*` variables name. Only connectors named `bulk-bench-*` are touched.
 */
import pLimit from "p-limit";
import { createConnectClient } from "@switchboard/connect-client/client";
import { createCluster } from "@switchboard/db/repos/clusters";
import { createConnector, markConnectorDeployed, setConnectorLabels } from "@switchboard/db/repos/connectors";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createTestDb } from "@switchboard/db/testing";
import { DEFAULT_APPLY_OPTIONS, type ApplyOptionsValue } from "@switchboard/domain/apply-options";
import { boardSnapshot } from "@switchboard/domain/board-snapshot";
import { openBulkChange } from "@switchboard/domain/bulk";
import { webManager } from "@switchboard/domain/change-pipeline";
import { deploy, review } from "@switchboard/domain/change-requests";
import { stampConfig } from "@switchboard/engine/managed";
import { endpoints as stackEndpoints, stackConfig, type StackEndpoints } from "@switchboard/stack/stack";
import { startWorker } from "@switchboard/worker/loop";
import { until } from "./measure";

const COUNT = 200;
const RAW_CONCURRENCY = 16;
const MOCK_SINK = "org.apache.kafka.connect.tools.MockSinkConnector";

type Options = { endpoints: StackEndpoints; record: (key: string, value: unknown, line: string) => void; log: (m: string) => void };

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;


export async function benchBulkRestart({ endpoints, record, log }: Options): Promise<void> {
  const { connectUrls } = endpoints;
  const tag = `bulk-bench-${Date.now().toString(36)}`;
  const names = Array.from({ length: COUNT }, (_, i) => `${tag}-${String(i).padStart(3, "0")}`);
  const t = await createTestDb();
  const client = createConnectClient({ urls: connectUrls });
  const stop = new AbortController();
  let worker: Promise<void> | undefined;

  /** Every bench connector RUNNING with all its tasks RUNNING, as one listing shows it. */
  const allRunning = async () => {
    const live = new Map((await client.listConnectors()).map((c) => [c.name, c]));
    return names.every((n) => {
      const c = live.get(n);
      return c?.state === "RUNNING" && c.tasks.length > 0 && c.tasks.every((task) => task.state === "RUNNING");
    })
      ? true
      : undefined;
  };

  try {
    const cluster = await createCluster(t.db, null, { name: "bench", environment: "dev", connectUrls, approvalsRequired: 1, monitorIntervalSeconds: 3600 });
    const team = await createTeam(t.db, null, { name: "payments" });
    const user = async (email: string, role: "owner" | "approver") => {
      const u = await createUser(t.db, null, { email, name: email, role, password: "password-for-bench" });
      if (role === "owner") await addMember(t.db, null, team.id, u.id);
      return (await getSessionUser(t.db, u.id)) as SessionUser;
    };
    const owner = await user("owner@example.com", "owner");
    const approver = await user("approver@example.com", "approver");

    log(`bulk: creating ${COUNT} MockSink connectors`);
    const config = { "connector.class": MOCK_SINK, "tasks.max": "1", topics: `${tag}-topic` };
    const limit = pLimit(RAW_CONCURRENCY);
    await Promise.all(
      names.map((name) =>
        limit(async () => {
          const c = await createConnector(t.db, null, { name, clusterId: cluster.id, teamId: team.id, desiredState: "RUNNING", config, secrets: {} });
          await setConnectorLabels(t.db, null, c.id, ["bench=bulk"]);
          await markConnectorDeployed(t.db, null, c.id, 1);
          await client.putConfig(name, stampConfig(config, { id: c.id, version: 1, manager: webManager(cluster.id) }));
        }),
      ),
    );
    await until("all connectors RUNNING", allRunning, 300_000, 200);

    worker = startWorker({
      db: t.db,
      workerId: "bulk-bench",
      signal: stop.signal,
      pollMs: 20,
      scheduleHealth: false,
      deliverNotifications: false,
      services: { log: quiet, publicUrl: "http://switchboard.test", applyOptions: { settleMs: 2_000, pollIntervalMs: 250, verifyTimeoutMs: 240_000 } },
    });

    /** Opened (and submitted) from the label, approved by someone else, deployed, verified: wall time of all of it. */
    const throughSwitchboard = async (applyOptions: ApplyOptionsValue) => {
      const t0 = performance.now();
      const opened = await openBulkChange(t.db, owner, { selection: { labels: ["bench=bulk"] }, operation: { action: "restart", onlyFailed: false }, applyOptions, submit: true });
      const id = opened.changeRequests[0]!.id;
      await review(t.db, approver, id, "approve", "");
      const { deploymentId } = await deploy(t.db, owner, id);
      const d = await until("finished deployment", async () => {
        const x = await getDeployment(t.db, deploymentId);
        return x && (x.status === "succeeded" || x.status === "failed") ? x : undefined;
      }, 400_000, 20);
      if (d.status !== "succeeded") throw new Error(`bulk bench: the bulk restart failed: ${JSON.stringify((d.report as { failures?: unknown } | null)?.failures)?.slice(0, 500)}`);
      const ms = performance.now() - t0;
      await until("all connectors RUNNING", allRunning, 300_000, 200);
      return Math.round(ms);
    };

    /** The floor: POST restart for every connector, RAW_CONCURRENCY at once; then until a listing shows all RUNNING again. */
    const rawLoop = async () => {
      const t0 = performance.now();
      const raw = pLimit(RAW_CONCURRENCY);
      await Promise.all(
        names.map((name, i) =>
          raw(async () => {
            const res = await fetch(`${connectUrls[i % connectUrls.length]}/connectors/${name}/restart?includeTasks=true&onlyFailed=false`, { method: "POST" });
            if (!res.ok) throw new Error(`bulk bench: restart of ${name}: HTTP ${res.status}`);
          }),
        ),
      );
      const calls = performance.now() - t0;
      // A restarted task passes through RESTARTING/UNASSIGNED: wait a moment before polling, so an old RUNNING is not taken as the new one.
      await new Promise((r) => setTimeout(r, 500));
      await until("all connectors RUNNING", allRunning, 300_000, 100);
      return { callsMs: Math.round(calls), runningMs: Math.round(performance.now() - t0) };
    };

    log("bulk: raw parallel loop of restart calls");
    const raw = await rawLoop();
    log(`bulk: through Switchboard, bulk defaults ${JSON.stringify(DEFAULT_APPLY_OPTIONS)}`);
    const throttled = await throughSwitchboard(DEFAULT_APPLY_OPTIONS);
    const fast = { concurrency: RAW_CONCURRENCY, ratePerSecond: 100, haltAfterFailures: COUNT };
    log(`bulk: through Switchboard, ${JSON.stringify(fast)}`);
    const unthrottled = await throughSwitchboard(fast);

    record(
      "bulkRestart",
      { connectors: COUNT, rawLoop: { concurrency: RAW_CONCURRENCY, ...raw }, switchboard: { defaults: { options: DEFAULT_APPLY_OPTIONS, ms: throttled }, fast: { options: fast, ms: unthrottled } } },
      `bulk restart of ${COUNT} connectors: raw loop (${RAW_CONCURRENCY} at once) calls done ${seconds(raw.callsMs)}, all RUNNING ${seconds(raw.runningMs)}; ` +
        `Switchboard change request → approval → deploy verified: ${seconds(throttled)} with the bulk defaults (${DEFAULT_APPLY_OPTIONS.concurrency} at once, ${DEFAULT_APPLY_OPTIONS.ratePerSecond}/s), ` +
        `${seconds(unthrottled)} at ${fast.concurrency} at once, ${fast.ratePerSecond}/s`,
    );
  } finally {
    stop.abort();
    await worker;
    boardSnapshot(t.db).close();
    await Promise.all(names.map((name) => client.deleteConnector(name).catch(() => undefined)));
    await client.close();
    await t.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchBulkRestart({
    endpoints: stackEndpoints(stackConfig()),
    record: (_key, _value, line) => console.log(line),
    log: (m) => console.error(`bench: ${m}`),
  });
}
