/**
 * Moving a connector to another cluster (issue 8): the change item (`move` on the source cluster's
 * change request, payload `{targetClusterId}`), its checks (the target exists and is another
 * cluster, the name is free there in the database and on the live cluster, naming the holder), the
 * approval policy (the stricter of the two clusters'), and running the engine's move for a deploy.
 * The connector keeps its id; the finish step records it on the target cluster at version + 1.
 */
import { z } from "zod";
import type { DbOrTx } from "@switchboard/db/client";
import type { ChangeItem, ChangeItemInput, ChangeRequest } from "@switchboard/db/repos/change-requests";
import { getCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { findConnectorByName, getConnector, type Connector } from "@switchboard/db/repos/connectors";
import { getTeam } from "@switchboard/db/repos/teams";
import type { PlanConflict } from "@switchboard/engine/model";
import { moveConnector, targetConflict, type MoveEvent, type MoveOptions, type MoveReport } from "@switchboard/engine/move";
import { ConnectError, type ConnectPort } from "@switchboard/engine/port";
import type { ChangeTarget, DeployInput } from "./change-pipeline";
import { badRequest, conflict } from "./errors";

const id = z.string().min(1).max(100);

/** The item a client sends: move this connector to that cluster. */
export const moveItemInputSchema = z.object({ action: z.literal("move"), connectorId: id, targetClusterId: id });

/** What a stored move item carries. */
export const movePayloadSchema = z.object({ targetClusterId: id });

export type ConnectFactory = (cluster: Cluster) => ConnectPort & { close?: () => Promise<void> };

/** The target cluster id of a stored move item. */
export function moveTargetId(item: Pick<ChangeItem, "payload">): string {
  return movePayloadSchema.parse(item.payload).targetClusterId;
}

function moveItems(cr: Pick<ChangeRequest, "items">): ChangeItem[] {
  return cr.items.filter((i) => i.action === "move");
}

/**
 * A move item for a connector of the source cluster (its ownership already checked by the caller):
 * the target must exist, be another cluster, and hold no live connector of that name.
 */
export async function resolveMoveItem(db: DbOrTx, connector: Connector, targetClusterId: string, baseVersion: number): Promise<ChangeItemInput> {
  const target = await getCluster(db, targetClusterId);
  if (!target) throw badRequest("No such target cluster.");
  if (target.id === connector.clusterId) throw badRequest(`${connector.name} is already on cluster ${target.name}; pick another cluster to move it to.`);
  const clash = await dbClash(db, target, connector);
  if (clash) throw conflict(clash);
  return { action: "move", connectorId: connector.id, connectorName: connector.name, baseVersion, payload: { targetClusterId: target.id } satisfies z.infer<typeof movePayloadSchema> };
}

async function dbClash(db: DbOrTx, target: Cluster, connector: Pick<Connector, "id" | "name">): Promise<string | null> {
  const holder = await findConnectorByName(db, target.id, connector.name);
  if (!holder || holder.id === connector.id) return null;
  const team = await getTeam(db, holder.teamId);
  return `A connector named ${connector.name} already exists on cluster ${target.name}, owned by team ${team?.name ?? "unknown"}; it cannot be moved there.`;
}

/** Names the change's moves would take on their target clusters that a stored connector holds, in words. */
export async function moveNameClashes(db: DbOrTx, cr: Pick<ChangeRequest, "items">): Promise<string[]> {
  const out: string[] = [];
  for (const item of moveItems(cr)) {
    const target = await getCluster(db, moveTargetId(item));
    if (!target) {
      out.push(`The target cluster of ${item.connectorName} no longer exists.`);
      continue;
    }
    const clash = await dbClash(db, target, { id: item.connectorId ?? "", name: item.connectorName });
    if (clash) out.push(clash);
  }
  return out;
}

/** Approvals a change needs: its cluster's policy, or the stricter policy of a cluster a move goes to. */
export async function requiredApprovals(db: DbOrTx, cr: Pick<ChangeRequest, "items" | "cluster">): Promise<number> {
  let required = cr.cluster.approvalsRequired;
  for (const item of moveItems(cr)) required = Math.max(required, (await getCluster(db, moveTargetId(item)))?.approvalsRequired ?? 0);
  return required;
}

/** A move as the review page and the preview show it. */
export type MoveView = { connectorName: string; from: { id: string; name: string }; to: { id: string; name: string } };

/** The cluster a move item goes to, by id and name. */
export async function moveTargetView(db: DbOrTx, item: Pick<ChangeItem, "payload">): Promise<{ id: string; name: string }> {
  const id = moveTargetId(item);
  return { id, name: (await getCluster(db, id))?.name ?? "a deleted cluster" };
}

/** The moves of a change request with both clusters' names. */
export async function moveViews(db: DbOrTx, cr: Pick<ChangeRequest, "items" | "cluster">): Promise<MoveView[]> {
  const out: MoveView[] = [];
  for (const item of moveItems(cr)) out.push({ connectorName: item.connectorName, from: { id: cr.cluster.id, name: cr.cluster.name }, to: await moveTargetView(db, item) });
  return out;
}

/**
 * The live check of each move's target cluster: a name held there by another connector is a
 * conflict, in words naming the holder. A target that does not answer is reported as such.
 */
export async function moveLiveConflicts(db: DbOrTx, cr: Pick<ChangeRequest, "items">, connectFor: ConnectFactory): Promise<{ conflicts: string[]; unreachable: string[] }> {
  const conflicts: string[] = [];
  const unreachable: string[] = [];
  for (const item of moveItems(cr)) {
    const target = await getCluster(db, moveTargetId(item));
    if (!target) continue;
    try {
      await usingClient(connectFor, target, async (connect) => {
        const c = targetConflict(await connect.getConnector(item.connectorName), { id: item.connectorId ?? "", name: item.connectorName });
        if (c) conflicts.push(await describeHolder(db, c, target));
      });
    } catch (err) {
      if (!(err instanceof ConnectError)) throw err;
      unreachable.push(`Cluster ${target.name} could not be read: ${err.message}`);
    }
  }
  return { conflicts, unreachable };
}

async function describeHolder(db: DbOrTx, c: PlanConflict, target: Cluster): Promise<string> {
  const held = c.heldBy?.id ? await getConnector(db, c.heldBy.id) : null;
  const team = held ? await getTeam(db, held.teamId) : null;
  const holder = team
    ? `connector ${held?.name ?? c.connector} of team ${team.name}`
    : c.heldBy?.manager
      ? `a connector managed by ${c.heldBy.manager}`
      : c.heldBy?.id
        ? `a connector stamped with id ${c.heldBy.id} that Switchboard does not know`
        : "a connector Switchboard does not manage";
  return `The name ${c.connector} is taken on cluster ${target.name} by ${holder}; it cannot be moved there.`;
}

async function usingClient<T>(connectFor: ConnectFactory, cluster: Cluster, fn: (c: ConnectPort) => Promise<T>): Promise<T> {
  const client = connectFor(cluster);
  try {
    return await fn(client);
  } finally {
    await client.close?.().catch(() => undefined);
  }
}

/** One move of a deploy as reported: the engine's report with both clusters named. */
export type MoveOutcome = MoveReport & { from: { id: string; name: string }; to: { id: string; name: string } };

/**
 * Runs a deploy's moves one after the other against the source cluster's client and a client for
 * each target. Never throws for Connect errors: each outcome says what happened on both clusters.
 */
export async function runMoves(db: DbOrTx, input: DeployInput, source: ConnectPort, connectFor: ConnectFactory, opts: MoveOptions & { skip?: string }): Promise<MoveOutcome[]> {
  const sourceCluster = await getCluster(db, input.clusterId);
  const from = { id: input.clusterId, name: sourceCluster?.name ?? input.clusterId };
  const out: MoveOutcome[] = [];
  for (const t of input.targets) {
    if (t.action !== "move" || !t.move) continue;
    const targetCluster = await getCluster(db, t.move.targetClusterId);
    const to = { id: t.move.targetClusterId, name: targetCluster?.name ?? t.move.targetClusterId };
    const base: MoveReport = { id: t.id, name: t.name, ok: false, interrupted: false, offsets: null, source: { steps: [], final: "UNKNOWN" }, target: { steps: [], final: "UNKNOWN" } };
    if (opts.skip || opts.signal?.aborted || !targetCluster) {
      out.push({ ...base, from, to, error: `not run: ${opts.skip ?? (targetCluster ? "interrupted" : "the target cluster no longer exists")}` });
      continue;
    }
    let target: ReturnType<ConnectFactory>;
    try {
      target = connectFor(targetCluster);
    } catch (err) {
      out.push({ ...base, from, to, error: `no client for cluster ${to.name}: ${err instanceof Error ? err.message : String(err)}; nothing was changed` });
      continue;
    }
    try {
      out.push({ ...(await moveConnector(moveSpec(t), source, target, opts)), from, to });
    } finally {
      await target.close?.().catch(() => undefined);
    }
  }
  return out;
}

function moveSpec(t: ChangeTarget) {
  const definition = t.definition ?? { config: {}, secrets: {} };
  return { id: t.id, name: t.name, version: t.version, config: { ...definition.config, ...definition.secrets }, state: t.state, targetManager: t.move?.manager ?? "" };
}

export type { MoveEvent };
