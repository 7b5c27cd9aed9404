/**
 * The two ways back from drift, each a draft change request under the normal approval policy (its
 * writers never approve it): revert (redeploy the approved definition over what drifted) and adopt
 * (record the live config as the connector's new revision). Both are update items marked for the
 * deploy to force them onto the live connector (see ./drift-items). The server builds both items
 * itself: secrets come from the stored definition (revert) or are split from the live config with
 * the cluster's PASSWORD keys (adopt), and never leave the server.
 */
import type { DbOrTx } from "@switchboard/db/client";
import { createChangeRequest } from "@switchboard/db/repos/change-requests";
import type { Connector } from "@switchboard/db/repos/connectors";
import { getDriftMark } from "@switchboard/db/repos/drift";
import { describeDrift, type DriftReport } from "@switchboard/engine/drift";
import { observedUserConfig } from "@switchboard/engine/managed";
import type { DesiredRunState } from "@switchboard/engine/model";
import type { ConnectPort } from "@switchboard/engine/port";
import { configSchema, passwordKeysFromCluster, resolveDefinition, storedDefinition } from "./change-items";
import { driftPayload } from "./drift-items";
import { badRequest, forbidden, precondition } from "./errors";
import { mayActForTeam, type SessionUser } from "./policy";

/** What the connector page shows of drift: when, and what (key names, states, versions; never values). */
export type DriftView = { driftedAt: Date; report: DriftReport; lines: string[] };

/** The connector's drift as the monitor last found it; null when in step (or not observed yet). */
export async function connectorDrift(db: DbOrTx, connectorId: string): Promise<DriftView | null> {
  const mark = await getDriftMark(db, connectorId);
  if (!mark) return null;
  const report = JSON.parse(mark.driftJson) as DriftReport;
  return { driftedAt: mark.driftedAt, report, lines: describeDrift(report) };
}

/** Refuses a caller who may not act for the connector's team, and a connector that has not drifted. */
async function assertMayResolve(db: DbOrTx, user: SessionUser, connector: Connector): Promise<DriftView> {
  if (!mayActForTeam(user, connector.teamId)) throw forbidden(`Connector ${connector.name} belongs to another team; only its team's owners, approvers and admins can change it.`);
  if (connector.deletedAt) throw badRequest("No such connector.");
  const drift = await connectorDrift(db, connector.id);
  if (!drift || connector.deployedVersion === null) throw precondition(`Connector ${connector.name} is in step with its approved definition: there is no drift to resolve.`);
  return drift;
}

/**
 * A draft change request that redeploys the connector's approved definition (config, secrets and
 * run state as stored) over what drifted on the cluster, the live version stamp included.
 */
export async function draftRevert(db: DbOrTx, user: SessionUser, connector: Connector): Promise<{ id: string }> {
  const drift = await assertMayResolve(db, user, connector);
  const { config, secrets } = await storedDefinition(db, connector);
  const cr = await createChangeRequest(db, user.id, {
    clusterId: connector.clusterId,
    title: `Revert drift of ${connector.name}`,
    rationale: [`Redeploys the approved definition (version ${connector.version}, ${connector.desiredState}) over what drifted on the cluster:`, ...drift.lines.map((l) => `- ${l}`)].join("\n"),
    items: [
      {
        action: "update",
        connectorId: connector.id,
        connectorName: connector.name,
        proposedConfig: config,
        proposedSecrets: secrets,
        proposedState: connector.desiredState,
        baseVersion: connector.version,
        payload: driftPayload("revert"),
      },
    ],
  });
  return { id: cr.id };
}

const CHOSEN_STATES: ReadonlySet<string> = new Set(["RUNNING", "PAUSED", "STOPPED"]);

/**
 * A draft change request that records the connector's live config (and its live run state, when
 * it is one a user chooses) as its new revision. Which keys are secret is decided here, as for any
 * write: the cluster's PASSWORD keys, the key patterns and the keys stored as secrets.
 */
export async function draftAdopt(db: DbOrTx, user: SessionUser, connector: Connector, connect: ConnectPort): Promise<{ id: string }> {
  const drift = await assertMayResolve(db, user, connector);
  const live = await connect.getConnector(connector.name);
  if (!live?.config) throw precondition(`Connector ${connector.name} is not on the cluster now (or Connect returned no config for it); nothing to adopt.`);
  const { name: _name, ...liveConfig } = observedUserConfig(live.config);
  const parsed = configSchema.safeParse(liveConfig);
  if (!parsed.success) throw badRequest(`The live config of ${connector.name} cannot be recorded: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  const definition = await resolveDefinition(connector.name, parsed.data, await storedDefinition(db, connector), passwordKeysFromCluster(connect));
  const state: DesiredRunState = CHOSEN_STATES.has(live.state) ? (live.state as DesiredRunState) : connector.desiredState;
  const cr = await createChangeRequest(db, user.id, {
    clusterId: connector.clusterId,
    title: `Adopt the live config of ${connector.name}`,
    rationale: [`Records what runs on the cluster as the next revision of ${connector.name} (now version ${connector.version}), instead of the approved definition:`, ...drift.lines.map((l) => `- ${l}`)].join("\n"),
    items: [
      {
        action: "update",
        connectorId: connector.id,
        connectorName: connector.name,
        proposedConfig: definition.config,
        proposedSecrets: definition.secrets,
        proposedState: state,
        baseVersion: connector.version,
        payload: driftPayload("adopt"),
      },
    ],
  });
  return { id: cr.id };
}
