/**
 * Server-sent events for open board pages: `event: board` with `{"version":n}` whenever the board
 * snapshot changes (and once on connect). The page then refetches its board query, which is served
 * from the snapshot and revalidated with an ETag. Signed-out requests get 401 and no stream; a
 * stream ends after a few minutes so the browser reconnects and the session is checked again.
 */
import { boardEvents } from "@switchboard/api/board-events";
import { createContextInner } from "@switchboard/api/trpc";
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
  let events: AsyncGenerator<{ version: number }>;
  try {
    events = boardEvents(createContextInner({ user }), ended.signal);
  } catch {
    req.signal.removeEventListener("abort", onClientGone);
    return Response.json({ error: { message: "Sign in first.", code: "UNAUTHORIZED" } }, { status: 401, headers: { "cache-control": "no-store" } });
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
    const send = (text: string) => {
      try {
        controller.enqueue(encoder.encode(text));
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
      for await (const change of events) send(`event: board\ndata: ${JSON.stringify({ version: change.version })}\n\n`);
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
