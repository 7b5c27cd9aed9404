/**
 * Prometheus metrics of a worker running as its own process: `GET /metrics` on a port of its own
 * (`SWITCHBOARD_WORKER_METRICS_PORT`); anything else is 404. In the web process, the web app's
 * /metrics serves the same registry instead.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { renderMetrics, type SnapshotCollector } from "@switchboard/telemetry/metrics";

export type MetricsServer = { port: number; close: () => Promise<void> };

export async function startMetricsServer(opts: { host: string; port: number; collect: SnapshotCollector }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found. Metrics are at GET /metrics.\n");
      return;
    }
    renderMetrics(opts.collect).then(
      ({ contentType, body }) => res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(body),
      () => res.writeHead(503, { "content-type": "text/plain" }).end("Metrics are unavailable.\n"),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
