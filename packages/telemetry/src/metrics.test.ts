import { describe, expect, it } from "vitest";
import { instrumentRoute } from "./http";
import { boardSubscribers, deployDuration, registry, renderMetrics } from "./metrics";
import { currentRequestId } from "./request-context";

/** The value of one sample line (`name{labels} value`) in the exposition, or undefined. */
function sample(body: string, name: string, labels = ""): number | undefined {
  const line = body.split("\n").find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ""} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("renderMetrics", () => {
  it("exposes the default process metrics and the product's families in Prometheus text format", async () => {
    const { body, contentType } = await renderMetrics();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const family of ["process_cpu_seconds_total", "nodejs_heap_size_used_bytes", "switchboard_http_request_duration_seconds", "switchboard_deploy_duration_seconds", "switchboard_board_subscribers"]) {
      expect(body).toContain(`# TYPE ${family} `);
    }
  });

  it("reads queue and incident gauges through the collector at scrape time, replacing the last values", async () => {
    let queued = 3;
    const collect = async () => ({ queue: [{ kind: "deploy", depth: queued, oldestAgeSeconds: 42 }], openIncidents: [{ cluster: "prod", count: 2 }] });
    let { body } = await renderMetrics(collect);
    expect(sample(body, "switchboard_queue_depth", 'kind="deploy"')).toBe(3);
    expect(sample(body, "switchboard_queue_oldest_job_age_seconds", 'kind="deploy"')).toBe(42);
    expect(sample(body, "switchboard_open_incidents", 'cluster="prod"')).toBe(2);
    expect(sample(body, "switchboard_database_stats_up")).toBe(1);
    queued = 1;
    ({ body } = await renderMetrics(collect));
    expect(sample(body, "switchboard_queue_depth", 'kind="deploy"')).toBe(1);
  });

  it("still answers when the database read fails, with the stats marked down and no stale gauges", async () => {
    await renderMetrics(async () => ({ queue: [{ kind: "health", depth: 9, oldestAgeSeconds: 1 }], openIncidents: [] }));
    const { body } = await renderMetrics(async () => {
      throw new Error("database is locked");
    });
    expect(sample(body, "switchboard_database_stats_up")).toBe(0);
    expect(sample(body, "switchboard_queue_depth", 'kind="health"')).toBeUndefined();
    expect(body).not.toContain("database is locked");
  });

  it("counts deploys by outcome and board subscribers as they come and go", async () => {
    const before = sample((await renderMetrics()).body, "switchboard_deploy_duration_seconds_count", 'outcome="failed"') ?? 0;
    deployDuration.observe({ outcome: "failed" }, 12);
    boardSubscribers.inc();
    boardSubscribers.inc();
    boardSubscribers.dec();
    const { body } = await renderMetrics();
    expect(sample(body, "switchboard_deploy_duration_seconds_count", 'outcome="failed"')).toBe(before + 1);
    expect(sample(body, "switchboard_board_subscribers")).toBe(1);
    boardSubscribers.dec();
  });
});

describe("instrumentRoute", () => {
  it("times a request by its route label, echoes a sane incoming request id and runs the handler under it", async () => {
    let seen: string | undefined;
    const handler = instrumentRoute("/healthz", () => {
      seen = currentRequestId();
      return new Response("ok", { status: 202 });
    });
    const res = await handler(new Request("http://x/healthz", { headers: { "x-request-id": "lb-7f3a.1" } }));
    expect(res.headers.get("x-request-id")).toBe("lb-7f3a.1");
    expect(seen).toBe("lb-7f3a.1");
    const body = await registry.metrics();
    expect(sample(body, "switchboard_http_request_duration_seconds_count", 'route="/healthz",method="GET",status="202"')).toBe(1);
  });

  it("replaces an incoming request id that is not a short sane token", async () => {
    const handler = instrumentRoute("/x", () => Response.redirect("http://x/elsewhere", 302));
    for (const bad of ["a b", "x".repeat(65), "id;with=semicolon", "<script>"]) {
      const res = await handler(new Request("http://x/x", { headers: { "x-request-id": bad } }));
      const id = res.headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.status).toBe(302);
    }
  });

  it("labels each route the label function names, and a thrown handler as status 500", async () => {
    const handler = instrumentRoute(
      () => ["/api/trpc/a", "/api/trpc/b"],
      () => {
        throw new Error("boom");
      },
    );
    await expect(handler(new Request("http://x/api/trpc/a,b", { method: "POST" }))).rejects.toThrow("boom");
    const body = await registry.metrics();
    for (const route of ["/api/trpc/a", "/api/trpc/b"]) {
      expect(sample(body, "switchboard_http_request_duration_seconds_count", `route="${route}",method="POST",status="500"`)).toBe(1);
    }
  });
});
