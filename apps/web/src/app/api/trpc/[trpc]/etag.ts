/**
 * Conditional GETs for the board query: a `connector.board` answer carries an ETag (a hash of its
 * body, so it changes exactly when the answer does) and `Cache-Control: private, no-cache`. The
 * browser then revalidates with If-None-Match by itself, and an unchanged board costs a 304 without a
 * body. The board is served from the in-memory snapshot, so computing the answer to compare is cheap.
 */
import { createHash } from "node:crypto";

const CACHEABLE = new Set(["connector.board"]);

/** Whether every procedure a GET names is one whose answer may be revalidated. */
function isCacheable(req: Request, endpoint: string): boolean {
  if (req.method !== "GET") return false;
  const path = decodeURIComponent(new URL(req.url).pathname.slice(endpoint.length + 1));
  return path.split(",").every((p) => CACHEABLE.has(p));
}

/** True when an If-None-Match header names `etag` (or is `*`). */
function matches(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag === etag || tag.replace(/^W\//, "") === etag.replace(/^W\//, "");
  });
}

export function withETag(handler: (req: Request) => Promise<Response>, endpoint: string): (req: Request) => Promise<Response> {
  return async (req) => {
    const res = await handler(req);
    if (res.status !== 200 || !isCacheable(req, endpoint)) return res;
    const body = await res.text();
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
    const headers = new Headers(res.headers);
    headers.set("etag", etag);
    // Private: the answer depends on who asks ("mine"); no-cache: always revalidate, never stale.
    headers.set("cache-control", "private, no-cache");
    headers.append("vary", "Cookie");
    if (matches(req.headers.get("if-none-match"), etag)) {
      headers.delete("content-type");
      headers.delete("content-length");
      return new Response(null, { status: 304, headers });
    }
    return new Response(body, { status: 200, headers });
  };
}
