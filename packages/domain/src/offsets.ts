/**
 * Offsets as a change (KIP-875): the input schema of "reset offsets" and "set offsets" items (the
 * partition/offset objects Connect expects, bounded in size and depth, no prototype keys), their
 * stored payload, what a deploy does with them, the preview's old (live) and new offsets, and the
 * connector page's committed offsets.
 */
import { z } from "zod";
import type { DbOrTx } from "@switchboard/db/client";
import type { ChangeAction, DesiredState } from "@switchboard/db/enums";
import type { ChangeItem } from "@switchboard/db/repos/change-requests";
import { getConnector, getConnectorSecrets, type Connector } from "@switchboard/db/repos/connectors";
import { connectorOffsetsSchema, partitionKey, type OffsetChange, type OffsetOutcome } from "@switchboard/engine/offsets";
import { ConnectError, type ConnectorOffset, type ConnectPort } from "@switchboard/engine/port";
import { redactDeep, redactText } from "@switchboard/engine/secrets";
import { precondition } from "./errors";

/** The bounded schema of the partitions Connect expects lives in the engine, which the CLI shares. */
export { connectorOffsetsSchema, OFFSET_LIMITS, partitionKey } from "@switchboard/engine/offsets";

const connectorId = z.string().min(1).max(100);

/** The change item inputs of this module, for the change request's item union. */
export const offsetItemSchemas = [
  z.object({ action: z.literal("reset_offsets"), connectorId }),
  z.object({ action: z.literal("set_offsets"), connectorId, offsets: connectorOffsetsSchema }),
] as const;

export type OffsetItemRequest = z.infer<(typeof offsetItemSchemas)[number]>;

/** What a stored offsets item carries: the partitions to set (none for a reset) and, for a rollback, the deployment whose snapshot it restores. */
const payloadSchema = z.object({
  offsets: z.array(z.object({ partition: z.record(z.string(), z.unknown()), offset: z.record(z.string(), z.unknown()).nullable() })).default([]),
  /** Reset first, so exactly `offsets` remain: a rollback restoring a snapshot. */
  replace: z.boolean().optional(),
  rollbackOf: z.object({ deploymentId: z.string() }).optional(),
});
export type OffsetPayload = z.infer<typeof payloadSchema>;

export function isOffsetAction(action: ChangeAction): action is "reset_offsets" | "set_offsets" {
  return action === "reset_offsets" || action === "set_offsets";
}

/** The payload stored for an offsets item request. */
export function offsetItemPayload(request: OffsetItemRequest): OffsetPayload {
  return { offsets: request.action === "set_offsets" ? request.offsets : [] };
}

/** The stored payload of an offsets item (checked again: the database is not trusted with shapes). */
export function storedOffsetPayload(item: Pick<ChangeItem, "payload" | "connectorName">): OffsetPayload {
  const parsed = payloadSchema.safeParse(item.payload ?? {});
  if (!parsed.success) throw precondition(`The offsets of ${item.connectorName} in this change request are unreadable; edit the item again.`);
  return parsed.data;
}

/** The engine's offset change for a stored item: the connector is brought back to its stored desired state. */
export function offsetChangeOf(item: ChangeItem & { action: "reset_offsets" | "set_offsets" }, connector: Pick<Connector, "name">, state: DesiredState): OffsetChange {
  const payload = storedOffsetPayload(item);
  if (item.action === "reset_offsets") return { name: connector.name, kind: "reset", offsets: [], state };
  return { name: connector.name, kind: "set", offsets: payload.offsets, ...(payload.replace ? { replace: true } : {}), state };
}


/** Snapshots an earlier attempt of a deployment recorded (its `offsets-snapshot` events), by connector name. */
export function snapshotsFromEvents(events: readonly unknown[]): Map<string, ConnectorOffset[]> {
  const out = new Map<string, ConnectorOffset[]>();
  for (const e of events) {
    const s = snapshotEvent.safeParse(e);
    if (s.success && !out.has(s.data.name)) out.set(s.data.name, s.data.offsets);
  }
  return out;
}

const snapshotEvent = z.object({
  type: z.literal("offsets-snapshot"),
  name: z.string(),
  offsets: z.array(z.object({ partition: z.record(z.string(), z.unknown()), offset: z.record(z.string(), z.unknown()).nullable() })),
});

/** What the deployment report keeps of each offsets change (the snapshot is what a rollback restores). */
export type OffsetReport = Pick<OffsetOutcome, "name" | "kind" | "ok" | "snapshot" | "requested" | "after" | "restored" | "error" | "durationMs">;

// ---- reads for the web ----

export type LiveOffsets = { ok: true; onCluster: true; offsets: ConnectorOffset[] } | { ok: true; onCluster: false } | { ok: false; error: string };

/**
 * A connector's committed offsets read from its cluster now (GET `/offsets`), sorted by partition.
 * An unreachable cluster is an answer, not an error. The connector's secrets are redacted, in case
 * a source's partition quotes its config.
 */
export async function liveOffsets(db: DbOrTx, connector: Connector, connect: ConnectPort): Promise<LiveOffsets> {
  try {
    const offsets = await connect.getOffsets(connector.name);
    const secrets = Object.values(await getConnectorSecrets(db, connector.id));
    return { ok: true, onCluster: true, offsets: redactDeep(sortOffsets(offsets), secrets) };
  } catch (err) {
    if (err instanceof ConnectError && err.code === "NOT_FOUND") return { ok: true, onCluster: false };
    if (err instanceof ConnectError) return { ok: false, error: redactText(err.message) };
    throw err;
  }
}

export function sortOffsets(offsets: readonly ConnectorOffset[]): ConnectorOffset[] {
  return [...offsets].sort((a, b) => {
    const [x, y] = [partitionKey(a.partition), partitionKey(b.partition)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

export type OffsetPreview = {
  connector: string;
  action: "reset_offsets" | "set_offsets";
  /** Live committed offsets now; null when they could not be read (`error` says why). */
  before: ConnectorOffset[] | null;
  /** The offsets after the change: for a reset none; for a set the live ones with the given partitions replaced. */
  after: ConnectorOffset[];
  /** The partitions the change sets (empty for a reset). */
  requested: ConnectorOffset[];
  error?: string;
};

/** The preview's old (live) and new offsets for each offsets item of a change request. */
export async function previewOffsets(db: DbOrTx, items: readonly ChangeItem[], connect: ConnectPort): Promise<OffsetPreview[]> {
  const out: OffsetPreview[] = [];
  for (const item of items) {
    if (!isOffsetAction(item.action)) continue;
    const found = item.connectorId ? await getConnector(db, item.connectorId) : null;
    const connector = found && !found.deletedAt ? found : null;
    const payload = storedOffsetPayload(item);
    const requested = item.action === "set_offsets" ? payload.offsets : [];
    const base = { connector: item.connectorName, action: item.action, requested };
    if (!connector) {
      out.push({ ...base, before: null, after: requested, error: "The connector no longer exists." });
      continue;
    }
    const live = await liveOffsets(db, connector, connect);
    if (!live.ok || !live.onCluster) {
      out.push({ ...base, before: null, after: requested, error: live.ok ? "Not on the cluster yet: deploy it before changing its offsets." : live.error });
      continue;
    }
    const after = item.action === "reset_offsets" ? [] : payload.replace ? mergeOffsets([], requested) : mergeOffsets(live.offsets, requested);
    out.push({ ...base, before: live.offsets, after });
  }
  return out;
}

/** The preview of an ended change request: what its deployment's report kept (the snapshot as "before"). */
export function recordedOffsets(reports: readonly OffsetReport[] | undefined): OffsetPreview[] {
  return (reports ?? []).map((r) => ({
    connector: r.name,
    action: r.kind === "reset" ? "reset_offsets" : "set_offsets",
    before: r.snapshot,
    after: r.after ?? [],
    requested: r.requested,
    ...(r.error === undefined ? {} : { error: r.error }),
  }));
}

/** The live offsets with the given partitions replaced (a null offset removes one). */
export function mergeOffsets(live: readonly ConnectorOffset[], requested: readonly ConnectorOffset[]): ConnectorOffset[] {
  const merged = new Map(live.map((o) => [partitionKey(o.partition), o]));
  for (const o of requested) {
    if (o.offset === null) merged.delete(partitionKey(o.partition));
    else merged.set(partitionKey(o.partition), o);
  }
  return sortOffsets([...merged.values()]);
}
