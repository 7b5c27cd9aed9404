/** Clusters (environments) with their Connect workers and approval policy. */
import { z } from "zod";
import { publishBoardChange } from "../board-bus";
import type { DbOrTx } from "../client";
import { DbError } from "../errors";
import { withAudit } from "./audit";

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
      const row = await tx.cluster.update({
        where: { id },
        data: { ...rest, ...(connectUrls ? { connectUrls: JSON.stringify(connectUrls) } : {}) },
        select: clusterSelect,
      });
      return { before, after: toCluster(row) };
    },
    ({ before, after }) => ({ actorId, action: "cluster.update", entityType: "cluster", entityId: id, before, after }),
  );
  publishBoardChange(id);
  return result.after;
}
