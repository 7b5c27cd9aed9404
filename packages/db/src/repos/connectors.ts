/**
 * Connector definitions. Secret config values are stored encrypted in `secretConfigEnc`, which the
 * public select never reads: only `getConnectorSecrets` / `listConnectorsWithSecrets` (for deploys)
 * decrypt them.
 */
import { z } from "zod";
import type { DbOrTx, Tx } from "../client";
import type { DesiredState, HealthState } from "../enums";
import { DbError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import { publishBoardChange } from "../board-bus";
import { decryptSecrets, encryptSecrets } from "../secrets";
import { withAudit } from "./audit";

export const connectorSelect = {
  id: true,
  name: true,
  clusterId: true,
  teamId: true,
  desiredState: true,
  version: true,
  deployedVersion: true,
  configJson: true,
  secretKeysJson: true,
  connectorClass: true,
  topics: true,
  autoRestart: true,
  maxRestarts: true,
  backoffSeconds: true,
  labelsJson: true,
  deletedAt: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.ConnectorSelect;

export type Connector = {
  id: string;
  name: string;
  clusterId: string;
  teamId: string;
  desiredState: DesiredState;
  version: number;
  deployedVersion: number | null;
  /** Non-secret config keys. */
  config: Record<string, string>;
  /** Names of the secret keys (values are never returned). */
  secretKeys: string[];
  connectorClass: string;
  topics: string;
  autoRestart: boolean;
  maxRestarts: number;
  backoffSeconds: number;
  /** Lower-case `key` or `key=value` labels, sorted (validated by the domain). */
  labels: string[];
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

const configSchema = z.record(z.string(), z.string());
const keysSchema = z.array(z.string());

type ConnectorRow = Prisma.ConnectorGetPayload<{ select: typeof connectorSelect }>;

function toConnector({ configJson, secretKeysJson, labelsJson, ...row }: ConnectorRow): Connector {
  return { ...row, config: configSchema.parse(JSON.parse(configJson)), secretKeys: keysSchema.parse(JSON.parse(secretKeysJson)), labels: parseLabels(labelsJson) };
}

/** A stored label list; a row written by hand with something else reads as no labels rather than failing every read. */
export function parseLabels(labelsJson: string): string[] {
  try {
    const parsed = keysSchema.safeParse(JSON.parse(labelsJson));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

const TOPIC_KEYS = ["topics", "topics.regex", "topic", "kafka.topic"];

/** Columns derived from the definition for the board's filters and search. */
function derived(name: string, config: Record<string, string>) {
  const connectorClass = config["connector.class"] ?? "";
  const topics = TOPIC_KEYS.flatMap((k) => (config[k] ? [config[k]] : [])).join(",");
  return { connectorClass, topics, searchText: [name, connectorClass, topics].join("\n").toLowerCase() };
}

/** Storage columns for config and secrets (secrets encrypted, their key names kept for display). */
export function storedConfig(config: Record<string, string>, secrets: Record<string, string>) {
  return {
    configJson: JSON.stringify(config),
    secretConfigEnc: encryptSecrets(secrets),
    secretKeysJson: JSON.stringify(Object.keys(secrets).sort()),
  };
}

export async function getConnector(db: DbOrTx, id: string): Promise<Connector | null> {
  const row = await db.connector.findUnique({ where: { id }, select: connectorSelect });
  return row && toConnector(row);
}

/** Live (not deleted) connector by cluster and name. */
export async function findConnectorByName(db: DbOrTx, clusterId: string, name: string): Promise<Connector | null> {
  const row = await db.connector.findFirst({ where: { clusterId, name, deletedAt: null }, select: connectorSelect });
  return row && toConnector(row);
}

/** Decrypted secret values of a connector: for building the config sent to Connect only. */
export async function getConnectorSecrets(db: DbOrTx, id: string): Promise<Record<string, string>> {
  const row = await db.connector.findUnique({ where: { id }, select: { secretConfigEnc: true } });
  if (!row) throw new DbError("NOT_FOUND", "No such connector.");
  return decryptSecrets(row.secretConfigEnc);
}

export type ConnectorWithSecrets = Connector & { secrets: Record<string, string> };

/** Live connectors of a cluster with decrypted secrets: the desired state a deploy works from. */
export async function listConnectorsWithSecrets(db: DbOrTx, clusterId: string): Promise<ConnectorWithSecrets[]> {
  const rows = await db.connector.findMany({
    where: { clusterId, deletedAt: null },
    select: { ...connectorSelect, secretConfigEnc: true },
    orderBy: { name: "asc" },
  });
  return rows.map(({ secretConfigEnc, ...row }) => ({ ...toConnector(row), secrets: decryptSecrets(secretConfigEnc) }));
}

/** Live connectors of a cluster (public fields). */
export async function listClusterConnectors(db: DbOrTx, clusterId: string): Promise<Connector[]> {
  const rows = await db.connector.findMany({ where: { clusterId, deletedAt: null }, select: connectorSelect, orderBy: { name: "asc" } });
  return rows.map(toConnector);
}

async function assertNameFree(tx: Tx, clusterId: string, name: string, exceptId?: string): Promise<void> {
  const clash = await tx.connector.findFirst({ where: { clusterId, name, deletedAt: null, id: exceptId ? { not: exceptId } : undefined }, select: { id: true } });
  if (clash) throw new DbError("CONFLICT", `A connector named ${name} already exists on this cluster.`);
}

async function writeRevision(tx: Tx, connectorId: string, changeRequestId: string | null): Promise<void> {
  const c = await tx.connector.findUniqueOrThrow({
    where: { id: connectorId },
    select: { version: true, name: true, configJson: true, secretConfigEnc: true, secretKeysJson: true, desiredState: true },
  });
  await tx.connectorRevision.create({ data: { connectorId, ...c, changeRequestId } });
}

export type CreateConnectorInput = {
  /** Optional fixed id (e.g. the id a deploy plan already stamped into the Connect config). */
  id?: string;
  name: string;
  clusterId: string;
  teamId: string;
  desiredState: DesiredState;
  config: Record<string, string>;
  secrets: Record<string, string>;
  autoRestart?: boolean;
  maxRestarts?: number;
  backoffSeconds?: number;
  /** The change request that introduced it, for the revision history. */
  changeRequestId?: string | null;
};

/** Creates a connector at version 1 and records revision 1. Names are unique per cluster among live connectors. */
export async function createConnector(db: DbOrTx, actorId: string | null, input: CreateConnectorInput): Promise<Connector> {
  const created = await withAudit(
    db,
    async (tx) => {
      await assertNameFree(tx, input.clusterId, input.name);
      const row = await tx.connector.create({
        data: {
          id: input.id,
          name: input.name,
          clusterId: input.clusterId,
          teamId: input.teamId,
          desiredState: input.desiredState,
          autoRestart: input.autoRestart,
          maxRestarts: input.maxRestarts,
          backoffSeconds: input.backoffSeconds,
          ...storedConfig(input.config, input.secrets),
          ...derived(input.name, input.config),
        },
        select: connectorSelect,
      });
      await writeRevision(tx, row.id, input.changeRequestId ?? null);
      return toConnector(row);
    },
    (c) => ({ actorId, action: "connector.create", entityType: "connector", entityId: c.id, after: c }),
  );
  publishBoardChange(created.clusterId);
  return created;
}

export type UpdateConnectorInput = {
  name?: string;
  teamId?: string;
  /** A move to another cluster: the name must be free there; the health observed on the old one is dropped. */
  clusterId?: string;
  desiredState?: DesiredState;
  /** Config and secrets are replaced together: pass both (the full maps). */
  definition?: { config: Record<string, string>; secrets: Record<string, string> };
  /** Fails with CONFLICT when the connector has moved on since (optimistic locking). */
  expectedVersion?: number;
  changeRequestId?: string | null;
};

/** Changes a definition: version + 1 and a new revision. */
export async function updateConnector(db: DbOrTx, actorId: string | null, id: string, input: UpdateConnectorInput): Promise<Connector> {
  const result = await withAudit(
    db,
    async (tx) => {
      const before = await getConnector(tx, id);
      if (!before || before.deletedAt) throw new DbError("NOT_FOUND", "No such connector.");
      if (input.expectedVersion !== undefined && before.version !== input.expectedVersion) {
        throw new DbError("CONFLICT", `Connector ${before.name} is at version ${before.version}, not ${input.expectedVersion}.`);
      }
      const name = input.name ?? before.name;
      const clusterId = input.clusterId ?? before.clusterId;
      if (name !== before.name || clusterId !== before.clusterId) await assertNameFree(tx, clusterId, name, id);
      if (clusterId !== before.clusterId) await tx.connectorHealth.deleteMany({ where: { connectorId: id } });
      const config = input.definition?.config ?? before.config;
      // The version check in the WHERE makes two concurrent updates from the same version conflict.
      const { count } = await tx.connector.updateMany({
        where: { id, version: before.version },
        data: {
          name,
          teamId: input.teamId,
          clusterId,
          desiredState: input.desiredState,
          version: before.version + 1,
          ...(input.definition ? storedConfig(input.definition.config, input.definition.secrets) : {}),
          ...derived(name, config),
        },
      });
      if (count !== 1) throw new DbError("CONFLICT", `Connector ${before.name} changed concurrently.`);
      await writeRevision(tx, id, input.changeRequestId ?? null);
      return { before, after: (await getConnector(tx, id)) as Connector };
    },
    ({ before, after }) => ({ actorId, action: "connector.update", entityType: "connector", entityId: id, before, after }),
  );
  if (result.before.clusterId !== result.after.clusterId) publishBoardChange(result.before.clusterId);
  publishBoardChange(result.after.clusterId);
  return result.after;
}

/** Soft-deletes a connector (its name becomes free on the cluster). */
export async function deleteConnector(db: DbOrTx, actorId: string | null, id: string): Promise<void> {
  const deleted = await withAudit(
    db,
    async (tx) => {
      const before = await getConnector(tx, id);
      if (!before || before.deletedAt) throw new DbError("NOT_FOUND", "No such connector.");
      await tx.connector.update({ where: { id }, data: { deletedAt: new Date() } });
      return before;
    },
    (before) => ({ actorId, action: "connector.delete", entityType: "connector", entityId: id, before }),
  );
  publishBoardChange(deleted.clusterId);
}

/** Records that `version` is what runs on the cluster now. */
export async function markConnectorDeployed(db: DbOrTx, actorId: string | null, id: string, version: number): Promise<void> {
  const { clusterId } = await withAudit(
    db,
    (tx) => tx.connector.update({ where: { id }, data: { deployedVersion: version }, select: { clusterId: true } }),
    () => ({ actorId, action: "connector.deployed", entityType: "connector", entityId: id, after: { deployedVersion: version } }),
  );
  publishBoardChange(clusterId);
}

/**
 * Replaces a connector's labels (already validated, lower-case and sorted by the caller). Labels
 * live only in Switchboard and never reach the cluster, so this is no definition change: the
 * version stays.
 */
export async function setConnectorLabels(db: DbOrTx, actorId: string | null, id: string, labels: readonly string[]): Promise<Connector> {
  const result = await withAudit(
    db,
    async (tx) => {
      const before = await getConnector(tx, id);
      if (!before || before.deletedAt) throw new DbError("NOT_FOUND", "No such connector.");
      const after = toConnector(await tx.connector.update({ where: { id }, data: { labelsJson: JSON.stringify(labels) }, select: connectorSelect }));
      return { before, after };
    },
    ({ before, after }) => ({ actorId, action: "connector.setLabels", entityType: "connector", entityId: id, before: { labels: before.labels }, after: { labels: after.labels } }),
  );
  publishBoardChange(result.after.clusterId);
  return result.after;
}

export type RestartPolicy = { autoRestart: boolean; maxRestarts: number; backoffSeconds: number };

/** Sets the automatic-restart policy; not a definition change, so the version stays. */
export async function setRestartPolicy(db: DbOrTx, actorId: string | null, id: string, policy: RestartPolicy): Promise<Connector> {
  return withAudit(
    db,
    async (tx) => toConnector(await tx.connector.update({ where: { id }, data: policy, select: connectorSelect })),
    () => ({ actorId, action: "connector.setRestartPolicy", entityType: "connector", entityId: id, after: policy }),
  );
}

export type ConnectorRevision = {
  id: string;
  version: number;
  name: string;
  config: Record<string, string>;
  secretKeys: string[];
  desiredState: DesiredState;
  changeRequestId: string | null;
  createdAt: Date;
};

/** Revision history, newest first (secret values never included). */
export async function listConnectorRevisions(db: DbOrTx, connectorId: string): Promise<ConnectorRevision[]> {
  const rows = await db.connectorRevision.findMany({
    where: { connectorId },
    select: { id: true, version: true, name: true, configJson: true, secretKeysJson: true, desiredState: true, changeRequestId: true, createdAt: true },
    orderBy: { version: "desc" },
  });
  return rows.map(({ configJson, secretKeysJson, ...r }) => ({ ...r, config: configSchema.parse(JSON.parse(configJson)), secretKeys: keysSchema.parse(JSON.parse(secretKeysJson)) }));
}

// ---- Board ----

export type BoardState = HealthState | "UNKNOWN";

export type BoardQuery = {
  page?: number;
  pageSize?: number;
  clusterId?: string;
  teamId?: string;
  /** "Mine": connectors of any of these teams. */
  teamIds?: string[];
  /** Observed state; UNKNOWN = never observed. */
  state?: BoardState;
  /** Case-insensitive substring of name, connector class, topics or team name. */
  search?: string;
  /** Labels the connector must all carry: `key=value` matches that label, `key` matches `key` or any `key=…`. */
  labels?: string[];
  /** Only connectors with the DRIFTED mark (live copy no longer what was approved). */
  drifted?: boolean;
  /** Sort order; default failing first (severity), then name. */
  sort?: BoardSort;
  /** Sections: rows are ordered by the group's name first, then by `sort`. */
  groupBy?: "team" | "cluster";
};

export const BOARD_SORT_COLUMNS = ["severity", "name", "team", "cluster", "tasks", "lastFailure", "desiredState", "version"] as const;
export type BoardSort = { column: (typeof BOARD_SORT_COLUMNS)[number]; direction: "asc" | "desc" };

export type BoardRow = {
  id: string;
  name: string;
  cluster: { id: string; name: string; environment: string };
  team: { id: string; name: string };
  desiredState: DesiredState;
  version: number;
  deployedVersion: number | null;
  connectorClass: string;
  topics: string;
  /** The stored label list as JSON (see {@link parseLabels}). */
  labelsJson: string;
  health: {
    state: HealthState;
    tasksRunning: number;
    tasksTotal: number;
    tasksFailed: number;
    lastFailureAt: Date | null;
    /** Trace of the last failure (the API shortens it for the board). */
    lastTrace: string | null;
    observedAt: Date;
    /** When the live connector drifted from what was approved; null when in step. */
    driftedAt: Date | null;
  } | null;
};

export type BoardPage = {
  items: BoardRow[];
  total: number;
  page: number;
  pageSize: number;
  /** Counts per observed state for the filters other than `state`. */
  counts: Record<BoardState, number>;
};

const boardSelect = {
  id: true,
  name: true,
  desiredState: true,
  version: true,
  deployedVersion: true,
  connectorClass: true,
  topics: true,
  labelsJson: true,
  cluster: { select: { id: true, name: true, environment: true } },
  team: { select: { id: true, name: true } },
  health: { select: { state: true, tasksRunning: true, tasksTotal: true, tasksFailed: true, lastFailureAt: true, lastTrace: true, observedAt: true, driftedAt: true } },
} as const satisfies Prisma.ConnectorSelect;

/** Board order: failing first (FAILED highest), then by name. */
export const HEALTH_SEVERITY: Record<HealthState, number> = {
  FAILED: 70,
  DEGRADED: 60,
  MISSING: 50,
  UNASSIGNED: 40,
  RESTARTING: 30,
  PAUSED: 20,
  STOPPED: 20,
  RUNNING: 10,
};

export const MAX_PAGE_SIZE = 200;

function boardOrder(q: BoardQuery): Prisma.ConnectorOrderByWithRelationInput[] {
  const dir = q.sort?.direction ?? "desc";
  const byColumn: Record<BoardSort["column"], Prisma.ConnectorOrderByWithRelationInput[]> = {
    severity: [{ health: { severity: dir } }],
    name: [{ name: dir }],
    team: [{ team: { name: dir } }],
    cluster: [{ cluster: { name: dir } }],
    tasks: [{ health: { tasksRunning: dir } }, { health: { tasksTotal: dir } }],
    lastFailure: [{ health: { lastFailureAt: dir } }],
    desiredState: [{ desiredState: dir }],
    version: [{ version: dir }],
  };
  const group: Prisma.ConnectorOrderByWithRelationInput[] =
    q.groupBy === "team" ? [{ team: { name: "asc" } }] : q.groupBy === "cluster" ? [{ cluster: { name: "asc" } }] : [];
  const primary = q.sort ? byColumn[q.sort.column] : byColumn.severity;
  // Name then id make the order total, so pages never overlap or skip rows.
  return [...group, ...primary, { name: "asc" }, { id: "asc" }];
}

/** One page of the ownership/health board, filtered and sorted in the database. */
export async function queryBoard(db: DbOrTx, q: BoardQuery): Promise<BoardPage> {
  const pageSize = Math.min(Math.max(q.pageSize ?? 50, 1), MAX_PAGE_SIZE);
  const page = Math.max(q.page ?? 1, 1);
  const search = q.search?.trim().toLowerCase();
  const base: Prisma.ConnectorWhereInput = {
    deletedAt: null,
    clusterId: q.clusterId,
    AND: [
      q.teamId ? { teamId: q.teamId } : {},
      q.teamIds ? { teamId: { in: q.teamIds } } : {},
      search ? { OR: [{ searchText: { contains: search } }, { team: { name: { contains: search } } }] } : {},
      q.drifted ? { health: { is: { driftedAt: { not: null } } } } : {},
      // Stored as a JSON array of lower-case strings: the quotes make a match a whole label (or a whole key).
      // Labels hold no "_" or "%", which SQLite's LIKE would read as wildcards.
      ...(q.labels ?? []).map((l): Prisma.ConnectorWhereInput => (l.includes("=") ? { labelsJson: { contains: JSON.stringify(l) } } : { OR: [{ labelsJson: { contains: JSON.stringify(l) } }, { labelsJson: { contains: `"${l}=` } }] })),
    ],
  };
  const where: Prisma.ConnectorWhereInput =
    q.state === undefined ? base : { ...base, health: q.state === "UNKNOWN" ? { is: null } : { is: { state: q.state } } };

  const [rows, total, baseTotal, groups] = await Promise.all([
    db.connector.findMany({
      where,
      select: boardSelect,
      orderBy: boardOrder(q),
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
    db.connector.count({ where }),
    // Without a state filter both counts are the same query: run it once.
    q.state === undefined ? null : db.connector.count({ where: base }),
    db.connectorHealth.groupBy({ by: ["state"], where: { connector: { is: base } }, _count: { _all: true } }),
  ]);

  const counts = Object.fromEntries([...Object.keys(HEALTH_SEVERITY), "UNKNOWN"].map((s) => [s, 0])) as Record<BoardState, number>;
  let observed = 0;
  for (const g of groups) {
    counts[g.state] = g._count._all;
    observed += g._count._all;
  }
  counts.UNKNOWN = (baseTotal ?? total) - observed;
  return { items: rows, total, page, pageSize, counts };
}

/** Every live connector of a cluster as a board row: what a board snapshot is built from. */
export async function loadBoardRows(db: DbOrTx, clusterId: string): Promise<BoardRow[]> {
  return db.connector.findMany({ where: { clusterId, deletedAt: null }, select: boardSelect, orderBy: { id: "asc" } });
}

/**
 * A token that changes when another connection commits to the database, or null when the database
 * has none (PostgreSQL: there the board bus's NOTIFY says it). SQLite's `PRAGMA data_version` costs
 * microseconds, against tens of milliseconds for {@link probeBoard} at 10,000 connectors.
 */
export async function databaseChangeToken(db: DbOrTx): Promise<string | null> {
  try {
    const rows = await db.$queryRawUnsafe<{ data_version: number | bigint }[]>("PRAGMA data_version");
    return rows[0] ? String(rows[0].data_version) : null;
  } catch {
    return null;
  }
}

/** The board's health rows of a cluster observed at or after `since` (what changed since a snapshot saw `since`). */
export async function loadBoardHealthSince(db: DbOrTx, clusterId: string, since: Date): Promise<{ connectorId: string; health: NonNullable<BoardRow["health"]> }[]> {
  const rows = await db.connectorHealth.findMany({
    where: { clusterId, connectorId: { not: null }, observedAt: { gte: since } },
    select: { connectorId: true, ...boardSelect.health.select },
  });
  return rows.map(({ connectorId, ...health }) => ({ connectorId: connectorId as string, health }));
}

export type BoardClusterFingerprint = { connectors: string; healthCount: number; observedAt: number; lastFailureAt: number };

/**
 * A cheap fingerprint of what the board shows, per cluster (`clusters`) and for what every cluster's
 * rows carry (`shared`: team and cluster names). A snapshot whose fingerprint differs is rebuilt.
 * Deletes are soft and bump `updatedAt`; every health write sets `observedAt` on the rows it wrote.
 */
export async function probeBoard(db: DbOrTx): Promise<{ clusters: Map<string, BoardClusterFingerprint>; shared: string }> {
  const [connectors, health, teams, clusters] = await Promise.all([
    db.connector.groupBy({ by: ["clusterId"], _count: { _all: true }, _max: { updatedAt: true } }),
    db.connectorHealth.groupBy({ by: ["clusterId"], _count: { _all: true }, _max: { observedAt: true, lastFailureAt: true } }),
    db.team.aggregate({ _count: { _all: true }, _max: { updatedAt: true } }),
    db.cluster.aggregate({ _count: { _all: true }, _max: { updatedAt: true } }),
  ]);
  const time = (d: Date | null | undefined) => d?.getTime() ?? 0;
  const byCluster = new Map<string, BoardClusterFingerprint>();
  const entry = (id: string) => byCluster.get(id) ?? { connectors: "", healthCount: 0, observedAt: 0, lastFailureAt: 0 };
  for (const c of connectors) byCluster.set(c.clusterId, { ...entry(c.clusterId), connectors: `${c._count._all}:${time(c._max.updatedAt)}` });
  for (const h of health) byCluster.set(h.clusterId, { ...entry(h.clusterId), healthCount: h._count._all, observedAt: time(h._max.observedAt), lastFailureAt: time(h._max.lastFailureAt) });
  return {
    clusters: byCluster,
    shared: `t${teams._count._all}:${time(teams._max.updatedAt)}|k${clusters._count._all}:${time(clusters._max.updatedAt)}`,
  };
}
