/**
 * What load balancers, orchestrators and Prometheus ask of a Switchboard process: is it ready to
 * serve (database reachable, migrations current, each cluster's Connect reachable), and the figures
 * read from the database at scrape time (queue, open incidents).
 *
 * A readiness answer goes to unauthenticated callers, so a check carries a name, a verdict and a short
 * fixed reason: never an error message, a URL or a credential.
 */
import type { Db } from "@switchboard/db/client";
import { getDb } from "@switchboard/db/client";
import { pendingMigrations } from "@switchboard/db/migrate";
import { listClusters, type Cluster } from "@switchboard/db/repos/clusters";
import { openIncidentCounts, pingDatabase, queueStats } from "@switchboard/db/repos/operations";
import { ConnectError } from "@switchboard/engine/port";
import type { ConnectClient } from "@switchboard/connect-client/client";
import { connectForCluster } from "./cluster-access";

export type ReadinessCheck = {
  /** `database`, `migrations`, or `connect` (with `cluster`). */
  check: "database" | "migrations" | "connect";
  cluster?: string;
  ok: boolean;
  /** Short and fixed wording, safe for anyone to read. */
  reason?: string;
};

export type Readiness = { ready: boolean; checks: ReadinessCheck[] };

type HealthClient = Pick<ConnectClient, "health" | "serverInfo"> & { close?: () => Promise<void> };

export type ReadinessDeps = {
  db?: Db;
  /** Names of migrations not yet applied to the database. */
  pendingMigrations?: () => Promise<string[]>;
  /** A Connect client for a cluster with the given budget per request. */
  connectFor?: (cluster: Cluster, timeoutSeconds: number) => HealthClient;
  /** Budget of each Connect check. Default 3 s: a probe must answer well within its own timeout. */
  connectTimeoutSeconds?: number;
};

const defaultConnectFor = (cluster: Cluster, timeoutSeconds: number): HealthClient => connectForCluster({ ...cluster, requestTimeoutSeconds: timeoutSeconds });

/** Runs every readiness check at once; ready only when all pass. */
export async function checkReadiness(deps: ReadinessDeps = {}): Promise<Readiness> {
  const timeoutSeconds = deps.connectTimeoutSeconds ?? 3;
  const connectFor = deps.connectFor ?? defaultConnectFor;
  let db: Db;
  try {
    db = deps.db ?? getDb();
  } catch {
    return { ready: false, checks: [{ check: "database", ok: false, reason: "not reachable" }] };
  }
  const database = pingDatabase(db).then(
    (): ReadinessCheck => ({ check: "database", ok: true }),
    (): ReadinessCheck => ({ check: "database", ok: false, reason: "not reachable" }),
  );
  const migrations = (deps.pendingMigrations ?? (() => pendingMigrations()))().then(
    (pending): ReadinessCheck => (pending.length === 0 ? { check: "migrations", ok: true } : { check: "migrations", ok: false, reason: `${pending.length} pending` }),
    (): ReadinessCheck => ({ check: "migrations", ok: false, reason: "could not be read" }),
  );
  // Without the database there is no list of clusters to check: the database check says why.
  const clusters = await listClusters(db).catch(() => [] as Cluster[]);
  const checks = await Promise.all([database, migrations, ...clusters.map((c) => checkConnect(c, connectFor, timeoutSeconds))]);
  return { ready: checks.every((c) => c.ok), checks };
}

/**
 * A cluster's Connect through `GET /health` (KIP-1017, Kafka 3.9+: 200 healthy, 503 starting, 500
 * unhealthy); a worker too old to have it answers 404, and then any answer to `GET /` will do.
 */
async function checkConnect(cluster: Cluster, connectFor: NonNullable<ReadinessDeps["connectFor"]>, timeoutSeconds: number): Promise<ReadinessCheck> {
  const base = { check: "connect" as const, cluster: cluster.name };
  let client: HealthClient;
  try {
    client = connectFor(cluster, timeoutSeconds);
  } catch {
    // e.g. a credential variable outside the allowed prefix: the cluster's page explains it to an admin.
    return { ...base, ok: false, reason: "misconfigured" };
  }
  try {
    const health = await client.health();
    if (health.healthy) return { ...base, ok: true };
    // Connect's own status word (`starting`, `unhealthy`) only, never its message.
    return { ...base, ok: false, reason: /^[a-z]{1,20}$/.test(health.status) ? health.status : "unhealthy" };
  } catch (err) {
    if (err instanceof ConnectError && err.code === "NOT_FOUND") {
      return client.serverInfo().then(
        () => ({ ...base, ok: true }),
        (e: unknown) => ({ ...base, ok: false, reason: connectReason(e) }),
      );
    }
    return { ...base, ok: false, reason: connectReason(err) };
  } finally {
    await client.close?.().catch(() => undefined);
  }
}

function connectReason(err: unknown): string {
  if (err instanceof ConnectError) {
    if (err.code === "TIMEOUT") return "timed out";
    if (err.code === "UNREACHABLE") return "unreachable";
    if (err.status === 401 || err.status === 403) return "refused our credentials";
    if (err.status !== undefined) return `answered HTTP ${err.status}`;
  }
  return "unreachable";
}

/** The figures Prometheus reads at scrape time (see `@switchboard/telemetry/metrics`). */
export async function operationalSnapshot(db: Db = getDb()): Promise<{
  queue: Array<{ kind: string; depth: number; oldestAgeSeconds: number }>;
  openIncidents: Array<{ cluster: string; count: number }>;
}> {
  const [queue, openIncidents] = await Promise.all([queueStats(db), openIncidentCounts(db)]);
  return { queue, openIncidents };
}
