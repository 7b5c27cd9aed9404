/**
 * Server-side tRPC for Server Components: `await api.connector.list(...)` calls the router
 * directly (no HTTP), with the signed-in user of the current request.
 */
import { createCaller } from "@switchboard/api/root";
import { createContextInner } from "@switchboard/api/trpc";
import { getSessionUser } from "../server/auth";

export const api = createCaller(async () => createContextInner({ user: await getSessionUser() }));
