/**
 * Change items: the input schema, turning input into stored items (checks, ownership, secrets split
 * from config, "(sensitive)" meaning "keep the current secret"), and key-level diffs whose secret
 * rows say only changed/unchanged.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { DbOrTx } from "@switchboard/db/client";
import { DESIRED_STATES } from "@switchboard/db/enums";
import { getChangeItemSecrets, type ChangeItem, type ChangeItemInput } from "@switchboard/db/repos/change-requests";
import { findConnectorByName, getConnector, getConnectorSecrets, type Connector } from "@switchboard/db/repos/connectors";
import { getTeam } from "@switchboard/db/repos/teams";
import { RESERVED_PREFIX } from "@switchboard/engine/managed";
import { isConfigProviderReference, isSecretKey, MASK } from "@switchboard/engine/secrets";
import { hasRoleAtLeast, type SessionUser } from "../trpc";

/** Connect cannot address other characters reliably in REST paths. */
export const connectorNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name.")
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, 'Use only letters, digits, ".", "_" and "-".');

/** A connector config: string values (numbers and booleans are turned into strings), no reserved keys. */
export const configSchema = z
  .record(z.string().trim().min(1), z.union([z.string(), z.number(), z.boolean()]).transform(String))
  .superRefine((config, ctx) => {
    for (const key of Object.keys(config)) {
      if (key.startsWith(RESERVED_PREFIX)) ctx.addIssue({ code: "custom", path: [key], message: `"${key}" is reserved: Switchboard sets "${RESERVED_PREFIX}*" keys itself.` });
    }
  });

const connectorClassRequired = (config: Record<string, string>) => (config["connector.class"] ?? "").trim() !== "";
const classIssue = { message: 'The config needs "connector.class".', path: ["config", "connector.class"] };
/** Keys the client knows to be secrets (the cluster validator's PASSWORD keys), on top of the key patterns. */
const secretKeysHint = z.array(z.string()).max(500).default([]);

export const changeItemInputSchema = z.discriminatedUnion("action", [
  z
    .object({
      action: z.literal("create"),
      name: connectorNameSchema,
      teamId: z.string().min(1),
      config: configSchema,
      desiredState: z.enum(DESIRED_STATES).default("RUNNING"),
      secretKeys: secretKeysHint,
    })
    .refine((i) => connectorClassRequired(i.config), classIssue),
  z
    .object({
      action: z.literal("update"),
      connectorId: z.string().min(1),
      /** A new name renames the connector (a delete + create on the cluster). */
      name: connectorNameSchema.optional(),
      config: configSchema,
      desiredState: z.enum(DESIRED_STATES).optional(),
      secretKeys: secretKeysHint,
    })
    .refine((i) => connectorClassRequired(i.config), classIssue),
  z.object({ action: z.enum(["delete", "pause", "resume", "stop"]), connectorId: z.string().min(1) }),
  z.object({ action: z.literal("restart"), connectorId: z.string().min(1), onlyFailed: z.boolean().default(false) }),
]);

export type ChangeItemRequest = z.infer<typeof changeItemInputSchema>;

/** Owners act for their teams only; approvers and admins for every team. */
export function mayActForTeam(user: SessionUser, teamId: string): boolean {
  return hasRoleAtLeast(user, "approver") || user.teamIds.includes(teamId);
}

/** Splits a config into plain keys and secrets (by key pattern or `extraSecretKeys`); provider references stay plain. */
export function splitSecrets(config: Record<string, string>, extraSecretKeys: Iterable<string>): { config: Record<string, string>; secrets: Record<string, string> } {
  const extras = [...extraSecretKeys];
  const plain: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (isSecretKey(key, extras) && !isConfigProviderReference(value)) secrets[key] = value;
    else plain[key] = value;
  }
  return { config: plain, secrets };
}

const bad = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });

/**
 * Checks the requested items and turns them into stored items: connectors exist on the cluster and
 * are not deleted, no connector twice, no name clash, the caller may act for each team, and secrets
 * are split from the config. A secret given as "(sensitive)" keeps the value of the same item before
 * this edit (`previous`), else the connector's current one. Items keep the base version they were
 * first written against, so an edit never hides staleness.
 */
export async function resolveItems(
  db: DbOrTx,
  user: SessionUser,
  clusterId: string,
  requests: readonly ChangeItemRequest[],
  previous: readonly ChangeItem[] = [],
): Promise<ChangeItemInput[]> {
  if (requests.length === 0) throw bad("Add at least one change.");
  const seenConnectors = new Set<string>();
  const seenNames = new Set<string>();
  const claimName = (name: string) => {
    if (seenNames.has(name)) throw bad(`Connector ${name} appears twice in this change request; combine the changes into one item.`);
    seenNames.add(name);
  };
  const out: ChangeItemInput[] = [];

  for (const request of requests) {
    if (request.action === "create") {
      const team = await getTeam(db, request.teamId);
      if (!team) throw bad("No such team.");
      if (!mayActForTeam(user, team.id)) throw forbiddenTeam(team.name);
      claimName(request.name);
      if (await findConnectorByName(db, clusterId, request.name)) throw conflict(`A connector named ${request.name} already exists on this cluster.`);
      const prev = previous.find((p) => p.action === "create" && p.connectorName === request.name);
      const prevSecrets = prev ? await getChangeItemSecrets(db, prev.id) : {};
      const { config, secrets } = definition(request.name, request.config, [...request.secretKeys, ...(prev?.proposedSecretKeys ?? [])], [prevSecrets]);
      out.push({ action: "create", connectorName: request.name, teamId: team.id, proposedConfig: config, proposedSecrets: secrets, proposedState: request.desiredState });
      continue;
    }

    const connector = await getConnector(db, request.connectorId);
    if (!connector || connector.deletedAt || connector.clusterId !== clusterId) throw bad("No such connector on this cluster.");
    if (!mayActForTeam(user, connector.teamId)) throw forbiddenTeam((await getTeam(db, connector.teamId))?.name ?? "another team");
    if (seenConnectors.has(connector.id)) throw bad(`Connector ${connector.name} appears twice in this change request; combine the changes into one item.`);
    seenConnectors.add(connector.id);
    const prev = previous.find((p) => p.connectorId === connector.id);
    const baseVersion = prev?.baseVersion ?? connector.version;

    if (request.action === "update") {
      const name = request.name ?? connector.name;
      claimName(name);
      if (name !== connector.name) {
        claimName(connector.name);
        if (await findConnectorByName(db, clusterId, name)) throw conflict(`A connector named ${name} already exists on this cluster.`);
      }
      const sources = [prev?.action === "update" ? await getChangeItemSecrets(db, prev.id) : {}, await getConnectorSecrets(db, connector.id)];
      const extra = [...request.secretKeys, ...connector.secretKeys, ...(prev?.proposedSecretKeys ?? [])];
      const { config, secrets } = definition(name, request.config, extra, sources);
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
    out.push({
      action: request.action,
      connectorId: connector.id,
      connectorName: connector.name,
      onlyFailed: request.action === "restart" ? request.onlyFailed : false,
      baseVersion,
    });
  }
  return out;
}

/** Config and secrets of a proposed definition; `name` may only repeat the connector's name. */
function definition(
  name: string,
  input: Record<string, string>,
  extraSecretKeys: string[],
  secretSources: Record<string, string>[],
): Definition {
  const { name: configName, ...rest } = input;
  if (configName !== undefined && configName !== name) throw bad(`The config's "name" is "${configName}" but the connector is named "${name}"; remove "name" from the config.`);
  const { config, secrets } = splitSecrets(rest, extraSecretKeys);
  const resolved: Record<string, string> = {};
  for (const [key, value] of Object.entries(secrets)) {
    if (value !== MASK) {
      resolved[key] = value;
      continue;
    }
    const kept = secretSources.map((s) => s[key]).find((v) => v !== undefined);
    if (kept === undefined) throw bad(`Secret "${key}" has no stored value to keep; enter its value.`);
    resolved[key] = kept;
  }
  return { config, secrets: resolved };
}

function forbiddenTeam(team: string): TRPCError {
  return new TRPCError({ code: "FORBIDDEN", message: `You are not a member of team ${team}, which owns this connector.` });
}

function conflict(message: string): TRPCError {
  return new TRPCError({ code: "CONFLICT", message });
}

export type DiffRow = {
  key: string;
  status: "added" | "removed" | "changed" | "unchanged";
  /** Null when absent, or for secrets (never shown). */
  before: string | null;
  after: string | null;
  sensitive: boolean;
};

export type Definition = { config: Record<string, string>; secrets: Record<string, string> };

/**
 * Key-level diff of two definitions (null = the connector does not exist on that side), sorted by
 * key. Secret values are compared here and never carried: their rows say only what changed.
 */
export function diffDefinitions(before: Definition | null, after: Definition | null): DiffRow[] {
  const keys = new Set([...keysOf(before), ...keysOf(after)]);
  return [...keys]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key): DiffRow => {
      const b = valueOf(before, key);
      const a = valueOf(after, key);
      const status = b === undefined ? "added" : a === undefined ? "removed" : a === b ? "unchanged" : "changed";
      const sensitive = isSecretIn(before, key) || isSecretIn(after, key);
      return { key, status, before: sensitive ? null : (b ?? null), after: sensitive ? null : (a ?? null), sensitive };
    });
}

const keysOf = (d: Definition | null) => (d ? [...Object.keys(d.config), ...Object.keys(d.secrets)] : []);
const valueOf = (d: Definition | null, key: string) => d?.secrets[key] ?? d?.config[key];
const isSecretIn = (d: Definition | null, key: string) => d !== null && key in d.secrets;

/** A connector's config for display: secret keys as "(sensitive)". */
export function maskedConfig(config: Record<string, string>, secretKeys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = { ...config };
  for (const key of secretKeys) out[key] = MASK;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The stored definition of a connector, secrets decrypted (server-side only). */
export async function storedDefinition(db: DbOrTx, connector: Connector): Promise<Definition> {
  return { config: connector.config, secrets: await getConnectorSecrets(db, connector.id) };
}
