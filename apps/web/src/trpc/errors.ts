/**
 * True when a server-side tRPC call failed with NOT_FOUND. Compares the code, not the class: the
 * built app may hold two copies of TRPCError (page bundle and api package), so `instanceof` fails.
 */
export function isNotFoundError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "NOT_FOUND";
}
