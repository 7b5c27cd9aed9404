/**
 * Drift, as the monitor sees it: after each observation of a cluster, every managed and deployed
 * connector observed is compared with what was approved (the engine's detectDrift). A drifted one
 * gets the DRIFTED mark and one drift incident, whose owners are notified once; the incident closes
 * and the mark goes when it is back in step. Nothing is compared while a deploy may be changing the
 * cluster. The status topic carries no config, so its records update the run-state part only; the
 * REST poll sees configs and version stamps.
 */
import type { Cluster } from "@switchboard/db/repos/clusters";
import { getConnectorSecrets, listConnectorsWithSecrets, type Connector } from "@switchboard/db/repos/connectors";
import { deployInFlight, listDriftMarks, listOpenDriftIncidents, openDriftIncident, recordDriftMarks, stampedConnectorIds, type DriftMark } from "@switchboard/db/repos/drift";
import { closeIncident, type Incident } from "@switchboard/db/repos/health";
import type { NotificationInput } from "@switchboard/db/repos/notifications";
import { webManager } from "@switchboard/domain/change-pipeline";
import { describeDrift, detectDrift, type DriftReport } from "@switchboard/engine/drift";
import type { ObservedConnector } from "@switchboard/engine/model";
import { connectorUrl, fanOut, incidentRecipients, notifyIncidentOnce, type IncidentRecipients } from "./notify";
import type { MonitorContext, ObservationScope } from "./monitor";

export type DriftResult = { drifted: string[]; inStep: string[]; notified: string[] };

type Seen = { observed: ObservedConnector; connector: Connector | undefined };

/**
 * Compares what was observed with what was approved; see the module comment. `scope` null: `seen`
 * is the whole cluster (a poll), so marks of connectors not seen are cleared too.
 */
export async function reconcileDrift(ctx: MonitorContext, cluster: Cluster, seen: Seen[], scope: ObservationScope, now: Date): Promise<DriftResult> {
  const result: DriftResult = { drifted: [], inStep: [], notified: [] };
  if (await deployInFlight(ctx.db, cluster.id, now)) return result;
  // Stamps are compared only where a config was observed; a poll asks for the whole cluster at once.
  const withConfig = seen.flatMap(({ observed, connector }) => (connector && observed.config !== null ? [connector.id] : []));
  const stampedIds = await stampedConnectorIds(ctx.db, cluster.id, scope === null ? null : withConfig);

  const previous = new Map((await listDriftMarks(ctx.db, cluster.id)).map((m) => [m.connectorName, m]));
  const secretsOf = await secretLookup(ctx, cluster, scope);
  const marks: DriftMark[] = [];
  const drifted: Array<{ connector: Connector; report: DriftReport }> = [];
  const evaluated = new Set<string>();

  for (const { observed, connector } of seen) {
    // Never deployed (nothing approved runs yet) or seen under another name (a rename in flight): not drift.
    if (!connector || connector.deployedVersion === null || connector.name !== observed.name) continue;
    evaluated.add(observed.name);
    const approved = {
      id: connector.id,
      config: { ...connector.config, ...(observed.config === null ? {} : await secretsOf(connector.id)) },
      state: connector.desiredState,
      version: connector.deployedVersion,
      manager: webManager(cluster.id),
      stamped: stampedIds.has(connector.id),
    };
    let report = detectDrift(approved, observed);
    if (observed.config === null) {
      // A status-topic record: keep what the last poll found of the config and the stamp.
      const { state: _state, ...kept } = parseReport(previous.get(observed.name)?.driftJson);
      const merged: DriftReport = { ...kept, ...(report?.state ? { state: report.state } : {}) };
      report = merged.config || merged.state || merged.version ? merged : null;
    }
    marks.push({ connectorName: observed.name, drift: report ? JSON.stringify(report) : null });
    if (report) drifted.push({ connector, report });
    else result.inStep.push(observed.name);
  }
  // A poll sees the whole cluster: marks of connectors it did not compare (gone, deleted, no longer deployed) go.
  for (const name of previous.keys()) {
    if (!evaluated.has(name) && (scope === null || scope.includes(name))) marks.push({ connectorName: name, drift: null });
  }
  await recordDriftMarks(ctx.db, cluster.id, marks, now);

  for (const { connector, report } of drifted) {
    result.drifted.push(connector.name);
    const { incident } = await openDriftIncident(ctx.db, { clusterId: cluster.id, connectorName: connector.name, connectorId: connector.id, trace: describeDrift(report).join("\n") });
    if (!incident.notifiedAt && (await notifyDrift(ctx, cluster, connector, incident, report, now))) result.notified.push(connector.name);
  }
  if (result.notified.length > 0) ctx.notificationsQueued?.();

  const stillDrifted = new Set(result.drifted);
  for (const incident of await listOpenDriftIncidents(ctx.db, cluster.id)) {
    if (stillDrifted.has(incident.connectorName)) continue;
    const covered = scope === null || evaluated.has(incident.connectorName) || scope.includes(incident.connectorName);
    if (covered) await closeIncident(ctx.db, incident.id, now);
  }
  return result;
}

/** Decrypted secrets of the cluster's connectors: all at once for a poll, one connector at a time otherwise. */
async function secretLookup(ctx: MonitorContext, cluster: Cluster, scope: ObservationScope): Promise<(id: string) => Promise<Record<string, string>>> {
  if (scope !== null) return (id) => getConnectorSecrets(ctx.db, id);
  const all = new Map((await listConnectorsWithSecrets(ctx.db, cluster.id)).map((c) => [c.id, c.secrets]));
  return async (id) => all.get(id) ?? {};
}

function parseReport(json: string | undefined): DriftReport {
  if (!json) return {};
  try {
    return JSON.parse(json) as DriftReport;
  } catch {
    return {};
  }
}

/** The notifications of a drift incident: what drifted (key names, states, versions; never values) and the two ways back. */
export function driftNotifications(
  facts: { incidentId: string; connector: { id: string; name: string }; cluster: { name: string; environment: string }; team: { id: string; name: string }; report: DriftReport },
  recipients: IncidentRecipients,
  publicUrl: string,
): NotificationInput[] {
  const { connector, cluster, team } = facts;
  const url = connectorUrl(publicUrl, connector.id);
  const what = describeDrift(facts.report);
  const subject = `${connector.name} drifted from its approved definition on ${cluster.name}`;
  const text = [
    `Connector ${connector.name} on cluster ${cluster.name} (${cluster.environment}) no longer matches what was approved:`,
    ...what.map((l) => `- ${l}`),
    `Owning team: ${team.name}`,
    `Revert it (redeploy the approved definition) or adopt the live config as a new revision, each through a change request: ${url}`,
  ].join("\n");
  const webhookBody = JSON.stringify({
    text: `${connector.name} drifted on ${cluster.name} (team ${team.name}): ${what.join("; ")} ${url}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: `${connector.name} drifted` } },
      { type: "section", text: { type: "mrkdwn", text: what.map((l) => `• ${l}`).join("\n") } },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open connector" }, url }] },
    ],
  });
  return fanOut({ incidentId: facts.incidentId, teamId: team.id, subject }, recipients, { inapp: what.join("\n"), email: text, webhook: webhookBody });
}

async function notifyDrift(ctx: MonitorContext, cluster: Cluster, connector: Connector, incident: Incident, report: DriftReport, now: Date): Promise<boolean> {
  const to = await incidentRecipients(ctx.db, connector);
  if (!to) return false;
  const inputs = driftNotifications(
    { incidentId: incident.id, connector: { id: connector.id, name: connector.name }, cluster: { name: cluster.name, environment: cluster.environment }, team: to.team, report },
    to.recipients,
    ctx.publicUrl,
  );
  return notifyIncidentOnce(ctx.db, incident.id, inputs, now);
}
