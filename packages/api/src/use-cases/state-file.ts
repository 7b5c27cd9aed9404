/**
 * State files through change requests: an import becomes a draft change request (create for new
 * names, update for changed ones, never an implicit delete); an export is the canonical state file
 * with secrets masked.
 */
import { TRPCError } from "@trpc/server";
import type { DbOrTx } from "@switchboard/db/client";
import { createChangeRequest, type ChangeItemInput } from "@switchboard/db/repos/change-requests";
import { getCluster } from "@switchboard/db/repos/clusters";
import { getConnector, getConnectorSecrets, listClusterConnectors, type Connector } from "@switchboard/db/repos/connectors";
import { getTeam, listTeams } from "@switchboard/db/repos/teams";
import { parseStateFile, toStateFile } from "@switchboard/engine/load";
import { MASK } from "@switchboard/engine/secrets";
import type { ConnectorSpec, Problem } from "@switchboard/engine/model";
import type { SessionUser } from "../trpc";
import { diffDefinitions, mayActForTeam, splitSecrets } from "./change-items";

export const STATE_FILE_NAME = "state.json";

export type ImportProblem = { message: string; line: number | null; column: number | null; path: string | null; hint: string | null; connector: string | null };

export type ImportPlanEntry = { action: "create" | "update" | "unchanged"; name: string; team: string; changedKeys: string[] };

export type ImportResult =
  | { ok: false; problems: ImportProblem[] }
  | { ok: true; changeRequestId: string | null; entries: ImportPlanEntry[] };

function toImportProblem(p: Problem): ImportProblem {
  return { message: p.message, line: p.location?.line ?? null, column: p.location?.column ?? null, path: p.path ?? null, hint: p.hint ?? null, connector: p.connector ?? null };
}

const problem = (message: string, connector: string | null = null): ImportProblem => ({ message, line: null, column: null, path: null, hint: null, connector });

export type ImportInput = { clusterId: string; text: string; title: string; teamId: string; dryRun?: boolean };

/**
 * Parses a state file (canonical or seed-001 shape) and, unless `dryRun`, creates a draft change
 * request: `create` for names not on the cluster, `update` for changed ones, nothing for unchanged
 * ones; connectors missing from the file are left alone. Owner teams come from `owner.team` when it
 * names a team, else `teamId`. A secret given as "(sensitive)" (as exports write them) keeps the
 * stored value. Any problem (with line:col when it has a place) means nothing is created.
 */
export async function importStateFile(db: DbOrTx, user: SessionUser, input: ImportInput): Promise<ImportResult> {
  const cluster = await getCluster(db, input.clusterId);
  if (!cluster) throw new TRPCError({ code: "NOT_FOUND", message: "No such cluster." });
  const defaultTeam = await getTeam(db, input.teamId);
  if (!defaultTeam) throw new TRPCError({ code: "BAD_REQUEST", message: "Pick the team that owns new connectors." });

  const parsed = parseStateFile(input.text, STATE_FILE_NAME);
  if (!parsed.ok) return { ok: false, problems: parsed.problems.map(toImportProblem) };

  const teams = await listTeams(db);
  const teamsByName = new Map(teams.map((t) => [t.name, t]));
  const existing = await listClusterConnectors(db, cluster.id);
  const problems: ImportProblem[] = [];
  const items: ChangeItemInput[] = [];
  const entries: ImportPlanEntry[] = [];

  for (const spec of parsed.desired.connectors) {
    const current = (await byId(db, spec.id, cluster.id)) ?? existing.find((c) => c.name === spec.name) ?? null;
    const team = current ? teams.find((t) => t.id === current.teamId) : (spec.owner?.team && teamsByName.get(spec.owner.team)) || defaultTeam;
    if (!team) continue;
    if (!mayActForTeam(user, team.id)) {
      problems.push(problem(`you are not a member of team ${team.name}, which ${current ? "owns" : "would own"} connector ${spec.name}`, spec.name));
      continue;
    }
    if (current && spec.name !== current.name && existing.some((c) => c.name === spec.name && c.id !== current.id)) {
      problems.push(problem(`connector ${current.name} cannot be renamed to ${spec.name}: that name is taken on this cluster`, spec.name));
      continue;
    }
    const currentSecrets = current ? await getConnectorSecrets(db, current.id) : {};
    const { config, secrets } = splitSecrets(spec.config, current?.secretKeys ?? []);
    const masked = Object.keys(secrets).filter((k) => secrets[k] === MASK);
    const missing = masked.filter((k) => currentSecrets[k] === undefined);
    if (missing.length > 0) {
      problems.push(problem(`secret ${missing.map((k) => `"${k}"`).join(", ")} of connector ${spec.name} is masked and has no stored value; put the real value (or a config provider reference) in the file`, spec.name));
      continue;
    }
    const resolved = Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, v === MASK ? (currentSecrets[k] as string) : v]));

    if (!current) {
      items.push({ action: "create", connectorName: spec.name, teamId: team.id, proposedConfig: config, proposedSecrets: resolved, proposedState: spec.state });
      entries.push({ action: "create", name: spec.name, team: team.name, changedKeys: Object.keys(spec.config).sort() });
      continue;
    }
    const changedKeys = diffDefinitions({ config: current.config, secrets: currentSecrets }, { config, secrets: resolved })
      .filter((d) => d.status !== "unchanged")
      .map((d) => d.key);
    const renamed = spec.name !== current.name;
    const stateChanged = spec.state !== current.desiredState;
    if (changedKeys.length === 0 && !renamed && !stateChanged) {
      entries.push({ action: "unchanged", name: spec.name, team: team.name, changedKeys: [] });
      continue;
    }
    items.push({ action: "update", connectorId: current.id, connectorName: spec.name, proposedConfig: config, proposedSecrets: resolved, proposedState: spec.state, baseVersion: current.version });
    entries.push({ action: "update", name: spec.name, team: team.name, changedKeys: [...changedKeys, ...(renamed ? ["(name)"] : []), ...(stateChanged ? ["(state)"] : [])] });
  }

  if (problems.length > 0) return { ok: false, problems };
  if (input.dryRun) return { ok: true, changeRequestId: null, entries };
  if (items.length === 0) return { ok: false, problems: [problem("nothing to import: every connector in the file matches its stored definition")] };
  const cr = await createChangeRequest(db, user.id, {
    clusterId: cluster.id,
    title: input.title,
    rationale: `Imported from a state file (${entries.filter((e) => e.action === "create").length} to create, ${entries.filter((e) => e.action === "update").length} to update).`,
    items,
  });
  return { ok: true, changeRequestId: cr.id, entries };
}

async function byId(db: DbOrTx, id: string, clusterId: string): Promise<Connector | null> {
  const c = await getConnector(db, id);
  return c && !c.deletedAt && c.clusterId === clusterId ? c : null;
}

/** The cluster's stored connectors as a canonical state file; secret values are written as "(sensitive)". */
export async function exportStateFile(db: DbOrTx, clusterId: string): Promise<{ fileName: string; text: string; count: number }> {
  const cluster = await getCluster(db, clusterId);
  if (!cluster) throw new TRPCError({ code: "NOT_FOUND", message: "No such cluster." });
  const teams = new Map((await listTeams(db)).map((t) => [t.id, t.name]));
  const connectors = await listClusterConnectors(db, cluster.id);
  const specs: ConnectorSpec[] = connectors.map((c) => ({
    id: c.id,
    name: c.name,
    version: c.version,
    state: c.desiredState,
    owner: { team: teams.get(c.teamId) ?? c.teamId },
    config: { ...c.config, ...Object.fromEntries(c.secretKeys.map((k) => [k, MASK])) },
  }));
  return { fileName: `${cluster.name}-state.json`, text: toStateFile(specs), count: specs.length };
}
