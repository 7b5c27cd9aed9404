/**
 * Topic change items (create_topic, delete_topic): their input schema with Kafka's naming rules and
 * bounds, who may ask for them, and what they carry. A topic item has no connector: `connectorName`
 * carries the topic's name (so lists and records show it like any item), `teamId` the team asking,
 * and `payload` the topic ({@link TopicItemPayload}).
 *
 * The rule: a team may create topics; it may delete a topic only when no live connector of another
 * team on the cluster uses it (by its stored config, read conservatively), and never an internal
 * topic (a name starting with "_"). The plan checks again against the live cluster (any connector
 * left there using the topic is a conflict), so a connector added meanwhile, or one Switchboard does
 * not manage, also blocks the deletion. A deletion is always an explicit item, shown in the plan as
 * the destructive step it is; nothing else ever deletes a topic.
 */
import { z } from "zod";
import type { DbOrTx } from "@switchboard/db/client";
import type { ChangeItem, ChangeItemInput } from "@switchboard/db/repos/change-requests";
import { getCluster, type Cluster } from "@switchboard/db/repos/clusters";
import { listClusterConnectors } from "@switchboard/db/repos/connectors";
import { getTeam } from "@switchboard/db/repos/teams";
import type { TopicSpec } from "@switchboard/engine/model";
import type { TopicPort } from "@switchboard/engine/port";
import { configUsesTopic } from "@switchboard/engine/topic-usage";
import { badRequest, forbidden, precondition } from "./errors";
import { mayActForTeam, type SessionUser } from "./policy";

export const TOPIC_LIMITS = { nameLength: 249, partitions: 10_000, replicationFactor: 32, configKeys: 100, configValueLength: 1_000 } as const;

/** Kafka's rule for topic names (letters, digits, ".", "_", "-"; at most 249; never "." or ".."). */
export const topicNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a topic name.")
  .max(TOPIC_LIMITS.nameLength, `A topic name has at most ${TOPIC_LIMITS.nameLength} characters.`)
  .regex(/^[A-Za-z0-9._-]+$/, 'A topic name uses only letters, digits, ".", "_" and "-".')
  .refine((name) => name !== "." && name !== "..", 'A topic cannot be named "." or "..".');

/** Topic-level configs (`cleanup.policy`, `retention.ms`, …): Kafka's key shape, bounded. */
const topicConfigSchema = z
  .record(
    z.string().regex(/^[a-z0-9.]+$/, "Topic config keys are lower-case words joined by dots, e.g. cleanup.policy.").max(100),
    z.union([z.string(), z.number()]).transform(String).pipe(z.string().max(TOPIC_LIMITS.configValueLength, `Topic config values have at most ${TOPIC_LIMITS.configValueLength} characters.`)),
  )
  .refine((c) => Object.keys(c).length <= TOPIC_LIMITS.configKeys, `At most ${TOPIC_LIMITS.configKeys} topic configs.`);

const teamIdSchema = z.string().min(1).max(100);

/** The two topic actions, joined into the change item union (see change-items.ts). */
export const topicItemSchemas = [
  z.object({
    action: z.literal("create_topic"),
    teamId: teamIdSchema,
    name: topicNameSchema.refine((n) => !n.startsWith("__"), 'Names starting with "__" are reserved for Kafka\'s internal topics.'),
    partitions: z.number().int("Partitions is a whole number.").min(1, "At least one partition.").max(TOPIC_LIMITS.partitions, `At most ${TOPIC_LIMITS.partitions.toLocaleString("en")} partitions.`),
    replicationFactor: z
      .number()
      .int("The replication factor is a whole number.")
      .min(1, "A replication factor of at least 1.")
      .max(TOPIC_LIMITS.replicationFactor, `A replication factor of at most ${TOPIC_LIMITS.replicationFactor}.`),
    config: topicConfigSchema.optional(),
  }),
  z.object({ action: z.literal("delete_topic"), teamId: teamIdSchema, name: topicNameSchema }),
] as const;

type TopicItemRequest = z.infer<(typeof topicItemSchemas)[number]>;

/** What a topic item stores in its payload. */
export type TopicItemPayload = { name: string; partitions?: number; replicationFactor?: number; config?: Record<string, string> };

const payloadSchema = z.object({
  name: z.string(),
  partitions: z.number().int().optional(),
  replicationFactor: z.number().int().optional(),
  config: z.record(z.string(), z.string()).optional(),
});

/** The topic of a stored topic item, or null for any other item (or a payload that is not one). */
export function topicOfItem(item: Pick<ChangeItem, "action" | "payload">): TopicItemPayload | null {
  if (item.action !== "create_topic" && item.action !== "delete_topic") return null;
  const parsed = payloadSchema.safeParse(item.payload);
  return parsed.success ? parsed.data : null;
}

/** The topic a create_topic item creates, as the engine takes it. */
export function topicSpecOfItem(item: Pick<ChangeItem, "action" | "payload">): TopicSpec | null {
  const t = topicOfItem(item);
  if (item.action !== "create_topic" || !t || t.partitions === undefined || t.replicationFactor === undefined) return null;
  return { name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, ...(t.config && Object.keys(t.config).length > 0 ? { config: t.config } : {}) };
}

/** Why topics cannot be changed on the cluster (no bootstrap servers), or null. */
export function topicsUnavailable(cluster: { name: string; bootstrapServers: string | null }): string | null {
  return (cluster.bootstrapServers ?? "").trim() === ""
    ? `Cluster ${cluster.name} has no Kafka bootstrap servers, so Switchboard cannot change its topics; an admin can add them in the cluster's settings.`
    : null;
}

/**
 * Live connectors of other teams on the cluster that use the topic (by their stored config), as
 * "name (team X)": a team never deletes a topic another team's connector reads or writes.
 */
export async function otherTeamsUsingTopic(db: DbOrTx, clusterId: string, teamId: string, topic: string): Promise<string[]> {
  const users = (await listClusterConnectors(db, clusterId)).filter((c) => c.teamId !== teamId && configUsesTopic(c.config, topic));
  const out: string[] = [];
  for (const c of users) out.push(`${c.name} (team ${(await getTeam(db, c.teamId))?.name ?? "unknown"})`);
  return out;
}

/** Checks a topic item (the team, the cluster's Kafka, the deletion rule) and turns it into a stored item. */
export async function resolveTopicItem(db: DbOrTx, user: SessionUser, clusterId: string, request: TopicItemRequest): Promise<ChangeItemInput> {
  const team = await getTeam(db, request.teamId);
  if (!team) throw badRequest("No such team.");
  if (!mayActForTeam(user, team.id)) throw forbidden(`You cannot act for team ${team.name}.`);
  const cluster = await getCluster(db, clusterId);
  if (!cluster) throw badRequest("No such cluster.");
  const unavailable = topicsUnavailable(cluster);
  if (unavailable) throw precondition(unavailable);
  if (request.action === "create_topic") {
    const payload: TopicItemPayload = { name: request.name, partitions: request.partitions, replicationFactor: request.replicationFactor, ...(request.config ? { config: request.config } : {}) };
    return { action: "create_topic", connectorId: null, connectorName: request.name, teamId: team.id, payload };
  }
  if (request.name.startsWith("_")) throw forbidden(`Topic ${request.name} is internal (its name starts with "_", like Kafka's and Connect's own topics); Switchboard does not delete it.`);
  const users = await otherTeamsUsingTopic(db, clusterId, team.id, request.name);
  if (users.length > 0) throw forbidden(`Topic ${request.name} is used by ${users.join(", ")}; only a topic no other team's connector uses can be deleted.`);
  return { action: "delete_topic", connectorId: null, connectorName: request.name, teamId: team.id, payload: { name: request.name } satisfies TopicItemPayload };
}

/** A topic admin for a cluster (cluster-access's `topicsForCluster`, or a test's fake); undefined without bootstrap servers. */
export type TopicFactory = (cluster: Cluster) => (TopicPort & { close?: () => Promise<void> }) | undefined;

/** A topic item against the live topics: whether its topic exists, and what the deploy does about it. */
export type TopicItemState = { name: string; action: "create_topic" | "delete_topic"; exists: boolean; note: string };

/** What the preview found of the change's topics: each item's topic, or why Kafka was not read. */
export type TopicPreview = { checked: true; items: TopicItemState[] } | { checked: false; reason: string };

/** How long the preview waits for Kafka's topic list before planning without it. */
export const TOPIC_READ_TIMEOUT_MS = 10_000;

/** Each topic item against the live topics: an existing topic is left alone by a creation, a missing one has nothing to delete. */
export function topicItemStates(items: ReadonlyArray<Pick<ChangeItem, "action" | "payload">>, live: readonly string[]): TopicItemState[] {
  const present = new Set(live);
  const out: TopicItemState[] = [];
  for (const item of items) {
    const topic = topicOfItem(item);
    if (!topic || (item.action !== "create_topic" && item.action !== "delete_topic")) continue;
    const exists = present.has(topic.name);
    const note =
      item.action === "create_topic" ? (exists ? "exists: left alone" : "absent: will be created") : exists ? "exists: will be deleted" : "absent: nothing to delete";
    out.push({ name: topic.name, action: item.action, exists, note });
  }
  return out;
}

/** A read-only topic port over a list already read: the plan lists it again without asking Kafka twice. */
function listedTopics(names: readonly string[]): TopicPort {
  const refuse = () => Promise.reject(new Error("the preview never changes topics"));
  return { listTopics: async () => [...names], createTopics: refuse, deleteTopics: refuse };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Reads the cluster's topics for a preview of a change with topic items. Kafka that cannot be read
 * is an answer (`checked: false` with the reason), never a failed preview; the plan then lists every
 * topic change unchecked, as the deploy checks existence again. `port` is set when the topics were read.
 */
export async function previewTopics(
  cluster: Cluster,
  items: ReadonlyArray<Pick<ChangeItem, "action" | "payload">>,
  topicsFor: TopicFactory,
  timeoutMs = TOPIC_READ_TIMEOUT_MS,
): Promise<{ preview: TopicPreview; port?: TopicPort }> {
  let admin: ReturnType<TopicFactory>;
  try {
    admin = topicsFor(cluster);
  } catch (err) {
    return { preview: { checked: false, reason: err instanceof Error ? err.message : String(err) } };
  }
  if (!admin) return { preview: { checked: false, reason: topicsUnavailable(cluster) ?? "no Kafka connection for the cluster" } };
  try {
    const live = await withTimeout(admin.listTopics(), timeoutMs);
    return { preview: { checked: true, items: topicItemStates(items, live) }, port: listedTopics(live) };
  } catch (err) {
    return { preview: { checked: false, reason: err instanceof Error ? err.message : String(err) } };
  } finally {
    // Not awaited: closing a client still trying to connect must not hold up the preview.
    void admin.close?.().catch(() => undefined);
  }
}
