import { operationalSnapshot } from "@switchboard/domain/operations";
import { renderMetrics, type SnapshotCollector } from "@switchboard/telemetry/metrics";

/** The Prometheus exposition, with the database gauges read at scrape time. */
export async function metricsResponse(collect: SnapshotCollector = () => operationalSnapshot()): Promise<Response> {
  const { contentType, body } = await renderMetrics(collect);
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}
