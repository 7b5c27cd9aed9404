/**
 * The board's filters as URL search parameters (shareable links) and as the `connector.board` input.
 * Parsing is lenient: an unknown value falls back to the default instead of failing the page.
 */
export const BOARD_STATES = ["FAILED", "DEGRADED", "MISSING", "UNASSIGNED", "RESTARTING", "RUNNING", "PAUSED", "STOPPED", "UNKNOWN"] as const;
export type BoardStateFilter = (typeof BOARD_STATES)[number];

export const SORT_COLUMNS = ["severity", "name", "team", "cluster", "tasks", "lastFailure", "desiredState", "version"] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export const PAGE_SIZES = [50, 100, 200] as const;

export type BoardFilters = {
  page: number;
  pageSize: number;
  state?: BoardStateFilter;
  teamId?: string;
  clusterId?: string;
  search?: string;
  /** `?label=env=prod&label=pci`: every one must match (a bare key matches any value). */
  labels?: string[];
  /** `?drift=1`: only connectors with the DRIFTED mark. */
  drifted?: boolean;
  mine?: boolean;
  groupBy?: "team" | "cluster";
  sort?: { column: SortColumn; direction: "asc" | "desc" };
};

type Params = { get(name: string): string | null; getAll?(name: string): string[] };

/** The server's label syntax (see the domain's labels module); anything else is dropped from the URL. */
const LABEL = /^[a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?(?:=[a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?)?$/;
export const MAX_LABEL_FILTERS = 10;

/** A typed label filter, normalised as the server does, or null when it is not one. */
export function normaliseLabel(raw: string): string | null {
  const label = raw.trim().toLowerCase();
  return LABEL.test(label) ? label : null;
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

/** Reads the filters from `?state=FAILED&team=…&cluster=…&q=…&mine=1&group=team&sort=name.asc&page=2&size=100`. */
export function parseBoardFilters(params: Params): BoardFilters {
  const page = Number.parseInt(params.get("page") ?? "", 10);
  const size = Number.parseInt(params.get("size") ?? "", 10);
  const [column, direction] = (params.get("sort") ?? "").split(".");
  const sortColumn = oneOf(SORT_COLUMNS, column ?? null);
  const sortDirection = oneOf(["asc", "desc"] as const, direction ?? null);
  const q = params.get("q")?.trim();
  return {
    page: Number.isFinite(page) && page > 0 ? page : 1,
    pageSize: (PAGE_SIZES as readonly number[]).includes(size) ? size : 50,
    state: oneOf(BOARD_STATES, params.get("state")),
    teamId: params.get("team") || undefined,
    clusterId: params.get("cluster") || undefined,
    search: q ? q.slice(0, 200) : undefined,
    ...labelsOf(params),
    drifted: params.get("drift") === "1" || undefined,
    mine: params.get("mine") === "1" || undefined,
    groupBy: oneOf(["team", "cluster"] as const, params.get("group")),
    sort: sortColumn && sortDirection ? { column: sortColumn, direction: sortDirection } : undefined,
  };
}

function labelsOf(params: Params): { labels?: string[] } {
  const labels = [...new Set((params.getAll?.("label") ?? []).flatMap((l) => normaliseLabel(l) ?? []))].slice(0, MAX_LABEL_FILTERS);
  return labels.length > 0 ? { labels } : {};
}

/** The query string for the filters (defaults left out, so links stay short). */
export function boardQueryString(f: BoardFilters): string {
  const p = new URLSearchParams();
  if (f.state) p.set("state", f.state);
  if (f.teamId) p.set("team", f.teamId);
  if (f.clusterId) p.set("cluster", f.clusterId);
  if (f.search) p.set("q", f.search);
  for (const label of f.labels ?? []) p.append("label", label);
  if (f.drifted) p.set("drift", "1");
  if (f.mine) p.set("mine", "1");
  if (f.groupBy) p.set("group", f.groupBy);
  if (f.sort) p.set("sort", `${f.sort.column}.${f.sort.direction}`);
  if (f.page > 1) p.set("page", String(f.page));
  if (f.pageSize !== 50) p.set("size", String(f.pageSize));
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** A record of Next's `searchParams` as a `get`-able object. */
export function recordParams(record: Record<string, string | string[] | undefined>): Params {
  return {
    get: (name) => {
      const v = record[name];
      return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
    },
    getAll: (name) => {
      const v = record[name];
      return Array.isArray(v) ? v : v === undefined ? [] : [v];
    },
  };
}
