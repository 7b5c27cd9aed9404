/**
 * State files through change requests: an import becomes a draft change request (create for new
 * names, update for changed ones, never an implicit delete); an export is the canonical state file
 * with secrets masked.
 */
import { inTransaction, type DbOrTx } from "@switchboard/db/client";
import { isDeepStrictEqual } from "node:util";
import type { ChangeRequestStatus } from "@switchboard/db/enums";
import { DbError } from "@switchboard/db/errors";
import { createChangeRequest, editChangeRequest, getChangeRequest, listChangeRequests, transitionChangeRequest, type ChangeItemInput } from "@switchboard/db/repos/change-requests";
import { getCluster } from "@switchboard/db/repos/clusters";
import { getConnector, listClusterConnectors, type Connector } from "@switchboard/db/repos/connectors";
import { getTeam, listTeams } from "@switchboard/db/repos/teams";
import { formatPath, parseStateFile, toStateFile } from "@switchboard/engine/load";
import type { ConnectorSpec, Problem } from "@switchboard/engine/model";
import type { ConnectPort } from "@switchboard/engine/port";
import { storedItemInput } from "./change-requests";
import { configSchema, diffDefinitions, LIMITS, nameClash, passwordKeysFromCluster, resolveDefinition, storedDefinition, type Definition } from "./change-items";
import { displayConfig } from "./display";
import { DomainError, precondition } from "./errors";
import { addOwnerContacts, missingOwnerContacts, ownersOf, ownersPayloadOf, type OwnerContact } from "./owner-contacts";
import { mayActForTeam, type SessionUser } from "./policy";

export const STATE_FILE_NAME = "state.json";

/** The problem an import answers when the file changes nothing (a sync answers it as "unchanged"). */
export const NOTHING_TO_IMPORT = "nothing to import: every connector in the file matches its stored definition";

export type ImportProblem = { message: string; line: number | null; column: number | null; path: string | null; hint: string | null; connector: string | null };

/** `contacts`: owner emails (ownerEmail) that become the connector's contacts: now for an existing connector, at deploy for a new one. */
export type ImportPlanEntry = { action: "create" | "update" | "unchanged"; name: string; team: string; changedKeys: string[]; contacts: string[] };

export type ImportResult =
  | { ok: false; problems: ImportProblem[] }
  | { ok: true; changeRequestId: string | null; entries: ImportPlanEntry[] };

function toImportProblem(p: Problem): ImportProblem {
  return { message: p.message, line: p.location?.line ?? null, column: p.location?.column ?? null, path: p.path ?? null, hint: p.hint ?? null, connector: p.connector ?? null };
}

const problem = (message: string, connector: string | null = null, path: string | null = null): ImportProblem => ({ message, line: null, column: null, path, hint: null, connector });

/**
 * A problem of the file's connector at `index`, placed where the file wrote it: the line of its
 * config key when there is one, else of its entry; the path names the entry (and key).
 */
function connectorProblem(message: string, spec: ConnectorSpec, index: number, key?: string): ImportProblem {
  const at = (key !== undefined ? spec.source?.configKeys?.[key] : undefined) ?? spec.source?.location;
  const path = formatPath(key === undefined ? ["connectors", index] : ["connectors", index, spec.namespace === undefined ? "config" : "connectorConfig", key]);
  return { message, line: at?.line ?? null, column: at?.column ?? null, path, hint: null, connector: spec.name };
}

/** A user's key inside a message, cut short (keys may be long). */
const shortKey = (key: string) => (key.length > 80 ? `${key.slice(0, 80)}…` : key);

/** `source`: where the file comes from (e.g. "pr-42:state.json"); an open change request of the same author, cluster and source is updated instead of opening another. */
export type ImportInput = { clusterId: string; text: string; title: string; teamId: string; dryRun?: boolean; source?: string };

const sourceLine = (source: string) => `Source: ${source}`;

type SourceChange = { id: string; status: ChangeRequestStatus; revision: number };

/** The caller's change request on the cluster from this source that is not deploying yet (draft, in review or approved), if any. */
async function openFromSource(db: DbOrTx, authorId: string, clusterId: string, source: string): Promise<SourceChange | null> {
  const { items } = await listChangeRequests(db, { status: ["draft", "in_review", "approved"], clusterId, authorId, pageSize: 200 });
  const cr = items.find((c) => c.rationale.split("\n").includes(sourceLine(source)));
  return cr ? { id: cr.id, status: cr.status, revision: cr.revision } : null;
}

/** An item as stored (JSON round trip, defaults filled in), so a new item compares equal to the stored one it repeats. */
function comparableItem(item: ChangeItemInput): unknown {
  const { action, connectorName } = item;
  const filled = {
    action,
    connectorId: item.connectorId ?? null,
    connectorName,
    teamId: item.teamId ?? null,
    proposedConfig: item.proposedConfig ?? null,
    proposedSecrets: item.proposedSecrets ?? {},
    proposedState: item.proposedState ?? null,
    onlyFailed: item.onlyFailed ?? false,
    baseVersion: item.baseVersion ?? null,
    payload: item.payload ?? null,
  };
  return JSON.parse(JSON.stringify(filled)) as unknown;
}

/** True when the change request holds exactly these items (secrets compared decrypted, in order). */
async function holdsItems(db: DbOrTx, id: string, items: ChangeItemInput[]): Promise<boolean> {
  const cr = await getChangeRequest(db, id);
  if (!cr || cr.items.length !== items.length) return false;
  for (const [i, stored] of cr.items.entries()) {
    if (!isDeepStrictEqual(comparableItem(await storedItemInput(db, stored)), comparableItem(items[i]!))) return false;
  }
  return true;
}

/**
 * Updates the caller's change request from the same source with the file's items. The same items
 * again change nothing (no new revision, approvals kept): that is how `apply --server` finds the
 * approved change of an unchanged file. Other items make a new revision, which dismisses standing
 * approvals; an approved change request goes back to review first, with a note saying why, so an
 * approval never covers content it did not see.
 */
async function updateFromSource(tx: DbOrTx, userId: string, open: SourceChange, source: string, edit: { title: string; rationale: string; items: ChangeItemInput[] }): Promise<string> {
  if (await holdsItems(tx, open.id, edit.items)) return open.id;
  const changedMeanwhile = precondition(`the change request from ${source} changed meanwhile (a deploy may have started); propose again`);
  if (open.status === "approved") {
    const note = `the file from ${source} differs from approved revision ${open.revision}; re-proposed for review`;
    if (!(await transitionChangeRequest(tx, userId, open.id, ["approved"], "in_review", note))) throw changedMeanwhile;
  }
  try {
    return (await editChangeRequest(tx, userId, open.id, edit)).id;
  } catch (err) {
    if (err instanceof DbError && err.code === "INVALID_STATE") throw changedMeanwhile;
    throw err;
  }
}

/**
 * Parses a state file (canonical or seed-001 shape) and, unless `dryRun`, creates a draft change
 * request (or, with `source`, updates the caller's one from that source, see updateFromSource): `create` for names
 * not on the cluster, `update` for changed ones, nothing for unchanged ones; connectors missing from
 * the file are left alone. Owner teams come from `owner.team` when it
 * names a team, else `teamId`. Which keys are secret is decided as for any change (the cluster's
 * PASSWORD types, key patterns, stored secrets, credentials in values); a secret given as
 * "(sensitive)" (as exports write them) keeps the stored value. Owners (seed 001's ownerName and
 * ownerEmail) become the connector's email contacts, only for connectors of teams the user may act
 * for (see owner-contacts.ts). Any problem (with line:col when it has a place) means nothing is
 * created: the change request and the contacts are written in one transaction.
 */
export async function importStateFile(db: DbOrTx, user: SessionUser, input: ImportInput, connect: ConnectPort): Promise<ImportResult> {
  const passwordKeys = passwordKeysFromCluster(connect);
  const cluster = await getCluster(db, input.clusterId);
  if (!cluster) throw new DomainError("NOT_FOUND", "No such cluster.");
  const defaultTeam = await getTeam(db, input.teamId);
  if (!defaultTeam) throw new DomainError("BAD_REQUEST", "Pick the team that owns new connectors.");

  const parsed = parseStateFile(input.text, STATE_FILE_NAME);
  if (!parsed.ok) return { ok: false, problems: parsed.problems.map(toImportProblem) };

  const teams = await listTeams(db);
  const teamsByName = new Map(teams.map((t) => [t.name, t]));
  const existing = await listClusterConnectors(db, cluster.id);
  const problems: ImportProblem[] = [];
  const items: ChangeItemInput[] = [];
  const entries: ImportPlanEntry[] = [];
  const ownerAdds: Array<{ connectorId: string; owners: OwnerContact[] }> = [];

  for (const [index, spec] of parsed.desired.connectors.entries()) {
    const current = (await byId(db, spec.id, cluster.id)) ?? existing.find((c) => c.name === spec.name) ?? null;
    const team = current ? teams.find((t) => t.id === current.teamId) : (spec.owner?.team && teamsByName.get(spec.owner.team)) || defaultTeam;
    if (!team) continue;
    // A whole-cluster file (a Git mirror's, an export) names other teams' connectors: left as they
    // are, they are no change; changed or new, they are refused.
    const mayAct = mayActForTeam(user, team.id);
    const refuse = () => problems.push(connectorProblem(`you are not a member of team ${team.name}, which ${current ? "owns" : "would own"} connector ${spec.name}`, spec, index));
    if (!mayAct && !current) {
      refuse();
      continue;
    }
    const clash = spec.name !== current?.name ? await nameClash(db, cluster.id, spec.name, current?.id) : null;
    if (clash) {
      problems.push(connectorProblem(current ? `connector ${current.name} cannot be renamed to ${spec.name}: ${clash}` : clash, spec, index));
      continue;
    }
    // The same bounds as a change written in the app (key count, key and value lengths).
    const bounded = configSchema.safeParse(spec.config);
    if (!bounded.success) {
      problems.push(
        ...bounded.error.issues.map((i) => {
          const key = i.path.length > 0 ? String(i.path[0]) : undefined;
          // A bad key is reported as "Invalid key in record" with the reason nested under it.
          const message = i.code === "invalid_key" ? (i.issues[0]?.message ?? i.message) : i.message;
          return connectorProblem(`connector ${spec.name}: ${shortKey(["config", ...i.path.map(String)].join("."))}: ${message}`, spec, index, key);
        }),
      );
      continue;
    }
    const stored = current ? await storedDefinition(db, current) : null;
    let definition: Definition;
    try {
      definition = await resolveDefinition(spec.name, spec.config, stored, passwordKeys);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== "BAD_REQUEST") throw err;
      problems.push(connectorProblem(`connector ${spec.name}: ${err.message}`, spec, index));
      continue;
    }
    const { config, secrets } = definition;
    const owners = ownersOf(spec);

    if (!current) {
      const payload = ownersPayloadOf(owners);
      items.push({ action: "create", connectorName: spec.name, teamId: team.id, proposedConfig: config, proposedSecrets: secrets, proposedState: spec.state, ...(payload ? { payload } : {}) });
      entries.push({ action: "create", name: spec.name, team: team.name, changedKeys: Object.keys(spec.config).sort(), contacts: owners.map((o) => o.email) });
      continue;
    }
    const newOwners = await missingOwnerContacts(db, current.id, owners);
    if (newOwners.length > 0) ownerAdds.push({ connectorId: current.id, owners: newOwners });
    const contacts = newOwners.map((o) => o.email);
    const changedKeys = diffDefinitions(stored, definition)
      .filter((d) => d.status !== "unchanged")
      .map((d) => d.key);
    const renamed = spec.name !== current.name;
    const stateChanged = spec.state !== current.desiredState;
    const unchanged = changedKeys.length === 0 && !renamed && !stateChanged;
    if (!mayAct && (!unchanged || newOwners.length > 0)) {
      refuse();
      continue;
    }
    if (unchanged) {
      entries.push({ action: "unchanged", name: spec.name, team: team.name, changedKeys: [], contacts });
      continue;
    }
    items.push({ action: "update", connectorId: current.id, connectorName: spec.name, proposedConfig: config, proposedSecrets: secrets, proposedState: spec.state, baseVersion: current.version });
    entries.push({ action: "update", name: spec.name, team: team.name, changedKeys: [...changedKeys, ...(renamed ? ["(name)"] : []), ...(stateChanged ? ["(state)"] : [])], contacts });
  }

  if (items.length > LIMITS.itemsPerChange) problems.push(problem(`the file changes ${items.length} connectors; one change request holds at most ${LIMITS.itemsPerChange}: split the file`, null, "connectors"));
  if (problems.length > 0) return { ok: false, problems };
  if (input.dryRun) return { ok: true, changeRequestId: null, entries };
  if (items.length === 0 && ownerAdds.length === 0) return { ok: false, problems: [problem(NOTHING_TO_IMPORT)] };
  const changeRequestId = await inTransaction(db, async (tx) => {
    for (const add of ownerAdds) await addOwnerContacts(tx, user.id, add.connectorId, add.owners);
    if (items.length === 0) return null;
    const counts = `${entries.filter((e) => e.action === "create").length} to create, ${entries.filter((e) => e.action === "update").length} to update`;
    const rationale = `Imported from a state file (${counts}).${input.source ? `\n${sourceLine(input.source)}` : ""}`;
    const open = input.source ? await openFromSource(tx, user.id, cluster.id, input.source) : null;
    if (open && input.source) return updateFromSource(tx, user.id, open, input.source, { title: input.title, rationale, items });
    return (await createChangeRequest(tx, user.id, { clusterId: cluster.id, title: input.title, rationale, items })).id;
  });
  return { ok: true, changeRequestId, entries };
}

async function byId(db: DbOrTx, id: string, clusterId: string): Promise<Connector | null> {
  const c = await getConnector(db, id);
  return c && !c.deletedAt && c.clusterId === clusterId ? c : null;
}

/**
 * The cluster's stored connectors as a canonical state file, as any viewer may see them: secret
 * values written as "(sensitive)", credentials inside values redacted. Importing it keeps them.
 */
export async function exportStateFile(db: DbOrTx, clusterId: string): Promise<{ fileName: string; text: string; count: number }> {
  const cluster = await getCluster(db, clusterId);
  if (!cluster) throw new DomainError("NOT_FOUND", "No such cluster.");
  const teams = new Map((await listTeams(db)).map((t) => [t.id, t.name]));
  const connectors = await listClusterConnectors(db, cluster.id);
  const specs: ConnectorSpec[] = connectors.map((c) => ({
    id: c.id,
    name: c.name,
    version: c.version,
    state: c.desiredState,
    owner: { team: teams.get(c.teamId) ?? c.teamId },
    config: displayConfig(c.config, c.secretKeys),
  }));
  return { fileName: `${cluster.name}-state.json`, text: toStateFile(specs), count: specs.length };
}
