/**
 * Rollback: a prefilled DRAFT change request, authored by the caller, back to an earlier approved
 * revision (config with its secrets taken from that revision here on the server, desired state) or
 * to what a deployment changed (every connector it touched; offsets back to the snapshot it took).
 * It is an ordinary change request: the normal approval policy applies, and its author, as a
 * writer, never approves it.
 */
import type { DbOrTx } from "@switchboard/db/client";
import type { DesiredState } from "@switchboard/db/enums";
import { createChangeRequest, getChangeRequest, getRevisionSecrets, type ChangeItem, type ChangeItemInput } from "@switchboard/db/repos/change-requests";
import { getConnector, listConnectorRevisions, type Connector, type ConnectorRevision } from "@switchboard/db/repos/connectors";
import { getTeam } from "@switchboard/db/repos/teams";
import { MASK } from "@switchboard/engine/secrets";
import { nameClash } from "./change-items";
import { newConnectorId } from "./change-pipeline";
import { loadDeployment, type DeploymentReport } from "./deployments";
import { badRequest, conflict, forbidden, notFound, precondition } from "./errors";
import { mayActForTeam, type SessionUser } from "./policy";

/**
 * Rolls a connector back to revision `version` of its history: a draft with one update item
 * carrying that revision's name, config, secrets and desired state, written against the current
 * version. The caller must be allowed to act for the connector's team.
 */
export async function rollbackConnector(db: DbOrTx, user: SessionUser, connector: Connector, version: number): Promise<{ id: string }> {
  if (!mayActForTeam(user, connector.teamId)) throw forbidden(`Connector ${connector.name} belongs to another team; only its team's owners, approvers and admins can roll it back.`);
  if (version >= connector.version) throw badRequest(`Version ${version} is not an earlier revision of ${connector.name} (it is at version ${connector.version}).`);
  const revision = (await listConnectorRevisions(db, connector.id)).find((r) => r.version === version);
  if (!revision) throw notFound(`${connector.name} has no revision ${version}.`);
  const item = await updateTo(db, connector, revision);
  const cr = await createChangeRequest(db, user.id, {
    clusterId: connector.clusterId,
    title: `Roll back ${connector.name} to version ${version}`,
    rationale: `Restores revision ${version} of ${connector.name} (config, secrets and desired state as approved then).`,
    items: [item],
  });
  return { id: cr.id };
}

/** An update item back to a revision; a rename back is refused while another connector holds the name. */
async function updateTo(db: DbOrTx, connector: Connector, revision: ConnectorRevision): Promise<ChangeItemInput> {
  if (revision.name !== connector.name) {
    const clash = await nameClash(db, connector.clusterId, revision.name, connector.id);
    if (clash) throw conflict(`${connector.name} cannot be renamed back to ${revision.name}: ${clash}`);
  }
  const secrets = (await getRevisionSecrets(db, connector.id, revision.version)) ?? {};
  return {
    action: "update",
    connectorId: connector.id,
    connectorName: revision.name,
    proposedConfig: revision.config,
    proposedSecrets: secrets,
    proposedState: revision.desiredState,
    baseVersion: connector.version,
    payload: { rollbackOf: { connectorId: connector.id, version: revision.version } },
  };
}

const STATE_ACTION: Record<DesiredState, "resume" | "pause" | "stop"> = { RUNNING: "resume", PAUSED: "pause", STOPPED: "stop" };

/**
 * Rolls back a finished deployment: one draft covering every connector it touched. Created →
 * deleted; updated → updated to the revision before; paused, resumed or stopped → the state before;
 * offsets → set back to the snapshot the deployment took; deleted → created again from its last
 * revision (refused, naming why, when its name is taken or its team is gone). Restarts are not undone,
 * and what the deployment did not record (a failed step) has nothing to undo: the rationale lists
 * both. The caller must be allowed to act for every team involved; nothing is created otherwise.
 */
export async function rollbackDeployment(db: DbOrTx, user: SessionUser, deploymentId: string): Promise<{ id: string; skipped: string[] }> {
  const deployment = await loadDeployment(db, deploymentId);
  if (deployment.status !== "succeeded" && deployment.status !== "failed") throw precondition("This deployment has not finished; roll it back once it has.");
  const cr = await getChangeRequest(db, deployment.changeRequestId);
  if (!cr) throw notFound("The deployment's change request no longer exists.");
  const report = deployment.report as DeploymentReport | null;
  const items: ChangeItemInput[] = [];
  const skipped: string[] = [];
  for (const item of cr.items) {
    const planned = await rollbackItem(db, user, cr.id, deployment.clusterId, item, report);
    if (typeof planned === "string") skipped.push(`${item.connectorName}: ${planned}`);
    else items.push(planned);
  }
  if (items.length === 0) throw precondition(`Nothing to roll back. ${skipped.join("; ")}`);
  const created = await createChangeRequest(db, user.id, {
    clusterId: deployment.clusterId,
    title: `Roll back "${cr.title}"`.slice(0, 200),
    rationale: [`Rolls back deployment ${deployment.id} of change request "${cr.title}".`, ...(skipped.length > 0 ? [`Not rolled back: ${skipped.join("; ")}.`] : [])].join("\n"),
    items,
  });
  return { id: created.id, skipped };
}

/** The item undoing one item of the deployment, or why there is nothing to undo. Throws when the caller may not act for it or it cannot be undone. */
async function rollbackItem(db: DbOrTx, user: SessionUser, changeRequestId: string, clusterId: string, item: ChangeItem, report: DeploymentReport | null): Promise<ChangeItemInput | string> {
  const connector = await getConnector(db, item.action === "create" ? newConnectorId(item) : (item.connectorId ?? ""));
  if (!connector) return "it was never created";
  if (!mayActForTeam(user, connector.teamId)) {
    throw forbidden(`This deployment touched ${connector.name} of team ${(await getTeam(db, connector.teamId))?.name ?? "another team"}, which you cannot act for; an approver or admin can roll it back.`);
  }
  if (connector.clusterId !== clusterId) return "it has moved to another cluster since";
  const live = connector.deletedAt === null;
  const revisions = await listConnectorRevisions(db, connector.id);
  switch (item.action) {
    case "create":
      return live ? { action: "delete", connectorId: connector.id, connectorName: connector.name, baseVersion: connector.version } : "deleted since";
    case "update":
    case "pause":
    case "resume":
    case "stop": {
      if (!live) return "deleted since";
      const recorded = revisions.find((r) => r.changeRequestId === changeRequestId);
      const before = recorded && revisions.find((r) => r.version === recorded.version - 1);
      if (!before) return "this deployment recorded no change to it";
      if (item.action === "update") return updateTo(db, connector, before);
      if (connector.desiredState === before.desiredState) return `already ${before.desiredState}`;
      return { action: STATE_ACTION[before.desiredState], connectorId: connector.id, connectorName: connector.name, baseVersion: connector.version };
    }
    case "delete": {
      if (live) return "it was not deleted";
      const last = revisions[0];
      if (!last) return "it has no revision to create it from";
      const team = await getTeam(db, connector.teamId);
      if (!team) throw precondition(`${connector.name} cannot be created again: its team no longer exists.`);
      const clash = await nameClash(db, clusterId, last.name);
      if (clash) throw conflict(`${connector.name} cannot be created again: ${clash}`);
      const secrets = (await getRevisionSecrets(db, connector.id, last.version)) ?? {};
      return { action: "create", connectorName: last.name, teamId: team.id, proposedConfig: last.config, proposedSecrets: secrets, proposedState: last.desiredState };
    }
    case "reset_offsets":
    case "set_offsets": {
      if (!live) return "deleted since";
      const snapshot = report?.offsets?.find((o) => o.name === item.connectorName)?.snapshot;
      if (!snapshot) return "no offsets snapshot was taken";
      // A stored report is redacted: a snapshot that lost a value to redaction cannot be restored faithfully.
      if (JSON.stringify(snapshot).includes(MASK)) throw precondition(`The offsets snapshot of ${connector.name} holds redacted values; set its offsets by hand.`);
      const base = { connectorId: connector.id, connectorName: connector.name, baseVersion: connector.version };
      if (snapshot.length === 0) return { action: "reset_offsets", ...base, payload: { offsets: [] } };
      return { action: "set_offsets", ...base, payload: { offsets: snapshot, replace: true, rollbackOf: { deploymentId: report?.deploymentId ?? "" } } };
    }
    case "restart":
      return "restarts are not undone";
    default:
      return `a ${item.action.replace("_", " ")} is not undone by a rollback`;
  }
}
