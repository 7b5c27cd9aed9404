/**
 * Liveness for load balancers and orchestrators: the process answers. Touches nothing else (no
 * database, no Connect), so a slow dependency never gets a healthy process restarted.
 */
import { instrumentRoute } from "@switchboard/telemetry/http";

export const dynamic = "force-dynamic";

export const GET = instrumentRoute("/healthz", () => Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } }));
