"use client";

import { useEffect, useRef, useState } from "react";
import superjson from "superjson";
import type { RouterOutputs } from "../trpc/types";
import type { BoardFilters } from "./board-params";

type BoardData = RouterOutputs["connector"]["board"];

/** Seconds since `since`, ticking every second. */
function useSecondsSince(since: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Math.round((now - since) / 1000));
}

/** Whether the board is live or polling, and how fresh its data is. */
export function UpdatedAgo({ at, fetching, live }: { at: number; fetching: boolean; live: boolean }) {
  const seconds = useSecondsSince(at);
  return (
    <p className="text-xs text-zinc-600 dark:text-zinc-400" aria-live="off">
      <span title={live ? "Changes appear as they happen" : "Live updates unavailable: checking every 5 s"}>{live ? "Live" : "Every 5 s"}</span>
      {" · "}
      {at === 0 ? "Loading…" : `Updated ${seconds < 2 ? "just now" : `${seconds} s ago`}`}
      {fetching && at !== 0 && <span className="ml-1">· refreshing</span>}
    </p>
  );
}

/**
 * Keeps the board page `filters` names live: the server pushes the page itself over server-sent
 * events (at once, then after each change) and it replaces the query's data, with no request of
 * ours. A change of filters reopens the stream with the new query. Returns whether the stream is
 * open: while it is not, the caller polls. EventSource reconnects by itself, except after a
 * refusal (401), when polling shows the sign-in error.
 */
export function useLiveBoard(filters: BoardFilters, onPage: (page: BoardData) => void): boolean {
  const [live, setLive] = useState(false);
  const latest = useRef(onPage);
  latest.current = onPage;
  const input = JSON.stringify(filters);
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const source = new EventSource(`/api/board/events?input=${encodeURIComponent(input)}`);
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.addEventListener("board", (event) => latest.current(superjson.parse<BoardData>((event as MessageEvent<string>).data)));
    return () => {
      source.close();
      setLive(false);
    };
  }, [input]);
  return live;
}
