import { appRouter } from "@switchboard/api/root";
import { createContextInner } from "@switchboard/api/trpc";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { env } from "../../../../env";
import { getSessionUser } from "../../../../server/auth";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => createContextInner({ user: await getSessionUser() }),
    onError:
      env.nodeEnv === "development"
        ? ({ path, error }) => console.error(`[trpc] ${path ?? "<no path>"}: ${error.message}`)
        : undefined,
  });
}

export { handler as GET, handler as POST };
