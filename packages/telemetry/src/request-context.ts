/**
 * The request id of the work in progress, carried through awaits with AsyncLocalStorage: set once per
 * HTTP request (and per job the worker runs), read by the logger and by whatever enqueues a job.
 * Kept on `globalThis` because Next.js may load this module more than once (instrumentation and route
 * bundles), and all copies must see the same store.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

export type RequestContext = { requestId: string };

const globalStore = globalThis as unknown as { switchboardRequestContext?: AsyncLocalStorage<RequestContext> };
const storage = (globalStore.switchboardRequestContext ??= new AsyncLocalStorage<RequestContext>());

/** Header a load balancer or a client may set, and that every response echoes. */
export const REQUEST_ID_HEADER = "x-request-id";

// A token we are willing to copy into logs and job rows: short, no spaces or control characters.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The incoming id when it is a sane short token, otherwise a fresh one (never trust a header to be log-safe). */
export function requestIdFrom(incoming: string | null | undefined): string {
  return incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Runs `fn` with `requestId` as the current request id (none: `fn` runs outside any request). */
export function withRequestId<T>(requestId: string | null | undefined, fn: () => T): T {
  return requestId ? storage.run({ requestId }, fn) : storage.exit(fn);
}

/** The current request id, if the code runs on behalf of a request or a job that carries one. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
