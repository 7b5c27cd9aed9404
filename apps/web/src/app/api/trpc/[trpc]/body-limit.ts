/**
 * A size limit on tRPC request bodies. tRPC's fetch adapter reads whatever it is sent, so the HTTP
 * handler refuses a body over the limit first: by its Content-Length before reading anything, and by
 * counting while reading one that declares no length (chunked), stopping at the limit. The refusal
 * is HTTP 413 with tRPC's own error shape, one per call of a batch, so clients show the message.
 */
import { getErrorShape, TRPCError, type AnyTRPCRouter } from "@trpc/server";

/** Large enough for the biggest legitimate body, a 5 MB state file import with its JSON envelope. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export type BodyCheck = { ok: true; request: Request } | { ok: false };

/**
 * The request with its body read into memory when it is at most `limit` bytes (a request without a
 * body is passed on as is); `{ ok: false }` as soon as it is known to be larger.
 */
export async function readWithinLimit(req: Request, limit: number): Promise<BodyCheck> {
  if (req.body === null) return { ok: true, request: req };
  const declared = req.headers.get("content-length");
  if (declared !== null && (!/^\d+$/.test(declared.trim()) || Number(declared) > limit)) return { ok: false };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return { ok: false };
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ok: true, request: new Request(req.url, { method: req.method, headers: req.headers, body, signal: req.signal }) };
}

/** The procedure paths a tRPC URL names (`/api/trpc/a,b?batch=1` → a and b). */
function procedurePaths(url: URL, endpoint: string): { paths: string[]; batch: boolean } {
  const path = decodeURIComponent(url.pathname.slice(endpoint.length + 1));
  const batch = url.searchParams.get("batch") === "1";
  return { paths: batch ? path.split(",") : [path], batch };
}

/** HTTP 413 in tRPC's error shape (the router's formatter applied, never a stack), one error per call of a batch. */
export function payloadTooLarge(router: AnyTRPCRouter, req: Request, endpoint: string, limit: number): Response {
  const config = router._def._config;
  const { paths, batch } = procedurePaths(new URL(req.url), endpoint);
  const error = new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: `The request body is larger than ${(limit / (1024 * 1024)).toLocaleString("en")} MB.` });
  const items = paths.map((path) => {
    const shape = getErrorShape({ config, error, type: "unknown", path, input: undefined, ctx: undefined }) as { data?: Record<string, unknown> };
    if (shape.data) delete shape.data.stack;
    return { error: config.transformer.output.serialize(shape) as unknown };
  });
  return Response.json(batch ? items : items[0], { status: 413 });
}

/** Wraps a tRPC fetch handler so that bodies over `limit` bytes are refused before tRPC reads them. */
export function withBodyLimit(handle: (req: Request) => Promise<Response>, opts: { router: AnyTRPCRouter; endpoint: string; limit?: number }) {
  const limit = opts.limit ?? MAX_BODY_BYTES;
  return async (req: Request): Promise<Response> => {
    const checked = await readWithinLimit(req, limit);
    return checked.ok ? handle(checked.request) : payloadTooLarge(opts.router, req, opts.endpoint, limit);
  };
}
