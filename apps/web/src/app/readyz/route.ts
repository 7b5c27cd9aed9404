/**
 * Readiness for load balancers and orchestrators, no session: 200 when the database answers, no
 * migration is pending and every cluster's Connect is reachable; 503 naming the checks that failed.
 * The body holds check names, cluster names and fixed short reasons only (see the domain's
 * `checkReadiness`); details go to the log, redacted.
 */
import { instrumentRoute } from "@switchboard/telemetry/http";
import { readinessResponse } from "./readiness-response";

export const dynamic = "force-dynamic";

export const GET = instrumentRoute("/readyz", () => readinessResponse());
