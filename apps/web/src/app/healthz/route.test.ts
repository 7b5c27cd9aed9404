import { describe, expect, it } from "vitest";
import { GET } from "./route";

describe("/healthz", () => {
  it("answers 200 without touching the database, echoing the caller's request id", async () => {
    // No database is configured for this test: a handler that touched one would fail or hang here.
    const res = await GET(new Request("http://127.0.0.1/healthz", { headers: { "x-request-id": "probe-1" } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("x-request-id")).toBe("probe-1");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});
