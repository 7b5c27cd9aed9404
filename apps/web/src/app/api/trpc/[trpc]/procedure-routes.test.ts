import { initTRPC } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { procedureRoutes } from "./procedure-routes";

const t = initTRPC.create();
const router = t.router({ me: t.procedure.query(() => 1), connector: t.router({ list: t.procedure.query(() => []) }) });
const routes = procedureRoutes(router, "/api/trpc");

describe("procedureRoutes", () => {
  it("labels a call by its procedure path and each procedure of a batch once", () => {
    expect(routes(new Request("http://x/api/trpc/connector.list?input=%7B%7D"))).toEqual(["/api/trpc/connector.list"]);
    expect(routes(new Request("http://x/api/trpc/me,connector.list,me?batch=1"))).toEqual(["/api/trpc/me", "/api/trpc/connector.list"]);
  });

  it("never turns caller-chosen text into a label", () => {
    expect(routes(new Request("http://x/api/trpc/evil-${Math.random()}"))).toEqual(["/api/trpc/unknown"]);
    expect(routes(new Request("http://x/api/trpc/me,a1,a2,a3?batch=1"))).toEqual(["/api/trpc/me", "/api/trpc/unknown"]);
    expect(routes(new Request("http://x/api/trpc/%E0%A4%A?batch=1"))).toEqual(["/api/trpc/unknown"]);
    const many = Array.from({ length: 500 }, (_, i) => `p${i}`).join(",");
    expect(routes(new Request(`http://x/api/trpc/${many}?batch=1`))).toEqual(["/api/trpc/unknown"]);
  });
});
