/**
 * Adopting connectors that already run on a cluster: Switchboard records their live definitions
 * (secrets split and encrypted) with an owner team, without touching the cluster. Their reserved
 * keys are stamped on their next deploy.
 */
import { DomainError } from "./errors";
import { inTransaction, type DbOrTx } from "@switchboard/db/client";
import { writeAudit } from "@switchboard/db/repos/audit";
import type { Cluster } from "@switchboard/db/repos/clusters";
import { createConnector, getConnector, listClusterConnectors, markConnectorDeployed } from "@switchboard/db/repos/connectors";
import { getTeam } from "@switchboard/db/repos/teams";
import { observedUserConfig, readMark } from "@switchboard/engine/managed";
import type { DesiredRunState, ObservedConnector } from "@switchboard/engine/model";
import { ConnectError, type ConnectPort } from "@switchboard/engine/port";
import { splitSecrets } from "@switchboard/engine/secrets";
import { validateAgainstCluster } from "@switchboard/engine/validate-cluster";
import type { SessionUser } from "./policy";

export type AdoptCandidate = {
  name: string;
  connectorClass: string | null;
  type: ObservedConnector["type"];
  state: ObservedConnector["state"];
  tasksRunning: number;
  tasksTotal: number;
  topics: string | null;
  /** Stamped by another Switchboard (or the CLI) with an id this database does not know. */
  stampedId: string | null;
};

export type CandidatesResult = { ok: true; candidates: AdoptCandidate[] } | { ok: false; message: string };

const TOPIC_KEYS = ["topics", "topics.regex", "topic", "kafka.topic"];

/** Connectors on the cluster that this database does not know (by stamped id or by name). */
export async function listAdoptCandidates(db: DbOrTx, cluster: Cluster, connect: ConnectPort): Promise<CandidatesResult> {
  let observed: ObservedConnector[];
  try {
    observed = await connect.listConnectors();
  } catch (err) {
    if (err instanceof ConnectError) return { ok: false, message: `Cluster unreachable: ${err.message}` };
    throw err;
  }
  const known = await listClusterConnectors(db, cluster.id);
  const knownNames = new Set(known.map((c) => c.name));
  const candidates: AdoptCandidate[] = [];
  for (const c of observed) {
    const mark = readMark(c.config);
    if (knownNames.has(c.name) || (mark && (await getConnector(db, mark.id)))) continue;
    const config = c.config ?? {};
    candidates.push({
      name: c.name,
      connectorClass: config["connector.class"] ?? null,
      type: c.type,
      state: c.state,
      tasksRunning: c.tasks.filter((t) => t.state === "RUNNING").length,
      tasksTotal: c.tasks.length,
      topics: TOPIC_KEYS.map((k) => config[k]).find((v) => v !== undefined) ?? null,
      stampedId: mark?.id ?? null,
    });
  }
  return { ok: true, candidates: candidates.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

function desiredStateOf(state: ObservedConnector["state"]): DesiredRunState {
  return state === "PAUSED" ? "PAUSED" : state === "STOPPED" ? "STOPPED" : "RUNNING";
}

export type AdoptInput = { connectors: Array<{ name: string; teamId: string }> };

/**
 * Records live connectors as managed definitions at version 1 (deployed version 1), owned by the
 * given teams, in one transaction with an audit event. Secrets (key patterns and keys the cluster
 * types as PASSWORD) are stored encrypted. A connector stamped with an unknown id keeps that id.
 */
export async function adoptConnectors(db: DbOrTx, user: SessionUser, cluster: Cluster, connect: ConnectPort, input: AdoptInput): Promise<{ adopted: Array<{ id: string; name: string }> }> {
  if (input.connectors.length === 0) throw new DomainError("BAD_REQUEST", "Pick at least one connector.");
  const names = input.connectors.map((c) => c.name);
  if (new Set(names).size !== names.length) throw new DomainError("BAD_REQUEST", "A connector is listed twice.");
  let observed: ObservedConnector[];
  try {
    observed = await connect.listConnectors();
  } catch (err) {
    if (err instanceof ConnectError) throw new DomainError("PRECONDITION_FAILED", `Cluster unreachable: ${err.message}`);
    throw err;
  }
  const live = input.connectors.map((wanted) => {
    const found = observed.find((o) => o.name === wanted.name);
    if (!found?.config) throw new DomainError("BAD_REQUEST", `Connector ${wanted.name} is not on the cluster (or Connect returned no config for it).`);
    const { name: _name, ...config } = observedUserConfig(found.config);
    return { ...wanted, observed: found, config };
  });
  // PASSWORD-typed keys, so they are stored as secrets too; a validator failure leaves the key patterns.
  const validation = await validateAgainstCluster({ connectors: live.map((l) => ({ id: l.name, name: l.name, state: "RUNNING", config: l.config })) }, connect);

  return inTransaction(db, async (tx) => {
    const adopted: Array<{ id: string; name: string }> = [];
    for (const l of live) {
      const team = await getTeam(tx, l.teamId);
      if (!team) throw new DomainError("BAD_REQUEST", `No such team for ${l.name}.`);
      const mark = readMark(l.observed.config);
      const reuseId = mark && !(await getConnector(tx, mark.id)) ? mark.id : undefined;
      const { config, secrets } = splitSecrets(l.config, validation.secretKeys[l.name] ?? []);
      const created = await createConnector(tx, user.id, {
        ...(reuseId ? { id: reuseId } : {}),
        name: l.name,
        clusterId: cluster.id,
        teamId: team.id,
        desiredState: desiredStateOf(l.observed.state),
        config,
        secrets,
      });
      await markConnectorDeployed(tx, user.id, created.id, created.version);
      adopted.push({ id: created.id, name: created.name });
    }
    await writeAudit(tx, { actorId: user.id, action: "cluster.adopt", entityType: "cluster", entityId: cluster.id, after: { connectors: adopted } });
    return { adopted };
  });
}
