/**
 * The change pipeline: one function builds everything a change request's deploy needs (its deploy
 * input), and the preview, the deploy job and the finish step all work from that same object.
 * Secrets are decrypted here, once per deploy; what this module returns stays on the server.
 */
import type { DbOrTx, Tx } from "@switchboard/db/client";
import type { ChangeAction, DesiredState } from "@switchboard/db/enums";
import { getChangeItemSecrets, getChangeRequest, type ChangeItem } from "@switchboard/db/repos/change-requests";
import { createConnector, deleteConnector, getConnector, getConnectorSecrets, markConnectorDeployed, updateConnector, type Connector } from "@switchboard/db/repos/connectors";
import { getTeam } from "@switchboard/db/repos/teams";
import type { ConnectorSpec, Plan, PlanConflict, Problem, TopicSpec } from "@switchboard/engine/model";
import { planAgainst } from "@switchboard/engine/plan-against";
import type { OffsetChange } from "@switchboard/engine/offsets";
import type { ConnectPort, TopicPort } from "@switchboard/engine/port";
import { secretValuesOf } from "@switchboard/engine/secrets";
import { getCluster } from "@switchboard/db/repos/clusters";
import { topicSpecOfItem, topicsUnavailable } from "./topic-items";
import { parseApplyOptions, type ApplyOptionsValue } from "./apply-options";
import { rawConfig, restartTaskId, type Definition } from "./change-items";
import { driftActionOf } from "./drift-items";
import { moveTargetId } from "./move";
import { notFound, precondition } from "./errors";
import { addOwnerContacts, ownersOfItem, type OwnerContact } from "./owner-contacts";
import { isOffsetAction, offsetChangeOf } from "./offsets";

/** What one item does to one connector once deployed; the finish step writes these to the database. */
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
  /** The connector version the item was written against; null for a create. */
  baseVersion: number | null;
  /** Version the connector has in the database after the deploy (its current version for a restart). */
  version: number;
  state: DesiredState;
  /** The proposed definition (create/update), decrypted once here; a move's stored one. */
  definition: Definition | null;
  /** A create: owners (from a state file) who become the new connector's email contacts. */
  owners?: OwnerContact[];
  /** A move: the cluster it goes to and the manager stamped there. */
  move?: { targetClusterId: string; manager: string };
};

/** Everything a deploy of one change request needs; built once by {@link buildDeployInput}. */
export type DeployInput = {
  changeRequestId: string;
  clusterId: string;
  /** The change request revision this input was built from (what was approved). */
  revision: number;
  /** Stamped into every connector the web app writes on this cluster. */
  manager: string;
  /** The touched connectors with their proposed definitions (secrets included); delete items are absent. */
  desired: { connectors: ConnectorSpec[] };
  /** The connectors the plan may look at: ids the change touches and names before and after renames. */
  scope: { ids: string[]; names: string[] };
  /** `taskId`: a single-task restart. */
  restarts: Array<{ name: string; id: string; onlyFailed: boolean; taskId?: number }>;
  /** How the deploy throttles the apply (see ./apply-options); null: the engine's defaults. */
  applyOptions: ApplyOptionsValue | null;
  /** Offsets to reset or set (KIP-875), run before the plan: each stops its connector and brings it back to its desired state. */
  offsets: OffsetChange[];
  /** Topics the change creates and deletes (its create_topic / delete_topic items), planned explicitly. */
  topics: { create: TopicSpec[]; delete: string[] };
  /** Ids of existing (adopted) connectors whose live copy may still be unstamped or stamped elsewhere. */
  takeOver: string[];
  /** Ids forced back onto their drifted live connector (revert and adopt items, see ./drift). */
  force?: string[];
  /** Connector name → keys stored as secrets (masked in plans). */
  secretKeys: Record<string, string[]>;
  /** Every secret value the change carries: redacted from whatever is stored or shown. */
  secretValues: string[];
  targets: ChangeTarget[];
};

/** The manager stamp of the web app on a cluster (see the engine's PlanOptions.manager). */
export function webManager(clusterId: string): string {
  return `web/${clusterId}`;
}

/**
 * The id a created connector gets: the change item's id. It is stamped into the Connect config by
 * the deploy, and the finish step creates the database row with it.
 */
export function newConnectorId(item: Pick<ChangeItem, "id">): string {
  return item.id;
}

const STATE_OF: Partial<Record<ChangeAction, DesiredState>> = { pause: "PAUSED", resume: "RUNNING", stop: "STOPPED" };

/** Builds the deploy input of a change request from its items and the stored connectors. */
export async function buildDeployInput(db: DbOrTx, changeRequestId: string): Promise<DeployInput> {
  const cr = await getChangeRequest(db, changeRequestId);
  if (!cr) throw notFound("No such change request.");
  const specs: ConnectorSpec[] = [];
  const ids = new Set<string>();
  const names = new Set<string>();
  const restarts: DeployInput["restarts"] = [];
  const topics: DeployInput["topics"] = { create: [], delete: [] };
  const offsets: OffsetChange[] = [];
  const takeOver: string[] = [];
  const force: string[] = [];
  const secretKeys: Record<string, string[]> = {};
  const secretValues: string[] = [];
  const targets: ChangeTarget[] = [];
  const addSpec = (spec: ConnectorSpec, definition: Definition) => {
    specs.push(spec);
    secretKeys[spec.name] = Object.keys(definition.secrets).sort();
    secretValues.push(...Object.values(definition.secrets), ...secretValuesOf(spec.config));
  };

  for (const item of cr.items) {
    // Topic items touch no connector: the plan creates their topics before any connector step, and deletes after.
    if (item.action === "create_topic") {
      const spec = topicSpecOfItem(item);
      if (!spec) throw precondition(`The item creating topic ${item.connectorName} carries no topic; edit the change request.`);
      topics.create.push(spec);
      continue;
    }
    if (item.action === "delete_topic") {
      topics.delete.push(item.connectorName);
      continue;
    }
    if (item.action === "create") {
      const id = newConnectorId(item);
      const state = item.proposedState ?? "RUNNING";
      const definition = { config: item.proposedConfig ?? {}, secrets: await getChangeItemSecrets(db, item.id) };
      addSpec({ id, name: item.connectorName, version: 1, state, config: rawConfig(definition) }, definition);
      ids.add(id);
      names.add(item.connectorName);
      targets.push({ itemId: item.id, action: item.action, id, connectorId: null, name: item.connectorName, previousName: null, teamId: item.teamId ?? "", baseVersion: null, version: 1, state, definition, owners: ownersOfItem(item) });
      continue;
    }
    const connector = await existingConnector(db, item);
    if (item.action === "move") {
      // Outside the source plan's scope: the move runs on its own (see ./move), after the plan.
      const definition = { config: connector.config, secrets: await getConnectorSecrets(db, connector.id) };
      secretValues.push(...Object.values(definition.secrets), ...secretValuesOf(rawConfig(definition)));
      const targetClusterId = moveTargetId(item);
      targets.push({ itemId: item.id, action: item.action, id: connector.id, connectorId: connector.id, previousName: connector.name, teamId: connector.teamId, baseVersion: item.baseVersion, name: connector.name, version: connector.version + 1, state: connector.desiredState, definition, move: { targetClusterId, manager: webManager(targetClusterId) } });
      continue;
    }
    ids.add(connector.id);
    names.add(connector.name);
    takeOver.push(connector.id);
    const target = { itemId: item.id, action: item.action, id: connector.id, connectorId: connector.id, previousName: connector.name, teamId: connector.teamId, baseVersion: item.baseVersion };
    const cas = item.baseVersion === null ? {} : { expectedVersion: item.baseVersion };
    if (item.action === "delete") {
      targets.push({ ...target, name: connector.name, version: connector.version, state: connector.desiredState, definition: null });
      continue;
    }
    if (item.action === "update") {
      const state = item.proposedState ?? connector.desiredState;
      const definition = { config: item.proposedConfig ?? {}, secrets: await getChangeItemSecrets(db, item.id) };
      const version = connector.version + 1;
      addSpec({ id: connector.id, name: item.connectorName, version, state, config: rawConfig(definition), ...cas }, definition);
      if (driftActionOf(item)) force.push(connector.id);
      names.add(item.connectorName);
      targets.push({ ...target, name: item.connectorName, version, state, definition });
      continue;
    }
    // pause / resume / stop / restart / offsets: the stored definition, with the new run state.
    const state = STATE_OF[item.action] ?? connector.desiredState;
    // A restart or an offsets change leaves the definition as it is: no new version.
    const version = item.action === "restart" || isOffsetAction(item.action) ? connector.version : connector.version + 1;
    const definition = { config: connector.config, secrets: await getConnectorSecrets(db, connector.id) };
    addSpec({ id: connector.id, name: connector.name, version, state, config: rawConfig(definition), ...cas }, definition);
    if (item.action === "restart") {
      const taskId = restartTaskId(item.payload);
      restarts.push({ name: connector.name, id: connector.id, onlyFailed: item.onlyFailed, ...(taskId === undefined ? {} : { taskId }) });
    }
    if (isOffsetAction(item.action)) offsets.push(offsetChangeOf({ ...item, action: item.action }, connector, state));
    targets.push({ ...target, name: connector.name, version, state, definition: null });
  }

  if (topics.create.length > 0 || topics.delete.length > 0) {
    const cluster = await getCluster(db, cr.clusterId);
    const unavailable = cluster ? topicsUnavailable(cluster) : "Its cluster no longer exists.";
    if (unavailable) throw precondition(unavailable);
  }

  return {
    changeRequestId: cr.id,
    clusterId: cr.clusterId,
    revision: cr.revision,
    manager: webManager(cr.clusterId),
    desired: { connectors: specs },
    scope: { ids: [...ids], names: [...names] },
    restarts,
    applyOptions: parseApplyOptions(cr.applyOptions),
    topics,
    offsets,
    takeOver,
    force,
    secretKeys,
    secretValues: [...new Set(secretValues)],
    targets,
  };
}

async function existingConnector(db: DbOrTx, item: ChangeItem): Promise<Connector> {
  const connector = item.connectorId ? await getConnector(db, item.connectorId) : null;
  if (!connector || connector.deletedAt) throw precondition(`Connector ${item.connectorName} no longer exists; remove it from the change request.`);
  return connector;
}

export type PlannedDeploy = {
  plan: Plan;
  /** Stored secret keys plus those the cluster types as PASSWORD, per connector name. */
  secretKeys: Record<string, string[]>;
  /** The cluster validator's problems; non-empty means the deploy must not run. */
  problems: Problem[];
};

/**
 * The plan of one deploy input against the live cluster, through the engine's planAgainst like the
 * CLI: restricted to the change's connectors (scope), stamped as the web app's, with forced
 * restarts, taking over only connectors the change already knows, the cluster validator's problems
 * and the keys to mask. Throws ConnectError when the cluster cannot be read.
 */
export async function planDeploy(input: DeployInput, connect: ConnectPort, topics?: TopicPort): Promise<PlannedDeploy> {
  // Kafka is read only for a change with topic items: other deploys do not depend on reaching it.
  const withTopics = input.topics.create.length > 0 || input.topics.delete.length > 0 ? topics : undefined;
  const { plan, secretKeys, problems } = await planAgainst(input.desired, connect, withTopics, {
    manager: input.manager,
    prune: true,
    scope: input.scope,
    takeOver: input.takeOver,
    ...(input.force ? { force: input.force } : {}),
    restarts: input.restarts,
    secretKeys: input.secretKeys,
    topics: input.topics,
  });
  return { plan, secretKeys, problems };
}

/**
 * The plan's conflicts in words for owners and approvers: who holds a name (the connector's team
 * when Switchboard knows it, else its manager), which version the cluster carries.
 */
export async function describeConflicts(db: DbOrTx, conflicts: readonly PlanConflict[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of conflicts) {
    const held = c.heldBy?.id ? await getConnector(db, c.heldBy.id) : null;
    const team = held ? await getTeam(db, held.teamId) : null;
    if (c.code === "NAME_TAKEN") {
      const holder = team
        ? `connector ${held?.name ?? c.heldBy?.name} of team ${team.name}`
        : c.heldBy?.manager
          ? `a connector managed by ${c.heldBy.manager}`
          : c.heldBy?.id
            ? `a connector stamped with id ${c.heldBy.id} that Switchboard does not know`
            : "a connector Switchboard does not manage (adopt it first to change it)";
      out.push(`The name ${c.connector} is taken on the cluster by ${holder}.`);
    } else {
      out.push(c.message);
    }
  }
  return out;
}

/**
 * The finish step: writes the verified targets of a deploy to the database (create, update, run
 * state, soft delete) with revisions linked to the change request, each written only if the
 * connector is still at the version the change was written against. Returns the names recorded.
 */
export async function recordVerifiedTargets(tx: Tx, input: DeployInput, verified: (t: ChangeTarget) => boolean): Promise<Set<string>> {
  const recorded = new Set<string>();
  for (const t of input.targets) {
    if (!verified(t)) continue;
    if (await recordTarget(tx, input.changeRequestId, input.clusterId, t)) recorded.add(t.name);
  }
  return recorded;
}

async function recordTarget(tx: Tx, changeRequestId: string, clusterId: string, t: ChangeTarget): Promise<boolean> {
  const cas = t.baseVersion === null ? {} : { expectedVersion: t.baseVersion };
  switch (t.action) {
    case "create": {
      const existing = await getConnector(tx, t.id);
      const c =
        existing ??
        (await createConnector(tx, null, { id: t.id, name: t.name, clusterId, teamId: t.teamId, desiredState: t.state, ...(t.definition ?? { config: {}, secrets: {} }), changeRequestId }));
      await markConnectorDeployed(tx, null, c.id, c.version);
      await addOwnerContacts(tx, null, c.id, t.owners ?? []);
      return true;
    }
    case "update": {
      const c = await updateConnector(tx, null, t.id, { name: t.name, desiredState: t.state, ...(t.definition ? { definition: t.definition } : {}), changeRequestId, ...cas });
      await markConnectorDeployed(tx, null, c.id, c.version);
      return true;
    }
    case "pause":
    case "resume":
    case "stop": {
      const c = await updateConnector(tx, null, t.id, { desiredState: t.state, changeRequestId, ...cas });
      await markConnectorDeployed(tx, null, c.id, c.version);
      return true;
    }
    case "delete": {
      const c = await getConnector(tx, t.id);
      if (c && !c.deletedAt) await deleteConnector(tx, null, t.id);
      return true;
    }
    case "move": {
      const c = await updateConnector(tx, null, t.id, { clusterId: t.move?.targetClusterId, changeRequestId, ...cas });
      await markConnectorDeployed(tx, null, c.id, c.version);
      return true;
    }
    case "reset_offsets":
    case "set_offsets":
      // Offsets are not part of the definition: nothing to record (the snapshot is in the report).
      return false;
    case "restart":
      // A restart changes no stored definition: nothing to write, and nothing missing once verified.
      return true;
    case "create_topic":
    case "delete_topic":
      // Never reached: topic items have no target (a topic has no stored definition; the report lists it).
      return false;
  }
}
