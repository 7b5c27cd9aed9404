/** Clusters (environments) with their Connect workers and approval policy. */
import { z } from "zod";
import { publishBoardChange } from "../board-bus";
import type { DbOrTx } from "../client";
import { DbError } from "../errors";
import { withAudit } from "./audit";
import { incidentSelect, type Incident } from "./health";

export const clusterSelect = {
  id: true,
  name: true,
  environment: true,
  connectUrls: true,
  bootstrapServers: true,
  statusTopic: true,
  authUsernameEnv: true,
  authPasswordEnv: true,
  approvalsRequired: true,
  monitorIntervalSeconds: true,
  requestTimeoutSeconds: true,
  gitRepository: true,
  gitBranch: true,
  gitPath: true,
  gitCommit: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type Cluster = {
  id: string;
  name: string;
  environment: string;
  connectUrls: string[];
  bootstrapServers: string | null;
  /** Connect's `status.storage.topic`: with bootstrap servers, the worker watches it for state changes. */
  statusTopic: string | null;
  /** Names of env vars holding basic-auth credentials for Connect; never the values. */
  authUsernameEnv: string | null;
  authPasswordEnv: string | null;
  approvalsRequired: number;
  monitorIntervalSeconds: number;
  /** Budget of one Connect request across the workers. */
  requestTimeoutSeconds: number;
  /** Git repository the cluster's state file is committed to after each deploy (a path or a URL without credentials); null: none. */
  gitRepository: string | null;
  /** Its branch; null: main. */
  gitBranch: string | null;
  /** The state file's path in the repository; null: clusters/<name>.json. */
  gitPath: string | null;
  /** The last commit Switchboard wrote there (or found already in step); null before the first. */
  gitCommit: string | null;
  createdAt: Date;
  updatedAt: Date;
};

const urls = z.array(z.string());

type ClusterRow = Omit<Cluster, "connectUrls"> & { connectUrls: string };
const toCluster = (row: ClusterRow): Cluster => ({ ...row, connectUrls: urls.parse(JSON.parse(row.connectUrls)) });

export async function listClusters(db: DbOrTx): Promise<Cluster[]> {
  return (await db.cluster.findMany({ select: clusterSelect, orderBy: { name: "asc" } })).map(toCluster);
}

export async function getCluster(db: DbOrTx, id: string): Promise<Cluster | null> {
  const row = await db.cluster.findUnique({ where: { id }, select: clusterSelect });
  return row && toCluster(row);
}

export async function getClusterByName(db: DbOrTx, name: string): Promise<Cluster | null> {
  const row = await db.cluster.findUnique({ where: { name }, select: clusterSelect });
  return row && toCluster(row);
}

export type ClusterInput = {
  name: string;
  environment: string;
  connectUrls: string[];
  bootstrapServers?: string | null;
  statusTopic?: string | null;
  authUsernameEnv?: string | null;
  authPasswordEnv?: string | null;
  approvalsRequired: number;
  monitorIntervalSeconds?: number;
  requestTimeoutSeconds?: number;
  gitRepository?: string | null;
  gitBranch?: string | null;
  gitPath?: string | null;
};

export async function createCluster(db: DbOrTx, actorId: string | null, input: ClusterInput): Promise<Cluster> {
  return withAudit(
    db,
    async (tx) => {
      if (await tx.cluster.findUnique({ where: { name: input.name }, select: { id: true } })) throw new DbError("CONFLICT", `Cluster ${input.name} exists.`);
      const row = await tx.cluster.create({ data: { ...input, connectUrls: JSON.stringify(input.connectUrls) }, select: clusterSelect });
      return toCluster(row);
    },
    (c) => ({ actorId, action: "cluster.create", entityType: "cluster", entityId: c.id, after: c }),
  );
}

export async function updateCluster(db: DbOrTx, actorId: string | null, id: string, input: Partial<ClusterInput>): Promise<Cluster> {
  const result = await withAudit(
    db,
    async (tx) => {
      const before = await getCluster(tx, id);
      if (!before) throw new DbError("NOT_FOUND", "No such cluster.");
      const { connectUrls, ...rest } = input;
      // A commit in another repository, branch or file is no base for the next write.
      const mirrorMoved = (["gitRepository", "gitBranch", "gitPath"] as const).some((k) => input[k] !== undefined && input[k] !== before[k]);
      const row = await tx.cluster.update({
        where: { id },
        data: { ...rest, ...(connectUrls ? { connectUrls: JSON.stringify(connectUrls) } : {}), ...(mirrorMoved ? { gitCommit: null } : {}) },
        select: clusterSelect,
      });
      return { before, after: toCluster(row) };
    },
    ({ before, after }) => ({ actorId, action: "cluster.update", entityType: "cluster", entityId: id, before, after }),
  );
  publishBoardChange(id);
  return result.after;
}

/** Where a cluster's Git mirror pointed when a write started: a commit is recorded only if it still points there. */
export type GitMirrorTarget = { repository: string; branch: string | null; path: string | null };

/**
 * Records the commit Switchboard wrote (or found in step) for the cluster's mirror, unless an admin
 * pointed the mirror elsewhere meanwhile (then false, nothing written). Audited.
 */
export async function recordGitCommit(db: DbOrTx, clusterId: string, target: GitMirrorTarget, sha: string): Promise<boolean> {
  return withAudit(
    db,
    async (tx) => {
      const before = await tx.cluster.findUnique({ where: { id: clusterId }, select: { gitCommit: true } });
      const { count } = await tx.cluster.updateMany({
        where: { id: clusterId, gitRepository: target.repository, gitBranch: target.branch, gitPath: target.path },
        data: { gitCommit: sha },
      });
      return { recorded: count === 1, before: before?.gitCommit ?? null };
    },
    ({ recorded, before }) => (recorded ? { actorId: null, action: "cluster.gitCommit", entityType: "cluster", entityId: clusterId, before: { gitCommit: before }, after: { gitCommit: sha } } : []),
  ).then((r) => r.recorded);
}

/** The cluster's open git_conflict incident, if any (one at a time per cluster). */
export function getOpenGitConflict(db: DbOrTx, clusterId: string): Promise<Incident | null> {
  return db.incident.findFirst({ where: { clusterId, kind: "git_conflict", state: "open" }, select: incidentSelect, orderBy: { openedAt: "desc" } });
}

/**
 * Opens the cluster's git_conflict incident (`connectorName` holds the state file's path, `trace`
 * says why, never a file's content), or returns the one already open (`opened: false`).
 */
export async function openGitConflict(db: DbOrTx, input: { clusterId: string; path: string; trace: string }): Promise<{ incident: Incident; opened: boolean }> {
  const existing = await getOpenGitConflict(db, input.clusterId);
  if (existing) return { incident: existing, opened: false };
  const incident = await withAudit(
    db,
    (tx) => tx.incident.create({ data: { clusterId: input.clusterId, connectorName: input.path, kind: "git_conflict", trace: input.trace }, select: incidentSelect }),
    (i) => ({ actorId: null, action: "incident.open", entityType: "incident", entityId: i.id, after: { kind: "git_conflict", clusterId: i.clusterId, connectorName: i.connectorName } }),
  );
  return { incident, opened: true };
}

/** Closes the cluster's open git_conflict incidents (a write went through); returns how many. */
export async function closeGitConflicts(db: DbOrTx, clusterId: string, closedAt: Date = new Date()): Promise<number> {
  return withAudit(
    db,
    async (tx) => {
      const open = await tx.incident.findMany({ where: { clusterId, kind: "git_conflict", state: "open" }, select: { id: true } });
      await tx.incident.updateMany({ where: { id: { in: open.map((i) => i.id) } }, data: { state: "closed", closedAt } });
      return open.map((i) => i.id);
    },
    (ids) => ids.map((id) => ({ actorId: null, action: "incident.close", entityType: "incident", entityId: id, after: { state: "closed" } })),
  ).then((ids) => ids.length);
}
