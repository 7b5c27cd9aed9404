/**
 * Change items: the input schema with its limits, turning what a form or file sent into stored items
 * (ownership, name clashes, secrets decided by the server and split from the config, "(sensitive)"
 * meaning "keep the stored secret"), and key-level diffs whose secret rows never carry a value.
 */
import { z } from "zod";
import type { DbOrTx } from "@switchboard/db/client";
import { DESIRED_STATES } from "@switchboard/db/enums";
import { getChangeItemSecrets, type ChangeItem, type ChangeItemInput } from "@switchboard/db/repos/change-requests";
import { findConnectorByName, getConnector, getConnectorSecrets, type Connector } from "@switchboard/db/repos/connectors";
import { getTeam } from "@switchboard/db/repos/teams";
import { RESERVED_PREFIX } from "@switchboard/engine/managed";
import { ConnectError, type ConnectPort } from "@switchboard/engine/port";
import { MASK, redactCredentials, restoreCredentials, splitSecrets } from "@switchboard/engine/secrets";
import { badRequest, conflict, forbidden, precondition } from "./errors";
import { offsetItemPayload, offsetItemSchemas } from "./offsets";
import { moveItemInputSchema, resolveMoveItem } from "./move";
import { mayActForTeam, type SessionUser } from "./policy";
import { resolveTopicItem, topicItemSchemas } from "./topic-items";

/** Input limits, each with a clear error when exceeded. */
export const LIMITS = {
  nameLength: 249,
  configKeys: 500,
  keyLength: 256,
  valueLength: 65_536,
  itemsPerChange: 200,
} as const;

/**
 * Connect names: letters, digits, ".", "_" and "-" (other characters cannot be addressed reliably in
 * REST paths), and never "." or "..", which a path would resolve away.
 */
export const connectorNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name.")
  .max(LIMITS.nameLength, `At most ${LIMITS.nameLength} characters.`)
  .regex(/^[A-Za-z0-9._-]+$/, 'Use only letters, digits, ".", "_" and "-".')
  .refine((name) => name !== "." && name !== "..", 'A connector cannot be named "." or "..".');

/** A connector config: string values (numbers and booleans are turned into strings), no reserved keys, bounded. */
export const configSchema = z
  .record(
    z.string().trim().min(1, "A config key cannot be empty.").max(LIMITS.keyLength, `Config keys have at most ${LIMITS.keyLength} characters.`),
    z
      .union([z.string(), z.number(), z.boolean()])
      .transform(String)
      .pipe(z.string().max(LIMITS.valueLength, `Config values have at most ${LIMITS.valueLength.toLocaleString("en")} characters.`)),
  )
  .superRefine((config, ctx) => {
    const keys = Object.keys(config);
    if (keys.length > LIMITS.configKeys) ctx.addIssue({ code: "custom", message: `A config has at most ${LIMITS.configKeys} keys (this one has ${keys.length}).` });
    for (const key of keys) {
      if (key.startsWith(RESERVED_PREFIX)) ctx.addIssue({ code: "custom", path: [key], message: `"${key}" is reserved: Switchboard sets "${RESERVED_PREFIX}*" keys itself.` });
    }
  });

const connectorClassRequired = (config: Record<string, string>) => (config["connector.class"] ?? "").trim() !== "";
const classIssue = { message: 'The config needs "connector.class".', path: ["config", "connector.class"] };

/**
 * One requested change. Which keys are secret is not part of it: the server decides that (see
 * {@link resolveItems}); anything else a client adds is dropped.
 */
export const changeItemInputSchema = z.discriminatedUnion("action", [
  z
    .object({
      action: z.literal("create"),
      name: connectorNameSchema,
      teamId: z.string().min(1).max(100),
      config: configSchema,
      desiredState: z.enum(DESIRED_STATES).default("RUNNING"),
    })
    .refine((i) => connectorClassRequired(i.config), classIssue),
  z
    .object({
      action: z.literal("update"),
      connectorId: z.string().min(1).max(100),
      /** A new name renames the connector (a delete + create on the cluster). */
      name: connectorNameSchema.optional(),
      config: configSchema,
      desiredState: z.enum(DESIRED_STATES).optional(),
    })
    .refine((i) => connectorClassRequired(i.config), classIssue),
  z.object({ action: z.enum(["delete", "pause", "resume", "stop"]), connectorId: z.string().min(1).max(100) }),
  z
    .object({
      action: z.literal("restart"),
      connectorId: z.string().min(1).max(100),
      onlyFailed: z.boolean().default(false),
      /** Restart only this task (`POST /connectors/{c}/tasks/{t}/restart`), not the connector. */
      taskId: z.number().int("A task id is a whole number.").min(0, "Task ids start at 0.").max(10_000).optional(),
    })
    .refine((i) => !(i.onlyFailed && i.taskId !== undefined), { message: "Restart either the failed tasks or one task, not both.", path: ["taskId"] }),
  ...offsetItemSchemas,
  ...topicItemSchemas,
  moveItemInputSchema,
]);

export type ChangeItemRequest = z.infer<typeof changeItemInputSchema>;

export const changeItemsSchema = z
  .array(changeItemInputSchema)
  .min(1, "Add at least one change.")
  .max(LIMITS.itemsPerChange, `At most ${LIMITS.itemsPerChange} changes in one request.`);

/** A restart item's payload: the one task to restart. */
export type RestartPayload = { taskId: number };

/** The task a stored restart item restarts, or undefined for the whole connector. */
export function restartTaskId(payload: unknown): number | undefined {
  const parsed = z.object({ taskId: z.number().int().min(0) }).safeParse(payload);
  return parsed.success ? parsed.data.taskId : undefined;
}

/** A definition as stored: the display-safe config and the secret values (see the engine's splitSecrets). */
export type Definition = { config: Record<string, string>; secrets: Record<string, string> };

/** The config as Connect gets it: secrets override their redacted placeholders. */
export function rawConfig(d: Definition): Record<string, string> {
  return { ...d.config, ...d.secrets };
}

/** Keys Connect types as PASSWORD for a config: the server asks the cluster, never the client. */
export type PasswordKeyLookup = (config: Record<string, string>) => Promise<string[]>;

/**
 * Asks the cluster's own validator which keys of a config are PASSWORD-typed (the plugin's config
 * definition, transforms and converters included). A class the cluster does not know has none to
 * report (the validator flags it at preview); a cluster that does not answer stops the write, since
 * a password could otherwise be stored in clear.
 */
export function passwordKeysFromCluster(connect: ConnectPort): PasswordKeyLookup {
  return async (config) => {
    const connectorClass = config["connector.class"];
    if (!connectorClass) return [];
    try {
      const result = await connect.validateConfig(connectorClass, config);
      return result.configs.filter((c) => c.type === "PASSWORD").map((c) => c.name);
    } catch (err) {
      if (!(err instanceof ConnectError)) throw err;
      if (err.code === "TIMEOUT" || err.code === "UNREACHABLE" || err.code === "UNAUTHORIZED") {
        throw precondition(`The cluster could not be asked which keys of ${connectorClass} are passwords (${err.message}); nothing was saved. Try again when it answers.`);
      }
      return [];
    }
  };
}

/**
 * The stored definition for what a form or file sent. Which keys are secret is decided here: keys
 * Connect types as PASSWORD, keys matching the secret patterns, keys already stored as secret, and
 * any value carrying credentials; never a routing key (see the engine's secrets module). A value of
 * "(sensitive)" keeps the stored secret; a value whose credentials are shown redacted gets them back
 * from the stored value. `stored` is the definition being edited (null for a new connector).
 */
export async function resolveDefinition(
  name: string,
  input: Record<string, string>,
  stored: Definition | null,
  passwordKeys: PasswordKeyLookup,
): Promise<Definition> {
  const { name: configName, ...rest } = input;
  if (configName !== undefined && configName !== name) throw badRequest(`The config's "name" is "${configName}" but the connector is named "${name}"; remove "name" from the config.`);
  const storedRaw = stored ? rawConfig(stored) : {};
  const resolved: Record<string, string> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (!value.includes(MASK)) {
      resolved[key] = value;
      continue;
    }
    const previous = storedRaw[key];
    const kept = previous === undefined ? null : value === MASK ? (stored?.secrets[key] ?? null) : restoreCredentials(value, previous);
    if (kept === null) throw badRequest(`"${key}" has no stored secret to keep; enter its full value.`);
    resolved[key] = kept;
  }
  // Keys stored as whole secrets stay secret; a stored redacted value (credentials in a URL) is not a whole secret.
  const storedSecretKeys = stored ? Object.keys(stored.secrets).filter((k) => !(k in stored.config)) : [];
  return splitSecrets(resolved, [...(await passwordKeys(resolved)), ...storedSecretKeys]);
}

/**
 * Checks the requested items and turns them into stored items: connectors exist on the cluster and
 * are not deleted, no connector twice, no name clash (naming the owner), the caller may act for each
 * team, and secrets are decided by the server and split from the config. A secret given as
 * "(sensitive)" keeps the value of the same item before this edit (`previous`), else the connector's
 * current one. Items keep the base version they were first written against, so an edit never hides
 * staleness.
 */
export async function resolveItems(
  db: DbOrTx,
  user: SessionUser,
  clusterId: string,
  requests: readonly ChangeItemRequest[],
  passwordKeys: PasswordKeyLookup,
  previous: readonly ChangeItem[] = [],
): Promise<ChangeItemInput[]> {
  if (requests.length === 0) throw badRequest("Add at least one change.");
  if (requests.length > LIMITS.itemsPerChange) throw badRequest(`At most ${LIMITS.itemsPerChange} changes in one request.`);
  const seenConnectors = new Set<string>();
  const seenNames = new Set<string>();
  const claimName = (name: string) => {
    if (seenNames.has(name)) throw badRequest(`Connector ${name} appears twice in this change request; combine the changes into one item.`);
    seenNames.add(name);
  };
  const out: ChangeItemInput[] = [];
  const seenTopics = new Set<string>();

  for (const request of requests) {
    if (request.action === "create_topic" || request.action === "delete_topic") {
      if (seenTopics.has(request.name)) throw badRequest(`Topic ${request.name} appears twice in this change request; keep one item for it.`);
      seenTopics.add(request.name);
      out.push(await resolveTopicItem(db, user, clusterId, request));
      continue;
    }
    if (request.action === "create") {
      const team = await getTeam(db, request.teamId);
      if (!team) throw badRequest("No such team.");
      if (!mayActForTeam(user, team.id)) throw forbiddenTeam(team.name);
      claimName(request.name);
      await assertNameFree(db, clusterId, request.name);
      const prev = previous.find((p) => p.action === "create" && p.connectorName === request.name);
      const stored = prev ? { config: prev.proposedConfig ?? {}, secrets: await getChangeItemSecrets(db, prev.id) } : null;
      const { config, secrets } = await resolveDefinition(request.name, request.config, stored, passwordKeys);
      out.push({ action: "create", connectorName: request.name, teamId: team.id, proposedConfig: config, proposedSecrets: secrets, proposedState: request.desiredState });
      continue;
    }

    const connector = await getConnector(db, request.connectorId);
    if (!connector || connector.deletedAt || connector.clusterId !== clusterId) throw badRequest("No such connector on this cluster.");
    if (!mayActForTeam(user, connector.teamId)) throw forbiddenTeam((await getTeam(db, connector.teamId))?.name ?? "another team");
    if (seenConnectors.has(connector.id)) throw badRequest(`Connector ${connector.name} appears twice in this change request; combine the changes into one item.`);
    seenConnectors.add(connector.id);
    const prev = previous.find((p) => p.connectorId === connector.id);
    const baseVersion = prev?.baseVersion ?? connector.version;

    if (request.action === "update") {
      const name = request.name ?? connector.name;
      claimName(name);
      if (name !== connector.name) {
        claimName(connector.name);
        await assertNameFree(db, clusterId, name);
      }
      const current = await storedDefinition(db, connector);
      const stored =
        prev?.action === "update"
          ? { config: { ...current.config, ...prev.proposedConfig }, secrets: { ...current.secrets, ...(await getChangeItemSecrets(db, prev.id)) } }
          : current;
      const { config, secrets } = await resolveDefinition(name, request.config, stored, passwordKeys);
      out.push({
        action: "update",
        connectorId: connector.id,
        connectorName: name,
        proposedConfig: config,
        proposedSecrets: secrets,
        proposedState: request.desiredState ?? connector.desiredState,
        baseVersion,
      });
      continue;
    }

    claimName(connector.name);
    if (request.action === "move") {
      out.push(await resolveMoveItem(db, connector, request.targetClusterId, baseVersion));
      continue;
    }
    out.push({
      action: request.action,
      connectorId: connector.id,
      connectorName: connector.name,
      onlyFailed: request.action === "restart" ? request.onlyFailed : false,
      baseVersion,
      ...(request.action === "reset_offsets" || request.action === "set_offsets" ? { payload: offsetItemPayload(request) } : {}),
      ...(request.action === "restart" && request.taskId !== undefined ? { payload: { taskId: request.taskId } satisfies RestartPayload } : {}),
    });
  }
  return out;
}

/** Refuses a name a live connector of the cluster holds, naming its team. */
export async function assertNameFree(db: DbOrTx, clusterId: string, name: string): Promise<void> {
  const clash = await nameClash(db, clusterId, name);
  if (clash) throw conflict(clash);
}

/** Why a name cannot be created on the cluster (a live connector holds it, naming its team), or null. */
export async function nameClash(db: DbOrTx, clusterId: string, name: string, exceptConnectorId?: string): Promise<string | null> {
  const holder = await findConnectorByName(db, clusterId, name);
  if (!holder || holder.id === exceptConnectorId) return null;
  const team = await getTeam(db, holder.teamId);
  return `A connector named ${name} already exists on this cluster, owned by team ${team?.name ?? "unknown"}.`;
}

function forbiddenTeam(team: string) {
  return forbidden(`You cannot act for team ${team}, which owns this connector.`);
}

export type DiffRow = {
  key: string;
  status: "added" | "removed" | "changed" | "unchanged";
  /**
   * What is shown: null when absent or for a secret (never shown); for a value whose credentials
   * are secret, the value with them redacted.
   */
  before: string | null;
  after: string | null;
  /** A secret, or a value carrying a secret: its raw values never leave the server. */
  sensitive: boolean;
};

/**
 * Key-level diff of two definitions (null = the connector does not exist on that side), sorted by
 * key. Raw values are compared here and never carried: a secret row says only what changed; a row
 * whose value carries credentials shows it with them redacted.
 */
export function diffDefinitions(before: Definition | null, after: Definition | null): DiffRow[] {
  const rawBefore = before ? rawConfig(before) : {};
  const rawAfter = after ? rawConfig(after) : {};
  return [...new Set([...Object.keys(rawBefore), ...Object.keys(rawAfter)])]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key): DiffRow => {
      const b = rawBefore[key];
      const a = rawAfter[key];
      const status = b === undefined ? "added" : a === undefined ? "removed" : a === b ? "unchanged" : "changed";
      const wholeSecret = [before, after].some((d) => d !== null && key in d.secrets && !(key in d.config));
      if (wholeSecret) return { key, status, before: null, after: null, sensitive: true };
      // The stored config holds credential-bearing values redacted already; rows stored before that are redacted here.
      const shownBefore = b === undefined ? null : redactCredentials(before?.config[key] ?? b);
      const shownAfter = a === undefined ? null : redactCredentials(after?.config[key] ?? a);
      return { key, status, before: shownBefore, after: shownAfter, sensitive: shownBefore !== (b ?? null) || shownAfter !== (a ?? null) };
    });
}

/** The stored definition of a connector, secrets decrypted (server-side only). */
export async function storedDefinition(db: DbOrTx, connector: Connector): Promise<Definition> {
  return { config: connector.config, secrets: await getConnectorSecrets(db, connector.id) };
}
