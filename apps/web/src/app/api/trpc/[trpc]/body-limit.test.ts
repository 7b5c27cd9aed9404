import { initTRPC } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_BODY_BYTES, payloadTooLarge, readWithinLimit, withBodyLimit } from "./body-limit";

const t = initTRPC.create({ transformer: superjson, isDev: true });
const router = t.router({
  echo: t.procedure.input(z.object({ text: z.string() })).mutation(({ input }) => ({ length: input.text.length })),
  hello: t.procedure.query(() => "hi"),
});
const endpoint = "/api/trpc";
const handle = (req: Request) => fetchRequestHandler({ endpoint, req, router, createContext: () => ({}) });
const limited = withBodyLimit(handle, { router, endpoint, limit: 1000 });

/** A body sent in chunks without a Content-Length, counting how many chunks were pulled. */
function chunked(chunkSize: number, chunks: number) {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled === chunks) return controller.close();
      counter.pulled++;
      controller.enqueue(new Uint8Array(chunkSize).fill(0x20));
    },
  });
  return { stream, counter };
}

describe("readWithinLimit", () => {
  it("refuses a declared Content-Length over the limit without reading the body", async () => {
    const { stream, counter } = chunked(10, 5);
    const req = new Request("http://x/api/trpc/echo", { method: "POST", body: stream, headers: { "content-length": "2000" }, duplex: "half" } as RequestInit);
    expect(await readWithinLimit(req, 1000)).toEqual({ ok: false });
    expect(counter.pulled).toBeLessThanOrEqual(1);
  });

  it("refuses a chunked body once it passes the limit, and stops reading it", async () => {
    const { stream, counter } = chunked(100, 1000);
    const req = new Request("http://x/api/trpc/echo", { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(req.headers.get("content-length")).toBeNull();
    expect(await readWithinLimit(req, 1000)).toEqual({ ok: false });
    expect(counter.pulled).toBeLessThan(20);
  });

  it("passes a body within the limit on unchanged, and a request without a body as is", async () => {
    const { stream } = chunked(100, 10);
    const checked = await readWithinLimit(new Request("http://x/api/trpc/echo", { method: "POST", body: stream, duplex: "half" } as RequestInit), 1000);
    expect(checked.ok && (await checked.request.arrayBuffer()).byteLength).toBe(1000);
    const get = new Request("http://x/api/trpc/hello");
    expect(await readWithinLimit(get, 1000)).toEqual({ ok: true, request: get });
  });

  it("leaves room for a 5 MB state file in its JSON envelope", () => {
    expect(MAX_BODY_BYTES).toBeGreaterThan(5_000_000 * 1.1);
  });
});

describe("the limited tRPC handler", () => {
  const post = (path: string, text: string, headers: Record<string, string> = {}) =>
    limited(new Request(`http://x${endpoint}/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ json: { text } }) }));

  it("answers a body within the limit as before, over POST and GET", async () => {
    const res = await post("echo", "a".repeat(100));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: { data: { json: { length: 100 } } } });
    expect((await limited(new Request(`http://x${endpoint}/hello`))).status).toBe(200);
  });

  it("answers 413 with tRPC's error shape and no stack for a larger body", async () => {
    const res = await post("echo", "a".repeat(2000));
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await res.json()) as { error: { json: { message: string; code: number; data: Record<string, unknown> } } };
    expect(body.error.json).toMatchObject({ message: "The request body is larger than 0.001 MB.", code: -32013, data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413, path: "echo" } });
    expect(body.error.json.data).not.toHaveProperty("stack");
  });

  it("answers each call of a batch, so the client can match them", async () => {
    const res = await limited(new Request(`http://x${endpoint}/echo,echo?batch=1`, { method: "POST", body: JSON.stringify({ 0: { json: { text: "a".repeat(600) } }, 1: { json: { text: "b".repeat(600) } } }) }));
    expect(res.status).toBe(413);
    const body = (await res.json()) as Array<{ error: { json: { data: { code: string; path: string } } } }>;
    expect(body.map((b) => [b.error.json.data.code, b.error.json.data.path])).toEqual([
      ["PAYLOAD_TOO_LARGE", "echo"],
      ["PAYLOAD_TOO_LARGE", "echo"],
    ]);
  });

  it("builds the refusal from the router's config", () => {
    expect(payloadTooLarge(router, new Request(`http://x${endpoint}/hello`), endpoint, 2 * 1024 * 1024).status).toBe(413);
  });
});
