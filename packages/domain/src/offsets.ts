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
import type { OffsetChange, OffsetOutcome } from "@switchboard/engine/offsets";
import { ConnectError, type ConnectorOffset, type ConnectPort } from "@switchboard/engine/port";
import { redactDeep, redactText } from "@switchboard/engine/secrets";
import { precondition } from "./errors";

export const OFFSET_LIMITS = {
  /** Partitions in one "set offsets" item (a rollback's snapshot included). */
  partitions: 10_000,
  /** Nesting of a partition or offset object: `{a: {b: [..]}}` is depth 3. */
  depth: 4,
  keysPerObject: 50,
  itemsPerArray: 100,
  keyLength: 256,
  stringLength: 1_024,
} as const;

/** Keys that would reach an object's prototype when copied by careless code: refused outright. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** The first problem of a JSON value against the limits, with its path; null when it is fine. */
function jsonProblem(value: unknown, path: string, depth: number): string | null {
  if (value === null || typeof value === "boolean") return null;
  if (typeof value === "string") return value.length > OFFSET_LIMITS.stringLength ? `${path}: strings have at most ${OFFSET_LIMITS.stringLength} characters.` : null;
  if (typeof value === "number") return Number.isFinite(value) ? null : `${path}: numbers must be finite.`;
  if (typeof value !== "object") return `${path}: only JSON values (objects, arrays, strings, numbers, booleans, null).`;
  if (depth >= OFFSET_LIMITS.depth) return `${path}: nested deeper than ${OFFSET_LIMITS.depth} levels.`;
  if (Array.isArray(value)) {
    if (value.length > OFFSET_LIMITS.itemsPerArray) return `${path}: arrays have at most ${OFFSET_LIMITS.itemsPerArray} items.`;
    for (const [i, v] of value.entries()) {
      const p = jsonProblem(v, `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return `${path}: only plain JSON objects.`;
  const keys = Reflect.ownKeys(value);
  if (keys.length > OFFSET_LIMITS.keysPerObject) return `${path}: objects have at most ${OFFSET_LIMITS.keysPerObject} keys.`;
  for (const key of keys) {
    if (typeof key !== "string") return `${path}: only string keys.`;
    if (FORBIDDEN_KEYS.has(key)) return `${path}: the key "${key}" is not allowed.`;
    if (key.length > OFFSET_LIMITS.keyLength) return `${path}: keys have at most ${OFFSET_LIMITS.keyLength} characters.`;
    const p = jsonProblem((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    if (p) return p;
  }
  return null;
}

/** A copy built with own data properties only (a key is never assigned through a setter). */
function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJson);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyJson(v)]));
  return value;
}

/** A bounded JSON object (a partition or an offset), checked before anything reads it. */
function jsonObject(value: unknown, ctx: z.RefinementCtx, what: string, example: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    ctx.addIssue({ code: "custom", message: `The ${what} must be an object, e.g. ${example}.` });
    return z.NEVER;
  }
  const problem = jsonProblem(value, what, 1);
  if (problem) {
    ctx.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  }
  return copyJson(value) as Record<string, unknown>;
}

export const connectorOffsetSchema = z.strictObject({
  partition: z
    .unknown()
    .transform((v, ctx) => jsonObject(v, ctx, "partition", '{"kafka_topic": "orders", "kafka_partition": 0}'))
    .refine((p) => Object.keys(p).length > 0, "A partition cannot be empty."),
  /** null removes the partition's offset (checked in one transform, not a union, so the message stays clear). */
  offset: z.unknown().transform((v, ctx) => (v === null ? null : jsonObject(v, ctx, "offset", '{"kafka_offset": 42}'))),
});

/** The partitions of a "set offsets" item, as Connect's PATCH `/offsets` takes them; no partition twice. */
export const connectorOffsetsSchema = z
  .array(connectorOffsetSchema)
  .min(1, "Give at least one partition and its offset.")
  .max(OFFSET_LIMITS.partitions, `At most ${OFFSET_LIMITS.partitions.toLocaleString("en")} partitions in one change.`)
  .superRefine((offsets, ctx) => {
    const seen = new Set<string>();
    offsets.forEach((o, i) => {
      const key = partitionKey(o.partition);
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i, "partition"], message: `Partition ${key} appears twice.` });
      seen.add(key);
    });
  });

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

/** One partition's identity: its map with keys sorted. */
export function partitionKey(partition: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(partition).sort().map((k) => [k, partition[k]])));
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
