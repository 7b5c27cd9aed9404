/**
 * Prometheus metrics of this process (and of the worker running inside it), no session: restrict who
 * reaches it at the network or ingress, as with any scrape target. Queue and incident gauges are read
 * from the database at scrape time.
 */
import { instrumentRoute } from "@switchboard/telemetry/http";
import { metricsResponse } from "./metrics-response";

export const dynamic = "force-dynamic";

export const GET = instrumentRoute("/metrics", () => metricsResponse());
