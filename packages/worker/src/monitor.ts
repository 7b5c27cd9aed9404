/**
 * The health monitor: one expanded status request per cluster per poll, the health snapshot, and
 * incidents (opened on FAILED connectors or tasks, closed on recovery) with the owning team notified
 * once per incident, after the connector's optional restart policy has had its go.
 */
import type { Db } from "@switchboard/db/client";
import { getCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { findConnectorByName, getConnector, getConnectorSecrets, listClusterConnectors, type Connector } from "@switchboard/db/repos/connectors";
import {
  closeIncident,
  listOpenIncidents,
  openIncident,
  recordClusterHealth,
  recordConnectorsHealth,
  recordRestartAttempt,
  type HealthObservation,
  type Incident,
} from "@switchboard/db/repos/health";
import { jobPayload, type Job } from "@switchboard/db/repos/jobs";
import { healthJob, healthPayloadSchema } from "@switchboard/domain/jobs";
import { readMark } from "@switchboard/engine/managed";
import { redactText, secretValuesOf } from "@switchboard/engine/secrets";
import { healthPollDuration } from "@switchboard/telemetry/metrics";
import type { ObservedConnector } from "@switchboard/engine/model";
import type { ConnectPort } from "@switchboard/engine/port";
import type { JobContext, JobResult } from "./loop";
import { reconcileDrift, type DriftResult } from "./drift-monitor";
import { incidentNotifications, incidentRecipients, notifyIncidentOnce } from "./notify";
import { closeQuietly, type WorkerServices } from "./services";


/** Job handler: polls the cluster, then queues its next poll after the cluster's interval. */
export async function runHealthJob(job: Job, ctx: JobContext): Promise<JobResult> {
  const { clusterId } = healthPayloadSchema.parse(jobPayload(job));
  const cluster = await getCluster(ctx.db, clusterId);
  if (!cluster) return;
  await pollClusterHealth(ctx, cluster);
  return { next: [healthJob(cluster.id, new Date(Date.now() + cluster.monitorIntervalSeconds * 1000))] };
}

export type MonitorContext = Pick<WorkerServices, "connectFor" | "publicUrl" | "log"> & {
  db: Db;
  /** Called when notifications were queued, so delivery need not wait for its next pass. */
  notificationsQueued?: () => void;
};

export type PollResult = {
  /** Set when the cluster could not be read (nothing was recorded). */
  error?: string;
  observed: number;
  opened: string[];
  closed: string[];
  restarted: string[];
  notified: string[];
  /** Drift found by this observation (see drift-monitor.ts); absent when the cluster could not be read. */
  drift?: DriftResult;
};

type Observation = HealthObservation & { failing: boolean };

/** A connector's health from its status: FAILED when it or all its tasks failed, DEGRADED when some tasks did. */
export function classifyConnector(c: ObservedConnector): Observation {
  const failed = c.tasks.filter((t) => t.state === "FAILED");
  const tasksTotal = c.tasks.length;
  const base = {
    connectorName: c.name,
    tasksRunning: c.tasks.filter((t) => t.state === "RUNNING").length,
    tasksTotal,
    tasksFailed: failed.length,
    workerId: c.workerId ?? null,
  };
  if (c.state === "FAILED" || (tasksTotal > 0 && failed.length === tasksTotal)) {
    return { ...base, state: "FAILED", failing: true, trace: c.state === "FAILED" ? (c.trace ?? failed[0]?.trace ?? null) : (failed[0]?.trace ?? null) };
  }
  if (failed.length > 0) return { ...base, state: "DEGRADED", failing: true, trace: failed[0]?.trace ?? null };
  return { ...base, state: c.state, failing: false, trace: null };
}

/**
 * Polls one cluster: reads every connector's status in one request and applies it as the whole
 * cluster's observation (see {@link applyObservations}). A cluster that cannot be read is logged and
 * left as last observed.
 */
export async function pollClusterHealth(ctx: MonitorContext, cluster: Cluster, now: Date = new Date()): Promise<PollResult> {
  const connect = ctx.connectFor(cluster);
  try {
    let observed: ObservedConnector[];
    const timePoll = healthPollDuration.startTimer({ cluster: cluster.name });
    try {
      observed = await connect.listConnectors();
      timePoll({ outcome: "ok" });
    } catch (err) {
      timePoll({ outcome: "unreachable" });
      const error = err instanceof Error ? err.message : String(err);
      ctx.log.warn(`health: cluster ${cluster.name} unreachable: ${error}`);
      return { error, observed: 0, opened: [], closed: [], restarted: [], notified: [] };
    }
    return await applyObservations(ctx, connect, cluster, observed, null, now);
  } finally {
    await closeQuietly(connect);
  }
}

/** Which connectors an observation covers: the whole cluster (a poll) or the ones named (status-topic records). */
export type ObservationScope = string[] | null;

/**
 * Applies what was observed of a cluster, whether by a poll or from the status topic: records the
 * health rows, opens and closes incidents, applies restart policies and notifies owners (once per
 * incident). `scope` null means `observed` is the whole cluster; otherwise it is the state of the
 * connectors named in `scope`, and a name without an observation has been deleted. Applications to
 * one cluster run one at a time in a process, so a poll and a topic record do not interleave.
 */
export function applyObservations(
  ctx: MonitorContext,
  connect: ConnectPort,
  cluster: Cluster,
  observed: ObservedConnector[],
  scope: ObservationScope,
  now: Date = new Date(),
): Promise<PollResult> {
  const previous = applying.get(cluster.id) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => applyNow(ctx, connect, cluster, observed, scope, now));
  const tail = run.finally(() => {
    if (applying.get(cluster.id) === tail) applying.delete(cluster.id);
  });
  applying.set(cluster.id, tail);
  return run;
}

const applying = new Map<string, Promise<unknown>>();

async function applyNow(ctx: MonitorContext, connect: ConnectPort, cluster: Cluster, observed: ObservedConnector[], scope: ObservationScope, now: Date): Promise<PollResult> {
  const result: PollResult = { observed: observed.length, opened: [], closed: [], restarted: [], notified: [] };
  const managed = scope === null ? await listClusterConnectors(ctx.db, cluster.id) : await managedByName(ctx.db, cluster.id, [...scope, ...observed.map((c) => c.name)]);
  const byName = new Map(managed.map((c) => [c.name, c]));
  const byId = new Map(managed.map((c) => [c.id, c]));
  const owner = async (c: ObservedConnector) => {
    const named = byName.get(c.name);
    if (named) return named;
    const markId = readMark(c.config)?.id;
    if (!markId) return undefined;
    const marked = byId.get(markId) ?? (scope === null ? undefined : await getConnector(ctx.db, markId));
    return marked && marked.clusterId === cluster.id && marked.deletedAt === null ? marked : undefined;
  };

  const observations = await Promise.all(
    observed.map(async (c) => {
      const o = classifyConnector(c);
      const connector = await owner(c);
      // Traces are stored and sent: mask any secret value of the connector they might echo (stored or live).
      if (o.trace) o.trace = redactText(o.trace, [...(connector ? Object.values(await getConnectorSecrets(ctx.db, connector.id)) : []), ...secretValuesOf(c.config ?? {})]);
      return { o, connector };
    }),
  );
  await writeHealth(ctx, cluster, scope, observations.map(({ o: { failing: _failing, ...obs } }) => obs), now);

  const failingNames = new Set<string>();
  for (const { o, connector } of observations) {
    if (!o.failing) continue;
    failingNames.add(o.connectorName);
    const { incident, opened } = await openIncident(ctx.db, { clusterId: cluster.id, connectorName: o.connectorName, connectorId: connector?.id ?? null, trace: o.trace ?? null });
    if (opened) result.opened.push(o.connectorName);
    const outcome = await handleIncident(ctx, connect, cluster, connector, incident, o, now);
    if (outcome === "restarted") result.restarted.push(o.connectorName);
    if (outcome === "notified") result.notified.push(o.connectorName);
  }
  if (result.notified.length > 0) ctx.notificationsQueued?.();

  const covered = scope === null ? undefined : new Set([...scope, ...observed.map((c) => c.name)]);
  for (const incident of await listOpenIncidents(ctx.db, cluster.id)) {
    if (failingNames.has(incident.connectorName) || (covered && !covered.has(incident.connectorName))) continue;
    if (await closeIncident(ctx.db, incident.id, now)) result.closed.push(incident.connectorName);
  }
  result.drift = await reconcileDrift(ctx, cluster, observed.map((c, i) => ({ observed: c, connector: observations[i]?.connector })), scope, now);
  return result;
}

/** The one place health rows are written, whether from a poll or the status topic. */
async function writeHealth(ctx: MonitorContext, cluster: Cluster, scope: ObservationScope, observations: HealthObservation[], now: Date): Promise<void> {
  if (scope === null) await recordClusterHealth(ctx.db, cluster.id, observations, now);
  else await recordConnectorsHealth(ctx.db, cluster.id, scope, observations, now);
}

/** The managed connectors among `names`: one lookup each for a few (a topic record), the whole list for many (catching up). */
async function managedByName(db: Db, clusterId: string, names: string[]): Promise<Connector[]> {
  const wanted = new Set(names);
  if (wanted.size > 50) return (await listClusterConnectors(db, clusterId)).filter((c) => wanted.has(c.name));
  const found = await Promise.all([...wanted].map((n) => findConnectorByName(db, clusterId, n)));
  return found.filter((c): c is Connector => c !== null);
}

/**
 * Restart policy first (restart failed tasks with exponential backoff up to the budget), then one
 * notification of the owning team. Unmanaged connectors have no owner to notify.
 */
async function handleIncident(
  ctx: MonitorContext,
  connect: ConnectPort,
  cluster: Cluster,
  connector: Connector | undefined,
  incident: Incident,
  o: Observation,
  now: Date,
): Promise<"restarted" | "notified" | "waiting" | "none"> {
  if (!connector || incident.notifiedAt) return "none";
  const backingOff = incident.nextRestartAt !== null && incident.nextRestartAt > now;
  if (connector.autoRestart) {
    if (backingOff) return "waiting";
    if (incident.restartAttempts < connector.maxRestarts) {
      try {
        await connect.restart(o.connectorName, { includeTasks: true, onlyFailed: true });
      } catch (err) {
        ctx.log.warn(`health: restart of ${o.connectorName} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      const delayMs = connector.backoffSeconds * 1000 * 2 ** incident.restartAttempts;
      await recordRestartAttempt(ctx.db, incident.id, new Date(now.getTime() + delayMs));
      return "restarted";
    }
  }
  return (await notifyOwners(ctx, cluster, connector, incident, o, now)) ? "notified" : "none";
}

async function notifyOwners(ctx: MonitorContext, cluster: Cluster, connector: Connector, incident: Incident, o: Observation, now: Date): Promise<boolean> {
  const to = await incidentRecipients(ctx.db, connector);
  if (!to) return false;
  const inputs = incidentNotifications(
    {
      incidentId: incident.id,
      connector: { id: connector.id, name: o.connectorName },
      cluster: { name: cluster.name, environment: cluster.environment },
      team: to.team,
      state: o.state,
      tasksFailed: o.tasksFailed,
      tasksTotal: o.tasksTotal,
      trace: o.trace ?? null,
    },
    to.recipients,
    ctx.publicUrl,
  );
  return notifyIncidentOnce(ctx.db, incident.id, inputs, now);
}
