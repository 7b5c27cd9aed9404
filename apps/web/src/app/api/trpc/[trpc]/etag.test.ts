import { describe, expect, it } from "vitest";
import { withETag } from "./etag";

const endpoint = "/api/trpc";
let body = '{"result":{"data":{"json":{"items":[1]}}}}';
let calls = 0;
const inner = async (req: Request) => {
  calls += 1;
  return new Response(req.url.includes("fails") ? "{}" : body, { status: req.url.includes("fails") ? 401 : 200, headers: { "content-type": "application/json" } });
};
const handler = withETag(inner, endpoint);
const board = "http://x/api/trpc/connector.board?batch=1&input=%7B%7D";

describe("board ETag", () => {
  it("answers 304 without a body while the board is unchanged, and 200 with a new tag once it changes", async () => {
    const first = await handler(new Request(board));
    const etag = first.headers.get("etag");
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    expect(await first.text()).toBe(body);

    const again = await handler(new Request(board, { headers: { "if-none-match": etag! } }));
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    body = '{"result":{"data":{"json":{"items":[2]}}}}';
    const changed = await handler(new Request(board, { headers: { "if-none-match": etag! } }));
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(await changed.text()).toBe(body);
  });

  it("leaves errors, mutations and other queries alone, so no refusal or other answer is ever cached", async () => {
    const n = calls;
    const refused = await handler(new Request("http://x/api/trpc/connector.board?fails=1"));
    expect(refused.status).toBe(401);
    expect(refused.headers.get("etag")).toBeNull();
    const mixed = await handler(new Request("http://x/api/trpc/connector.board,me?batch=1"));
    expect(mixed.headers.get("etag")).toBeNull();
    const post = await handler(new Request(board, { method: "POST", body: "{}" }));
    expect(post.headers.get("etag")).toBeNull();
    expect(calls).toBe(n + 3);
  });
});
