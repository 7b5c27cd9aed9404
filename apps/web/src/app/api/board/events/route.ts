/**
 * Server-sent events for open board pages: `GET /api/board/events?input=<connector.board input as
 * JSON>` sends `event: board` with the page itself (superjson, as `connector.board` answers) at once
 * and after each change of the board snapshot, so the page never refetches. Signed-out requests get
 * 401 and an invalid query 400, with no stream; a stream ends after a few minutes so the browser
 * reconnects and the session (disabled user, bumped session version) is checked again.
 */
import { boardEvents } from "@switchboard/api/board-events";
import { createContextInner } from "@switchboard/api/trpc";
import { TRPCError } from "@trpc/server";
import { instrumentRoute } from "@switchboard/telemetry/http";
import { boardSubscribers } from "@switchboard/telemetry/metrics";
import { getSessionUser } from "../../../../server/auth";

export const dynamic = "force-dynamic";

const MAX_STREAM_MS = 5 * 60_000;
const HEARTBEAT_MS = 20_000;
const RETRY_MS = 2_000;

async function handle(req: Request): Promise<Response> {
  const user = await getSessionUser();
  const ended = new AbortController();
  const onClientGone = () => ended.abort();
  req.signal.addEventListener("abort", onClientGone);
  let events: AsyncGenerator<Uint8Array>;
  try {
    events = boardEvents(createContextInner({ user }), new URL(req.url).searchParams.get("input"), ended.signal);
  } catch (err) {
    req.signal.removeEventListener("abort", onClientGone);
    const refusal = err instanceof TRPCError && err.code === "BAD_REQUEST" ? { status: 400, code: err.code, message: err.message } : { status: 401, code: "UNAUTHORIZED", message: "Sign in first." };
    return Response.json({ error: { message: refusal.message, code: refusal.code } }, { status: refusal.status, headers: { "cache-control": "no-store" } });
  }
  const encoder = new TextEncoder();
  let heartbeat: NodeJS.Timeout | undefined;
  let maxAge: NodeJS.Timeout | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // Not awaited: the stream counts as started at once and delivers what is enqueued as it comes.
      void pump(controller);
    },
    cancel() {
      ended.abort();
    },
  });
  async function pump(controller: ReadableStreamDefaultController<Uint8Array>) {
    boardSubscribers.inc();
    const send = (chunk: string | Uint8Array) => {
      try {
        controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      } catch {
        // The client went away between two events.
        ended.abort();
      }
    };
    // Comments keep proxies from closing an idle stream.
    heartbeat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
    maxAge = setTimeout(() => ended.abort(), MAX_STREAM_MS);
    try {
      send(`retry: ${RETRY_MS}\n\n`);
      // The same bytes for every subscriber with this page and version.
      for await (const frame of events) send(frame);
    } catch {
      // The snapshot could not be read (database down): end the stream; the browser reconnects.
    } finally {
      clearInterval(heartbeat);
      clearTimeout(maxAge);
      req.signal.removeEventListener("abort", onClientGone);
      boardSubscribers.dec();
      try {
        controller.close();
      } catch {
        // Already closed by the client.
      }
    }
  }
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}

export const GET = instrumentRoute("/api/board/events", handle);
