import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCluster } from "@switchboard/db/repos/clusters";
import { openIncident } from "@switchboard/db/repos/health";
import { enqueueJob, getJob } from "@switchboard/db/repos/jobs";
import { createSqliteTestDb, type TestDb } from "@switchboard/db/testing";
import { deployJob } from "@switchboard/domain/jobs";
import { operationalSnapshot } from "@switchboard/domain/operations";
import { instrumentRoute } from "@switchboard/telemetry/http";
import { withRequestId } from "@switchboard/telemetry/request-context";
import { metricsResponse } from "./metrics-response";

let t: TestDb;
beforeAll(async () => {
  t = await createSqliteTestDb();
});
afterAll(async () => {
  await t.cleanup();
});

/** The route as Next.js serves it, over the test database. */
const GET = instrumentRoute("/metrics", () => metricsResponse(() => operationalSnapshot(t.db)));

function sample(body: string, series: string): number | undefined {
  const line = body.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("/metrics", () => {
  it("shows a deploy queued by a request in the queue gauges, and the job carries that request's id", async () => {
    const cluster = await createCluster(t.db, null, { name: "prod", environment: "prod", connectUrls: ["http://127.0.0.1:1"], approvalsRequired: 1 });
    const job = await withRequestId("req-metrics-1", () => enqueueJob(t.db, deployJob("dep-1", cluster.id)));
    expect((await getJob(t.db, job.id))?.requestId).toBe("req-metrics-1");
    await openIncident(t.db, { clusterId: cluster.id, connectorName: "orders-sink" });

    const res = await GET(new Request("http://127.0.0.1/metrics"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const body = await res.text();
    expect(sample(body, 'switchboard_queue_depth{kind="deploy"}')).toBe(1);
    expect(sample(body, 'switchboard_queue_oldest_job_age_seconds{kind="deploy"}')).toBeGreaterThanOrEqual(0);
    expect(sample(body, 'switchboard_open_incidents{cluster="prod"}')).toBe(1);
    expect(sample(body, "switchboard_database_stats_up")).toBe(1);
    for (const family of ["switchboard_http_request_duration_seconds", "switchboard_deploy_duration_seconds", "switchboard_health_poll_duration_seconds", "switchboard_notification_deliveries_total", "switchboard_board_subscribers", "process_resident_memory_bytes"]) {
      expect(body).toContain(`# TYPE ${family} `);
    }
  });

  it("counts its own scrapes by route", async () => {
    await GET(new Request("http://127.0.0.1/metrics"));
    const body = await (await GET(new Request("http://127.0.0.1/metrics"))).text();
    expect(sample(body, 'switchboard_http_request_duration_seconds_count{route="/metrics",method="GET",status="200"}')).toBeGreaterThanOrEqual(2);
  });

  it("a job enqueued outside any request has no request id", async () => {
    const job = await enqueueJob(t.db, deployJob("dep-2", "c"));
    expect(job.requestId).toBeNull();
  });
});
