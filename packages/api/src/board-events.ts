/**
 * The board's live stream, for the web app's server-sent events route (a plain route rather than a
 * tRPC subscription: tRPC 11 answers every SSE subscription with 200 and puts a refusal inside the
 * stream, while an anonymous request here must be refused with 401 before anything streams).
 * The stream carries the page itself, exactly what `connector.board` answers for the same user and
 * input (the same input schema, the same use case, the same superjson encoding), so an open page
 * never has to ask again. Each distinct page of a snapshot version is computed and encoded once and
 * the same bytes go to every subscriber with that page.
 */
import { TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { z } from "zod";
import { boardPages } from "@switchboard/domain/connectors";
import { boardInput } from "./routers/connector";
import type { ContextInner } from "./trpc";

/** One `event: board` frame per page object; a page object is one (query, teams, version). */
const frames = new WeakMap<object, Uint8Array>();
const encoder = new TextEncoder();

function frameOf(page: object): Uint8Array {
  let frame = frames.get(page);
  if (!frame) {
    // superjson's JSON has no raw newline, so the page fits one `data:` line.
    frame = encoder.encode(`event: board\ndata: ${superjson.stringify(page)}\n\n`);
    frames.set(page, frame);
  }
  return frame;
}

/** The stream's query from its `input` URL parameter (JSON of `connector.board`'s input); BAD_REQUEST with the reason otherwise. */
export function parseBoardStreamInput(raw: string | null): z.infer<typeof boardInput> {
  let json: unknown = {};
  if (raw !== null) {
    try {
      json = JSON.parse(raw);
    } catch {
      throw new TRPCError({ code: "BAD_REQUEST", message: "The input parameter is not JSON." });
    }
  }
  const parsed = boardInput.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TRPCError({ code: "BAD_REQUEST", message: `Invalid board query: ${issue.path.join(".") || "input"}: ${issue.message}` });
  }
  return parsed.data;
}

/**
 * SSE frames (`event: board`, the page as superjson) for the signed-in user's board query in `rawInput`:
 * the current page at once, then each new version, until `signal` aborts. Throws UNAUTHORIZED
 * without a user (checked first) and BAD_REQUEST for an invalid query, before anything is sent.
 */
export function boardEvents(ctx: ContextInner, rawInput: string | null, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  const input = parseBoardStreamInput(rawInput);
  const pages = boardPages(ctx.db, ctx.user, input, signal);
  return (async function* () {
    for await (const page of pages) yield frameOf(page);
  })();
}
