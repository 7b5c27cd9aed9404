/**
 * One worker replica against three, and SQLite against PostgreSQL, side by side on the bench's real
 * stack: deploy throughput (change requests queued through the real use cases, run by the worker's
 * own entry point as separate processes), health polls per cluster per interval, and API calls
 * through the tRPC router (createCaller, 20 callers at once) on each database.
 */
import type { ChildProcess } from "node:child_process";
import { createCaller } from "@switchboard/api/root";
import { createContextInner } from "@switchboard/api/trpc";
import type { Db } from "@switchboard/db/client";
import { createChangeRequest } from "@switchboard/db/repos/change-requests";
import { createCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { getDeployment } from "@switchboard/db/repos/deployments";
import { addMember, createTeam } from "@switchboard/db/repos/teams";
import { createUser, getSessionUser, type SessionUser } from "@switchboard/db/repos/users";
import { createPostgresTestDb, createSqliteTestDb, type TestDb } from "@switchboard/db/testing";
import { deploy, review, submitForReview } from "@switchboard/domain/change-requests";
import { resetCluster } from "@switchboard/stack/cluster-fixture";
import type { StackEndpoints } from "@switchboard/stack/stack";
import { spawnWorkerProcess, stopProcess } from "@switchboard/worker/process.fixture";

type Options = { endpoints: StackEndpoints; postgresAdminUrl: string; record: (key: string, value: unknown, line: string) => void; log: (m: string) => void };
type World = { t: TestDb; clusters: Cluster[]; owner: SessionUser; approver: SessionUser; teamId: string };

const DEPLOYS = 20;
const POLL_SECONDS = 2;
const POLL_WINDOW_MS = 10_000;
const MOCK_SINK = "org.apache.kafka.connect.tools.MockSinkConnector";

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function buildWorld(t: TestDb, ep: StackEndpoints): Promise<World> {
  const base = { environment: "dev", approvalsRequired: 1, monitorIntervalSeconds: POLL_SECONDS };
  const clusters = [
    await createCluster(t.db, null, { ...base, name: "bench-a", connectUrls: ep.connectUrls }),
    await createCluster(t.db, null, { ...base, name: "bench-b", connectUrls: ep.connectUrlsB }),
  ];
  const teamId = (await createTeam(t.db, null, { name: "payments" })).id;
  const o = await createUser(t.db, null, { email: "owner@example.com", name: "Olive", role: "owner" });
  await addMember(t.db, null, teamId, o.id);
  const owner = (await getSessionUser(t.db, o.id)) as SessionUser;
  const approver = (await getSessionUser(t.db, (await createUser(t.db, null, { email: "approver@example.com", name: "Alex", role: "approver" })).id)) as SessionUser;
  return { t, clusters, owner, approver, teamId };
}

async function queueDeploys(w: World, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < DEPLOYS; i++) {
    const items = [{ action: "create" as const, connectorName: `${prefix}-${i}`, teamId: w.teamId, proposedConfig: { "connector.class": MOCK_SINK, "tasks.max": "1", topics: "bench" }, proposedState: "RUNNING" as const }];
    const cr = await createChangeRequest(w.t.db, w.owner.id, { clusterId: w.clusters[i % 2]!.id, title: `Add ${prefix}-${i}`, items });
    await submitForReview(w.t.db, w.owner, cr.id);
    await review(w.t.db, w.approver, cr.id, "approve", "");
    ids.push((await deploy(w.t.db, w.owner, cr.id)).deploymentId);
  }
  return ids;
}

const startReplicas = (n: number, url: string) => Array.from({ length: n }, () => spawnWorkerProcess(url, { SWITCHBOARD_WORKER_POLL_MS: "200" }));
const stopReplicas = (children: ChildProcess[]) => Promise.all(children.map((c) => stopProcess(c, "SIGTERM")));

/** Deploys per minute with `replicas` worker processes, and health polls per cluster per interval. */
async function benchWorker(db: Db, w: World, replicas: number, ep: StackEndpoints): Promise<{ deploysPerMinute: number; seconds: number; pollsPerInterval: number }> {
  await Promise.all([resetCluster(ep.connectUrls), resetCluster(ep.connectUrlsB)]);
  const ids = await queueDeploys(w, `bench-r${replicas}-${Date.now() % 100_000}`);
  const children = startReplicas(replicas, w.t.url);
  try {
    const t0 = performance.now();
    for (;;) {
      const all = await Promise.all(ids.map((id) => getDeployment(db, id)));
      if (all.every((d) => d && (d.status === "succeeded" || d.status === "failed"))) {
        const failed = all.filter((d) => d?.status === "failed").length;
        if (failed > 0) throw new Error(`${failed} bench deploys failed`);
        break;
      }
      if (performance.now() - t0 > 600_000) throw new Error("bench deploys did not end within 10 minutes");
      await sleep(100);
    }
    const seconds = (performance.now() - t0) / 1000;
    const from = new Date();
    await sleep(POLL_WINDOW_MS);
    const polls = await db.job.count({ where: { kind: "health", status: "done", finishedAt: { gte: from } } });
    const pollsPerInterval = polls / w.clusters.length / (POLL_WINDOW_MS / 1000 / POLL_SECONDS);
    return { deploysPerMinute: (DEPLOYS / seconds) * 60, seconds, pollsPerInterval };
  } finally {
    await stopReplicas(children);
  }
}

/** p50/p95 of tRPC calls through the router, 20 callers at once, 400 calls per procedure. */
async function benchApi(w: World): Promise<Record<string, { p50Ms: number; p95Ms: number }>> {
  const api = createCaller(createContextInner({ user: w.owner, db: w.t.db }));
  const calls: Record<string, () => Promise<unknown>> = {
    "changeRequest.list": () => api.changeRequest.list({}),
    "deployment.list": () => api.deployment.list({ page: 1 }),
    "notification.inbox": () => api.notification.inbox({ page: 1 }),
    "notification.unreadCount": () => api.notification.unreadCount(),
  };
  const out: Record<string, { p50Ms: number; p95Ms: number }> = {};
  for (const [name, call] of Object.entries(calls)) {
    const times: number[] = [];
    let left = 400;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (left-- > 0) {
          const t0 = performance.now();
          await call();
          times.push(performance.now() - t0);
        }
      }),
    );
    out[name] = { p50Ms: pct(times, 0.5), p95Ms: pct(times, 0.95) };
  }
  return out;
}

export async function benchReplicas({ endpoints, postgresAdminUrl, record, log }: Options): Promise<void> {
  for (const database of ["sqlite", "postgres"] as const) {
    for (const replicas of [1, 3]) {
      log(`replicas: ${replicas} worker(s) on ${database}, ${DEPLOYS} deploys over two clusters…`);
      const t = database === "sqlite" ? await createSqliteTestDb() : await createPostgresTestDb(postgresAdminUrl);
      try {
        const w = await buildWorld(t, endpoints);
        const r = await benchWorker(t.db, w, replicas, endpoints);
        record(
          `worker.${database}.replicas${replicas}`,
          r,
          `worker on ${database}, ${replicas} replica(s): ${DEPLOYS} deploys in ${r.seconds.toFixed(1)} s = ${r.deploysPerMinute.toFixed(1)} deploys/min; ${r.pollsPerInterval.toFixed(2)} polls per cluster per ${POLL_SECONDS} s interval`,
        );
        if (replicas === 3) {
          const a = await benchApi(w);
          record(`api.${database}`, a, `api on ${database} (20 callers): ${Object.entries(a).map(([k, v]) => `${k} p50 ${v.p50Ms.toFixed(1)} ms p95 ${v.p95Ms.toFixed(1)} ms`).join("; ")}`);
        }
      } finally {
        await t.cleanup();
      }
    }
  }
  await Promise.all([resetCluster(endpoints.connectUrls), resetCluster(endpoints.connectUrlsB)]);
}
