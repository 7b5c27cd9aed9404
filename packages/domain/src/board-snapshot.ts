/**
 * The board, kept in memory: one snapshot per database handle (one per server process), holding
 * every live connector of every cluster with its health, rebuilt per cluster only when something
 * changed. It hears of changes two ways: the board bus (this process's writes at once; every
 * replica's on PostgreSQL) and a cheap probe of the database (counts and latest timestamps) at most
 * every quarter second while it is read or watched, so writes from another process on SQLite are seen
 * within that and never missed for good. Counts, filters, search, sorting and paging then
 * run over the rows in memory, which stays fast at 10,000 connectors and more.
 */
import { isPostgres, type Db } from "@switchboard/db/client";
import { onBoardChange } from "@switchboard/db/board-bus";
import { databaseChangeToken, HEALTH_SEVERITY, parseLabels, loadBoardHealthSince, loadBoardRows, MAX_PAGE_SIZE, probeBoard, type BoardClusterFingerprint, type BoardPage, type BoardQuery, type BoardRow, type BoardSort, type BoardState } from "@switchboard/db/repos/connectors";
import type { DesiredRunState } from "@switchboard/engine/model";
import { displayTrace, firstLine } from "./display";

/** A board row as the web shows it. `state` is UNKNOWN until the monitor has observed the connector. */
export type BoardItem = {
  id: string;
  name: string;
  team: { id: string; name: string };
  cluster: { id: string; name: string; environment: string };
  state: BoardState;
  tasksRunning: number;
  tasksTotal: number;
  tasksFailed: number;
  lastFailureAt: Date | null;
  lastFailureLine: string | null;
  desiredState: DesiredRunState;
  version: number;
  deployedVersion: number | null;
  connectorClass: string;
  /** Lower-case `key` or `key=value` labels, sorted. */
  labels: string[];
  /** The DRIFTED mark: when the live connector stopped matching what was approved; null when in step. */
  driftedAt: Date | null;
};

/** The database query's page shape (`queryBoard`), with display rows and the snapshot's version. */
export type BoardSnapshotPage = Omit<BoardPage, "items"> & {
  items: BoardItem[];
  /** Changes whenever any row may have; the same version always gives the same page. */
  version: number;
  /** When this version was built (so an unchanged board gives the same answer, byte for byte). */
  generatedAt: Date;
  /** DRIFTED connectors among those the filters other than state and `drifted` select. */
  drifted: number;
};

/** How often the snapshot looks for writes nobody announced (another process on SQLite): on SQLite a
 * look is one `PRAGMA data_version` unless something was written, so it can be frequent. */
export const PROBE_INTERVAL_MS = 250;

/**
 * The probe interval for `db`. On PostgreSQL every replica's writes arrive by NOTIFY (and a reconnect
 * marks everything changed), so the probe, a full query there, is only a safety net and runs less often.
 */
export function probeIntervalMs(db: Db): number {
  return isPostgres(db) ? 4 * PROBE_INTERVAL_MS : PROBE_INTERVAL_MS;
}
const PAGE_CACHE_SIZE = 500;
const STATES = [...Object.keys(HEALTH_SEVERITY), "UNKNOWN"] as BoardState[];

type Entry = {
  row: BoardRow;
  item: BoardItem;
  /** Name, class, topics and team name, lower-cased: what search matches. */
  text: string;
  /** Every label, and every label's key (`env` for `env=prod`): what a label filter matches. */
  labelKeys: Set<string>;
  /** Sort keys; null (never observed, or never failed) sorts lowest, as SQL's NULL does in SQLite. */
  severity: number | null;
  lastFailure: number | null;
};

function toEntry(r: BoardRow): Entry {
  const h = r.health;
  const labels = parseLabels(r.labelsJson);
  return {
    row: r,
    item: {
      id: r.id,
      name: r.name,
      team: r.team,
      cluster: r.cluster,
      state: h?.state ?? "UNKNOWN",
      tasksRunning: h?.tasksRunning ?? 0,
      tasksTotal: h?.tasksTotal ?? 0,
      tasksFailed: h?.tasksFailed ?? 0,
      lastFailureAt: h?.lastFailureAt ?? null,
      lastFailureLine: firstLine(displayTrace(h?.lastTrace)),
      desiredState: r.desiredState,
      version: r.version,
      deployedVersion: r.deployedVersion,
      connectorClass: r.connectorClass,
      labels,
      driftedAt: h?.driftedAt ?? null,
    },
    labelKeys: new Set(labels.flatMap((l) => [l, l.split("=")[0]!])),
    text: [r.name, r.connectorClass, r.topics, r.team.name].join("\n").toLowerCase(),
    severity: h ? HEALTH_SEVERITY[h.state] : null,
    lastFailure: h?.lastFailureAt?.getTime() ?? null,
  };
}

type Key = number | string | null;
const cmp = (a: Key, b: Key): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

const COLUMN_KEYS: Record<BoardSort["column"], ((e: Entry) => Key)[]> = {
  severity: [(e) => e.severity],
  name: [(e) => e.item.name],
  team: [(e) => e.item.team.name],
  cluster: [(e) => e.item.cluster.name],
  // Tasks sort by running, then total; both are null for a never-observed connector.
  tasks: [(e) => (e.severity === null ? null : e.item.tasksRunning), (e) => (e.severity === null ? null : e.item.tasksTotal)],
  lastFailure: [(e) => e.lastFailure],
  desiredState: [(e) => e.item.desiredState],
  version: [(e) => e.item.version],
};

/** The board's order: group, then the chosen column (default: failing first), then name and id so it is total. */
function comparator(q: Pick<BoardQuery, "sort" | "groupBy">): (a: Entry, b: Entry) => number {
  const dir = q.sort?.direction === "asc" ? 1 : -1;
  const keys = COLUMN_KEYS[q.sort?.column ?? "severity"];
  const group = q.groupBy === "team" ? (e: Entry) => e.item.team.name : q.groupBy === "cluster" ? (e: Entry) => e.item.cluster.name : null;
  return (a, b) => {
    if (group) {
      const g = cmp(group(a), group(b));
      if (g !== 0) return g;
    }
    for (const key of keys) {
      const c = cmp(key(a), key(b));
      if (c !== 0) return c * dir;
    }
    return cmp(a.item.name, b.item.name) || cmp(a.item.id, b.item.id);
  };
}

/** The query's filters other than state (counts are per state over these). */
function matcher(q: Omit<BoardQuery, "page" | "pageSize">): (e: Entry) => boolean {
  const search = q.search?.trim().toLowerCase() || undefined;
  const teamIds = q.teamIds ? new Set(q.teamIds) : null;
  const labels = q.labels ?? [];
  return (e) =>
    (q.clusterId === undefined || e.item.cluster.id === q.clusterId) &&
    (q.teamId === undefined || e.item.team.id === q.teamId) &&
    (!teamIds || teamIds.has(e.item.team.id)) &&
    (!search || e.text.includes(search)) &&
    labels.every((l) => e.labelKeys.has(l));
}

const driftMatches = (q: Pick<BoardQuery, "drifted">, e: Entry): boolean => !q.drifted || e.item.driftedAt !== null;

export type BoardChange = { version: number };

export class BoardSnapshot {
  private byCluster = new Map<string, Entry[]>();
  private all: Entry[] = [];
  private version = 0;
  private builtAt = new Date(0);
  private fingerprint: Awaited<ReturnType<typeof probeBoard>> | null = null;
  /** Clusters the bus named since the last rebuild; `everything` when it named none in particular. */
  private dirty = new Set<string>();
  private everything = true;
  private lastProbe = 0;
  private changeToken: string | null = null;
  private refreshing: Promise<void> | null = null;
  private orders = new Map<string, Entry[]>();
  private pages = new Map<string, BoardSnapshotPage>();
  private listeners = new Set<(change: BoardChange) => void>();
  private watchTimer: NodeJS.Timeout | null = null;
  private pushTimer: NodeJS.Timeout | null = null;
  private readonly stopBus: () => void;

  constructor(private readonly db: Db) {
    this.stopBus = onBoardChange((clusterId) => {
      if (clusterId === null) this.everything = true;
      else this.dirty.add(clusterId);
      // Watched: rebuild right away so open pages hear of it now, not at the next probe.
      if (this.listeners.size > 0 && !this.pushTimer) {
        this.pushTimer = setTimeout(() => {
          this.pushTimer = null;
          void this.current().catch(() => undefined);
        }, 20);
      }
    });
  }

  /** Brings the snapshot up to date with the database: at once for changes the bus announced, within the probe interval otherwise. */
  async current(): Promise<void> {
    let due = Date.now() - this.lastProbe >= probeIntervalMs(this.db);
    // A change announced while a rebuild ran may have missed it: go round again.
    while (due || this.refreshing || this.dirty.size > 0 || this.everything) {
      due = false;
      if (!this.refreshing) {
        this.refreshing = this.refresh().finally(() => {
          this.refreshing = null;
        });
      }
      await this.refreshing;
    }
  }

  private async refresh(): Promise<void> {
    const named = new Set(this.dirty);
    let everything = this.everything;
    this.dirty.clear();
    this.everything = false;
    this.lastProbe = Date.now();
    // On SQLite, skip the full probe while no other connection has committed (our own writes come by the bus).
    const token = await databaseChangeToken(this.db);
    if (token !== null && token === this.changeToken && named.size === 0 && !everything && this.fingerprint) return;
    const fingerprint = await probeBoard(this.db);
    this.changeToken = token;
    const before = this.fingerprint;
    if (!before || before.shared !== fingerprint.shared) everything = true;
    const stale = new Set(named);
    const same = (a?: BoardClusterFingerprint, b?: BoardClusterFingerprint) =>
      a?.connectors === b?.connectors && a?.healthCount === b?.healthCount && a?.observedAt === b?.observedAt && a?.lastFailureAt === b?.lastFailureAt;
    for (const id of new Set([...fingerprint.clusters.keys(), ...(before?.clusters.keys() ?? []), ...this.byCluster.keys()])) {
      if (everything || !same(before?.clusters.get(id), fingerprint.clusters.get(id))) stale.add(id);
    }
    if (stale.size === 0) {
      this.fingerprint = fingerprint;
      return;
    }
    try {
      for (const id of stale) {
        const prev = before?.clusters.get(id);
        const next = fingerprint.clusters.get(id);
        const entries = this.byCluster.get(id);
        // Only health written (same definitions, same number of rows): patch the rows observed since.
        if (!everything && entries && prev && next && prev.connectors === next.connectors && prev.healthCount === next.healthCount) {
          const at = new Map(entries.map((e, i) => [e.item.id, i]));
          for (const { connectorId, health } of await loadBoardHealthSince(this.db, id, new Date(prev.observedAt))) {
            const i = at.get(connectorId);
            if (i !== undefined) entries[i] = toEntry({ ...entries[i]!.row, health });
          }
          continue;
        }
        const rows = await loadBoardRows(this.db, id);
        if (rows.length > 0) this.byCluster.set(id, rows.map(toEntry));
        else this.byCluster.delete(id);
      }
    } catch (err) {
      // Try these again on the next read rather than serve a half-known board as current.
      for (const id of stale) this.dirty.add(id);
      throw err;
    }
    this.fingerprint = fingerprint;
    this.all = [...this.byCluster.values()].flat();
    this.version += 1;
    this.builtAt = new Date();
    this.orders.clear();
    this.pages.clear();
    for (const listener of this.listeners) listener({ version: this.version });
  }

  private ordered(q: BoardQuery): Entry[] {
    const key = `${q.groupBy ?? ""}|${q.sort?.column ?? ""}|${q.sort?.direction ?? ""}`;
    let rows = this.orders.get(key);
    if (!rows) {
      rows = [...this.all].sort(comparator(q));
      this.orders.set(key, rows);
    }
    return rows;
  }

  /**
   * One page of the board as of the last {@link current}. The same query and version give the same
   * object, computed once: every open page with that query shares it (and its serialized form).
   */
  query(q: BoardQuery): BoardSnapshotPage {
    const pageSize = Math.min(Math.max(q.pageSize ?? 50, 1), MAX_PAGE_SIZE);
    const page = Math.max(q.page ?? 1, 1);
    const search = q.search?.trim().toLowerCase() || undefined;
    const cacheKey = JSON.stringify([page, pageSize, q.clusterId, q.teamId, q.teamIds, q.state, search, q.labels ?? [], q.drifted ?? false, q.sort, q.groupBy]);
    const cached = this.pages.get(cacheKey);
    if (cached) return cached;

    const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<BoardState, number>;
    const items: BoardItem[] = [];
    const first = (page - 1) * pageSize;
    let total = 0;
    let drifted = 0;
    const matches = matcher(q);
    for (const e of this.ordered(q)) {
      const it = e.item;
      if (!matches(e)) continue;
      if (it.driftedAt !== null) drifted += 1;
      if (!driftMatches(q, e)) continue;
      counts[it.state] += 1;
      if (q.state !== undefined && it.state !== q.state) continue;
      if (total >= first && items.length < pageSize) items.push(it);
      total += 1;
    }
    // Frozen: shared by every reader of this version, and encoded once for all of them.
    const result: BoardSnapshotPage = Object.freeze({ items, total, page, pageSize, counts, drifted, version: this.version, generatedAt: this.builtAt });
    if (this.pages.size >= PAGE_CACHE_SIZE) this.pages.clear();
    this.pages.set(cacheKey, result);
    return result;
  }

  /**
   * Every row the query's filters select, state included, in its order and unpaged (as of the last
   * {@link current}): what a bulk change starts from.
   */
  select(q: Omit<BoardQuery, "page" | "pageSize">): BoardItem[] {
    const matches = matcher(q);
    return this.ordered(q).flatMap((e) => (matches(e) && driftMatches(q, e) && (q.state === undefined || e.item.state === q.state) ? [e.item] : []));
  }

  /**
   * Calls `listener` after each rebuild. While anyone listens the snapshot probes the database every
   * {@link probeIntervalMs} by itself, so changes written by another process reach open pages without a reader.
   */
  subscribe(listener: (change: BoardChange) => void): () => void {
    this.listeners.add(listener);
    if (!this.watchTimer) {
      this.watchTimer = setInterval(() => void this.current().catch(() => undefined), probeIntervalMs(this.db));
      this.watchTimer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.watchTimer) {
        clearInterval(this.watchTimer);
        this.watchTimer = null;
      }
    };
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** Stops listening to the bus and the database (tests). */
  close(): void {
    this.stopBus();
    if (this.watchTimer) clearInterval(this.watchTimer);
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.listeners.clear();
  }
}

// On globalThis: Next.js may bundle this module once per route, and all of them must share one snapshot.
const globalForBoard = globalThis as unknown as { switchboardBoardSnapshots?: WeakMap<Db, BoardSnapshot> };
const snapshots = (globalForBoard.switchboardBoardSnapshots ??= new WeakMap<Db, BoardSnapshot>());

/** The board snapshot of a database handle (one per process for the app's handle). */
export function boardSnapshot(db: Db): BoardSnapshot {
  let s = snapshots.get(db);
  if (!s) {
    s = new BoardSnapshot(db);
    snapshots.set(db, s);
  }
  return s;
}
