/**
 * Metric route labels for a tRPC request: one per procedure it calls (`/api/trpc/connector.list`),
 * so latency is seen by procedure; a batch counts its whole duration for each procedure in it, which
 * is what each of its callers waited. Only the router's own procedure names become labels: anything
 * else is `/api/trpc/unknown`, so a caller cannot create time series at will.
 */
import type { AnyTRPCRouter } from "@trpc/server";

/** At most this many labels per request: a batch naming a thousand procedures is still one request. */
const MAX_LABELS = 20;

export function procedureRoutes(router: AnyTRPCRouter, endpoint: string): (req: Request) => string[] {
  const known = new Set(Object.keys(router._def.procedures as Record<string, unknown>));
  return (req) => {
    const url = new URL(req.url);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname.slice(endpoint.length + 1));
    } catch {
      return [`${endpoint}/unknown`];
    }
    const names = url.searchParams.get("batch") === "1" ? path.split(",") : [path];
    const labels = new Set(names.map((n) => (known.has(n) ? `${endpoint}/${n}` : `${endpoint}/unknown`)));
    return [...labels].slice(0, MAX_LABELS);
  };
}
