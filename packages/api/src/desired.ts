/**
 * The desired state of one change request, and its plan against the live cluster. Shared by the
 * change request page (preview) and the deploy job (worker), so both look at exactly the same plan.
 * Secrets are decrypted here: what these functions return stays on the server.
 */
import type { DbOrTx } from "@switchboard/db/client";
import type { ChangeAction, DesiredState } from "@switchboard/db/enums";
import { DbError } from "@switchboard/db/errors";
import { getChangeItemSecrets, getChangeRequest, type ChangeItem } from "@switchboard/db/repos/change-requests";
import { getConnector, getConnectorSecrets, type Connector } from "@switchboard/db/repos/connectors";
import { readMark } from "@switchboard/engine/managed";
import type { ConnectorSpec, DesiredSet, ObservedConnector, Plan, PlanAction, Problem } from "@switchboard/engine/model";
import { plan as computePlan } from "@switchboard/engine/plan";
import type { ConnectPort } from "@switchboard/engine/port";
import { validateAgainstCluster } from "@switchboard/engine/validate-cluster";

/** What one item does to one connector once deployed; the worker writes these back to the database. */
export type ChangeTarget = {
  itemId: string;
  action: ChangeAction;
  /** The connector's id: the existing one, or {@link newConnectorId} for a create. */
  id: string;
  /** Null for a create (the connector row does not exist yet). */
  connectorId: string | null;
  /** Name after the change. */
  name: string;
  /** Name before the change (differs from `name` on a rename); null for a create. */
  previousName: string | null;
  teamId: string;
  /** Version the connector will have in the database after the deploy (its current version for a restart). */
  version: number;
  state: DesiredState;
};

export type ChangeDesired = {
  clusterId: string;
  /** The touched connectors with their proposed definitions (secrets included); delete items are absent. */
  desired: DesiredSet;
  /** Every connector id the change touches (restrict the observed cluster to these and `names`). */
  ids: string[];
  /** Every connector name the change touches, before and after renames. */
  names: string[];
  restarts: Array<{ name: string; id: string; onlyFailed: boolean }>;
  /** Connector name → keys stored as secrets (mask them in plans). */
  secretKeys: Record<string, string[]>;
  targets: ChangeTarget[];
};

/**
 * The id a created connector gets: the change item's id. It is stamped into the Connect config by
 * the deploy, and the worker creates the database row with it (`createConnector({ id })`).
 */
export function newConnectorId(item: Pick<ChangeItem, "id">): string {
  return item.id;
}

const STATE_OF: Partial<Record<ChangeAction, DesiredState>> = { pause: "PAUSED", resume: "RUNNING", stop: "STOPPED" };

/** The change request's connectors with their proposed definitions (see {@link ChangeDesired}). */
export async function buildChangeDesired(db: DbOrTx, changeRequestId: string): Promise<ChangeDesired> {
  const cr = await getChangeRequest(db, changeRequestId);
  if (!cr) throw new DbError("NOT_FOUND", "No such change request.");
  const specs: ConnectorSpec[] = [];
  const ids = new Set<string>();
  const names = new Set<string>();
  const restarts: ChangeDesired["restarts"] = [];
  const secretKeys: Record<string, string[]> = {};
  const targets: ChangeTarget[] = [];

  for (const item of cr.items) {
    if (item.action === "create") {
      const id = newConnectorId(item);
      const state = item.proposedState ?? "RUNNING";
      const secrets = await getChangeItemSecrets(db, item.id);
      specs.push({ id, name: item.connectorName, version: 1, state, config: { ...item.proposedConfig, ...secrets } });
      secretKeys[item.connectorName] = item.proposedSecretKeys;
      ids.add(id);
      names.add(item.connectorName);
      targets.push({ itemId: item.id, action: item.action, id, connectorId: null, name: item.connectorName, previousName: null, teamId: item.teamId ?? "", version: 1, state });
      continue;
    }
    const connector = await existingConnector(db, item);
    ids.add(connector.id);
    names.add(connector.name);
    const target = { itemId: item.id, action: item.action, id: connector.id, connectorId: connector.id, previousName: connector.name, teamId: connector.teamId };
    if (item.action === "delete") {
      targets.push({ ...target, name: connector.name, version: connector.version, state: connector.desiredState });
      continue;
    }
    if (item.action === "update") {
      const state = item.proposedState ?? connector.desiredState;
      const secrets = await getChangeItemSecrets(db, item.id);
      const version = connector.version + 1;
      specs.push({ id: connector.id, name: item.connectorName, version, state, config: { ...item.proposedConfig, ...secrets } });
      secretKeys[item.connectorName] = item.proposedSecretKeys;
      names.add(item.connectorName);
      targets.push({ ...target, name: item.connectorName, version, state });
      continue;
    }
    // pause / resume / stop / restart: the stored definition, with the new run state.
    const state = STATE_OF[item.action] ?? connector.desiredState;
    const version = item.action === "restart" ? connector.version : connector.version + 1;
    const secrets = await getConnectorSecrets(db, connector.id);
    specs.push({ id: connector.id, name: connector.name, version, state, config: { ...connector.config, ...secrets } });
    secretKeys[connector.name] = connector.secretKeys;
    if (item.action === "restart") restarts.push({ name: connector.name, id: connector.id, onlyFailed: item.onlyFailed });
    targets.push({ ...target, name: connector.name, version, state });
  }

  return { clusterId: cr.clusterId, desired: { connectors: specs }, ids: [...ids], names: [...names], restarts, secretKeys, targets };
}

async function existingConnector(db: DbOrTx, item: ChangeItem): Promise<Connector> {
  const connector = item.connectorId ? await getConnector(db, item.connectorId) : null;
  if (!connector || connector.deletedAt) throw new DbError("INVALID_STATE", `Connector ${item.connectorName} no longer exists; remove it from the change request.`);
  return connector;
}

/**
 * The observed connectors a change may touch: those stamped with one of its ids, and unmanaged ones
 * at one of its names. A connector stamped with another id is never included, so a name clash makes
 * the deploy fail on Connect's 409 rather than delete someone else's connector.
 */
export function restrictObserved(observed: readonly ObservedConnector[], ids: readonly string[], names: readonly string[]): ObservedConnector[] {
  return observed.filter((c) => {
    const mark = readMark(c.config);
    return mark ? ids.includes(mark.id) : names.includes(c.name);
  });
}

/**
 * The plan of one change request against the live cluster, restricted to the connectors it touches,
 * with forced restarts for restart items, the cluster validator's problems, and the secret keys to
 * mask (stored ones plus those the cluster types as PASSWORD). Unmanaged connectors at a name the
 * change deletes or renames away are deleted (prune within the restriction). Throws ConnectError
 * when the cluster cannot be read.
 */
export async function planChange(
  db: DbOrTx,
  changeRequestId: string,
  connect: ConnectPort,
): Promise<{ plan: Plan; secretKeys: Record<string, string[]>; validation: Problem[] }> {
  const built = await buildChangeDesired(db, changeRequestId);
  const observed = restrictObserved(await connect.listConnectors(), built.ids, built.names);
  const validation = await validateAgainstCluster(built.desired, connect);
  const secretKeys = mergeKeys(built.secretKeys, validation.secretKeys);
  const base = computePlan(built.desired, { connectors: observed }, { prune: true, secretKeys });
  return { plan: withRestarts(base, built.restarts), secretKeys, validation: validation.problems };
}

function mergeKeys(a: Record<string, string[]>, b: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) out[name] = [...new Set([...(a[name] ?? []), ...(b[name] ?? [])])].sort();
  return out;
}

/**
 * Adds the restarts asked for by restart items after the other state actions (replacing the
 * planner's own restart or "unchanged" for that connector). A connector the plan creates or
 * deletes is not restarted.
 */
export function withRestarts(p: Plan, restarts: ChangeDesired["restarts"]): Plan {
  const recreated = new Set(p.actions.filter((a) => a.kind === "create" || a.kind === "delete").map((a) => a.name));
  const forced: PlanAction[] = restarts
    .filter((r) => !recreated.has(r.name))
    .map((r) => ({ kind: "restart", name: r.name, id: r.id, onlyFailed: r.onlyFailed, reason: r.onlyFailed ? "restart of failed tasks requested" : "restart requested" }));
  if (forced.length === 0) return p;
  const forcedNames = new Set(forced.map((a) => a.name));
  const kept = p.actions.filter((a) => !(forcedNames.has(a.name) && (a.kind === "restart" || a.kind === "noop")));
  const last = (a: PlanAction) => a.kind === "noop" || a.kind === "skip";
  return { ...p, actions: [...kept.filter((a) => !last(a)), ...forced, ...kept.filter(last)] };
}
