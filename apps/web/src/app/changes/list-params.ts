/** The change request list's filters as they live in the URL (`/changes?tab=open&cluster=…&mine=1&page=2`). */
export const TABS = {
  open: { label: "Open", statuses: ["draft", "in_review", "approved", "deploying"] },
  deployed: { label: "Deployed", statuses: ["deployed"] },
  failed: { label: "Failed", statuses: ["failed"] },
  closed: { label: "Closed", statuses: ["rejected", "cancelled"] },
  all: { label: "All", statuses: [] },
} as const;

export type Tab = keyof typeof TABS;
export type ListFilters = { tab: Tab; clusterId: string; mine: boolean; page: number };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

export function parseListFilters(params: Record<string, string | string[] | undefined>): ListFilters {
  const tab = one(params.tab);
  const page = Number.parseInt(one(params.page), 10);
  return {
    tab: tab in TABS ? (tab as Tab) : "open",
    clusterId: one(params.cluster),
    mine: one(params.mine) === "1",
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** The URL of the list with some filters changed (page back to 1 unless given). */
export function listHref(current: ListFilters, change: Partial<ListFilters>): string {
  const next = { ...current, page: 1, ...change };
  const q = new URLSearchParams();
  if (next.tab !== "open") q.set("tab", next.tab);
  if (next.clusterId) q.set("cluster", next.clusterId);
  if (next.mine) q.set("mine", "1");
  if (next.page > 1) q.set("page", String(next.page));
  const s = q.toString();
  return s ? `/changes?${s}` : "/changes";
}
