/**
 * The board and the connector page: reads shaped for the web (secrets masked, traces shortened),
 * and the few connector settings that are not definition changes (restart policy, contacts).
 * Definition changes go through change requests, never through here.
 */
import { DomainError } from "./errors";
import type { Db } from "@switchboard/db/client";
import type { ContactKind } from "@switchboard/db/enums";
import { getCluster } from "@switchboard/db/repos/clusters";
import { listOpenChangesForConnector, listRevisionHistory, type RevisionWithSecretChanges } from "@switchboard/db/repos/connector-history";
import { getConnector, getConnectorSecrets, setRestartPolicy, type BoardQuery, type BoardSort, type BoardState, type Connector, type RestartPolicy } from "@switchboard/db/repos/connectors";
import { getConnectorHealth, listIncidents } from "@switchboard/db/repos/health";
import { addContact, getContact, getTeam, listConnectorContacts, listTeamContacts, removeContact } from "@switchboard/db/repos/teams";
import type { DesiredRunState, KeyChange, ObservedTask, RuntimeState } from "@switchboard/engine/model";
import type { ConnectPort } from "@switchboard/engine/port";
import { redactText } from "@switchboard/engine/secrets";
import { boardSnapshot, type BoardSnapshotPage } from "./board-snapshot";
import { displayConfig, displayContact, displayTrace, firstLine, MASK } from "./display";
import { mayActForTeam, type SessionUser } from "./policy";

export type BoardInput = {
  page: number;
  pageSize: number;
  state?: BoardState;
  teamId?: string;
  clusterId?: string;
  search?: string;
  /** Labels every row must carry (see BoardQuery.labels). */
  labels?: string[];
  /** Only DRIFTED connectors. */
  drifted?: boolean;
  mine?: boolean;
  groupBy?: "team" | "cluster";
  sort?: BoardSort;
};

export function toBoardQuery(user: SessionUser, input: BoardInput): BoardQuery {
  return {
    page: input.page,
    pageSize: input.pageSize,
    state: input.state,
    teamId: input.teamId,
    clusterId: input.clusterId,
    search: input.search,
    ...(input.labels && input.labels.length > 0 ? { labels: input.labels } : {}),
    ...(input.drifted ? { drifted: true } : {}),
    teamIds: input.mine ? user.teamIds : undefined,
    groupBy: input.groupBy,
    sort: input.sort,
  };
}

/**
 * One page of the board plus counts per state over the same filters without the state filter,
 * served from the in-memory board snapshot (brought up to date first). Every signed-in user sees
 * every connector; "mine" narrows to the user's teams. The same query (with the same teams, for
 * "mine") on the same snapshot version returns the same object.
 */
export async function boardPage(db: Db, user: SessionUser, input: BoardInput): Promise<BoardSnapshotPage> {
  const snapshot = boardSnapshot(db);
  await snapshot.current();
  return snapshot.query(toBoardQuery(user, input));
}

/**
 * The board page `input` names, for an open page: the current one at once, then the new one after
 * each rebuild of the snapshot (only the latest if several came meanwhile), until `signal` aborts.
 * The user (and so the teams behind "mine") is fixed when the stream starts. Every subscriber with
 * the same query and teams gets the same object, computed once per version.
 */
export async function* boardPages(db: Db, user: SessionUser, input: BoardInput, signal: AbortSignal): AsyncGenerator<BoardSnapshotPage> {
  const snapshot = boardSnapshot(db);
  const query = toBoardQuery(user, input);
  let changed = false;
  let wake: (() => void) | null = null;
  const stop = snapshot.subscribe(() => {
    changed = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort);
  try {
    await snapshot.current();
    let sent = snapshot.query(query);
    yield sent;
    while (!signal.aborted) {
      if (!changed) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      changed = false;
      if (signal.aborted) break;
      const next = snapshot.query(query);
      if (next.version === sent.version) continue;
      sent = next;
      yield next;
    }
  } finally {
    stop();
    signal.removeEventListener("abort", onAbort);
  }
}

export async function loadLiveConnector(db: Db, id: string): Promise<Connector> {
  const connector = await getConnector(db, id);
  if (!connector || connector.deletedAt) throw new DomainError("NOT_FOUND", "No such connector.");
  return connector;
}

/**
 * The connector, if the user may act for its team (the connector procedure's check): NOT_FOUND for
 * an unknown or deleted one, FORBIDDEN for another team's.
 */
export async function authorizeConnector(db: Db, user: SessionUser, id: string): Promise<Connector> {
  const connector = await loadLiveConnector(db, id);
  if (!mayActForTeam(user, connector.teamId)) {
    throw new DomainError("FORBIDDEN", `Connector ${connector.name} belongs to another team; only its team's owners, approvers and admins can change it.`);
  }
  return connector;
}

export type RevisionEntry = {
  version: number;
  name: string;
  desiredState: DesiredRunState;
  createdAt: Date;
  changeRequest: { id: string; title: string } | null;
  /** Changes from the previous revision (empty for the first). Secret keys carry no values. */
  changes: KeyChange[];
  renamedFrom: string | null;
  desiredStateFrom: DesiredRunState | null;
  /** Secret keys present before and after whose value did not change. */
  unchangedSecretKeys: string[];
};

/** Key-level diff between two consecutive revisions; secrets only as changed/unchanged/added/removed. */
export function diffRevisions(prev: RevisionWithSecretChanges | undefined, next: RevisionWithSecretChanges): Pick<RevisionEntry, "changes" | "unchangedSecretKeys"> {
  if (!prev) return { changes: [], unchangedSecretKeys: [] };
  const secret = new Set([...prev.secretKeys, ...next.secretKeys]);
  const before = displayConfig(prev.config, prev.secretKeys);
  const after = displayConfig(next.config, next.secretKeys);
  const changes: KeyChange[] = [];
  const unchangedSecretKeys: string[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const key of keys) {
    const had = key in before;
    const has = key in after;
    // A value shown masked on either side is treated as a secret: no value crosses.
    const sensitive = secret.has(key) || before[key] === MASK || after[key] === MASK;
    if (sensitive) {
      if (had && !has) changes.push({ op: "remove", key, sensitive: true });
      else if (!had && has) changes.push({ op: "add", key, sensitive: true });
      else if (next.changedSecretKeys.includes(key) || prev.secretKeys.includes(key) !== next.secretKeys.includes(key)) changes.push({ op: "change", key, sensitive: true });
      else unchangedSecretKeys.push(key);
      continue;
    }
    if (had && !has) changes.push({ op: "remove", key, before: before[key] as string });
    else if (!had && has) changes.push({ op: "add", key, after: after[key] as string });
    else if (before[key] !== after[key]) changes.push({ op: "change", key, before: before[key] as string, after: after[key] as string });
  }
  return { changes, unchangedSecretKeys };
}

function revisionEntries(history: RevisionWithSecretChanges[]): RevisionEntry[] {
  // `history` is newest first: the previous revision of history[i] is history[i + 1].
  return history.map((rev, i) => {
    const prev = history[i + 1];
    return {
      version: rev.version,
      name: rev.name,
      desiredState: rev.desiredState,
      createdAt: rev.createdAt,
      changeRequest: rev.changeRequestId ? { id: rev.changeRequestId, title: rev.changeRequestTitle ?? "" } : null,
      renamedFrom: prev && prev.name !== rev.name ? prev.name : null,
      desiredStateFrom: prev && prev.desiredState !== rev.desiredState ? prev.desiredState : null,
      ...diffRevisions(prev, rev),
    };
  });
}

/** Everything the connector page shows, with secrets masked. */
export async function connectorDetail(db: Db, user: SessionUser, id: string) {
  const connector = await loadLiveConnector(db, id);
  const [team, cluster, health, incidents, history, openChanges, contacts, teamContacts] = await Promise.all([
    getTeam(db, connector.teamId),
    getCluster(db, connector.clusterId),
    getConnectorHealth(db, id),
    listIncidents(db, { connectorId: id, pageSize: 20 }),
    listRevisionHistory(db, id),
    listOpenChangesForConnector(db, id),
    listConnectorContacts(db, id),
    listTeamContacts(db, connector.teamId),
  ]);
  // Deletion is soft until the cluster confirms: the record is marked deleted only when the deploy
  // verified the connector gone; until then it is shown, as deleting.
  const deletion = openChanges.find((c) => c.action === "delete" && c.status === "deploying");
  return {
    id: connector.id,
    name: connector.name,
    lifecycle: deletion ? ("deleting" as const) : ("active" as const),
    deletion: deletion ? { changeRequestId: deletion.id } : null,
    connectorClass: connector.connectorClass,
    topics: connector.topics,
    team: team && { id: team.id, name: team.name },
    cluster: cluster && { id: cluster.id, name: cluster.name, environment: cluster.environment, approvalsRequired: cluster.approvalsRequired },
    desiredState: connector.desiredState,
    version: connector.version,
    deployedVersion: connector.deployedVersion,
    config: displayConfig(connector.config, connector.secretKeys),
    secretKeys: connector.secretKeys,
    restartPolicy: { autoRestart: connector.autoRestart, maxRestarts: connector.maxRestarts, backoffSeconds: connector.backoffSeconds },
    labels: connector.labels,
    contacts: contacts.map(displayContact),
    teamContacts: teamContacts.map(displayContact),
    health: health && {
      state: health.state,
      tasksRunning: health.tasksRunning,
      tasksTotal: health.tasksTotal,
      tasksFailed: health.tasksFailed,
      workerId: health.workerId,
      lastFailureAt: health.lastFailureAt,
      lastTrace: displayTrace(health.lastTrace),
      lastFailureLine: firstLine(displayTrace(health.lastTrace)),
      observedAt: health.observedAt,
    },
    incidents: incidents.items.map((i) => ({
      id: i.id,
      state: i.state,
      openedAt: i.openedAt,
      closedAt: i.closedAt,
      trace: displayTrace(i.trace),
      traceLine: firstLine(displayTrace(i.trace)),
      restartAttempts: i.restartAttempts,
      notifiedAt: i.notifiedAt,
      kind: i.kind,
    })),
    revisions: revisionEntries(history),
    openChanges,
    permissions: {
      manage: mayActForTeam(user, connector.teamId),
      proposeChanges: mayActForTeam(user, connector.teamId),
    },
    createdAt: connector.createdAt,
    updatedAt: connector.updatedAt,
  };
}

export type LiveTask = { id: number; state: RuntimeState; workerId: string | null; trace: string | null };
export type LiveStatus =
  | { ok: true; onCluster: true; state: RuntimeState; workerId: string | null; trace: string | null; tasks: LiveTask[] }
  | { ok: true; onCluster: false }
  | { ok: false; error: string };

/**
 * The connector's status read from the cluster now (one request), with each task's state and the
 * trace of failed tasks. A cluster that does not answer is reported, not thrown.
 */
export async function liveStatus(db: Db, connector: Connector, connect: ConnectPort): Promise<LiveStatus> {
  try {
    const observed = await connect.getConnector(connector.name);
    if (!observed) return { ok: true, onCluster: false };
    // A trace may quote the connector's own config, passwords included.
    const secrets = Object.values(await getConnectorSecrets(db, connector.id));
    const shown = (trace: string | undefined) => (trace === undefined ? null : redactText(trace, secrets));
    const task = (t: ObservedTask): LiveTask => ({ id: t.id, state: t.state, workerId: t.workerId ?? null, trace: t.state === "FAILED" ? shown(t.trace) : null });
    return {
      ok: true,
      onCluster: true,
      state: observed.state,
      workerId: observed.workerId ?? null,
      trace: observed.state === "FAILED" ? shown(observed.trace) : null,
      tasks: observed.tasks.map(task),
    };
  } catch (err) {
    return { ok: false, error: redactText(err instanceof Error ? err.message : "The cluster did not answer.") };
  }
}

/** Sets the automatic-restart policy of a connector (authorized by {@link authorizeConnector}). */
export async function updateRestartPolicy(db: Db, user: SessionUser, connector: Connector, policy: RestartPolicy) {
  const c = await setRestartPolicy(db, user.id, connector.id, policy);
  return { autoRestart: c.autoRestart, maxRestarts: c.maxRestarts, backoffSeconds: c.backoffSeconds };
}

export async function addConnectorContact(db: Db, user: SessionUser, connector: Connector, contact: { kind: ContactKind; target: string }) {
  return displayContact(await addContact(db, user.id, { ...contact, connectorId: connector.id }));
}

export async function removeConnectorContact(db: Db, user: SessionUser, connector: Connector, contactId: string): Promise<void> {
  const contact = await getContact(db, contactId);
  if (!contact || contact.connectorId !== connector.id) throw new DomainError("NOT_FOUND", "This connector has no such contact.");
  await removeContact(db, user.id, contactId);
}
