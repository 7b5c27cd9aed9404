import { appRouter } from "@switchboard/api/root";
import { createContextInner } from "@switchboard/api/trpc";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { env } from "../../../../env";
import { getSessionUser } from "../../../../server/auth";
import { withBodyLimit } from "./body-limit";

const endpoint = "/api/trpc";

const handler = withBodyLimit(
  (req: Request) =>
    fetchRequestHandler({
      endpoint,
      req,
      router: appRouter,
      createContext: async () => createContextInner({ user: await getSessionUser() }),
      onError:
        env.nodeEnv === "development"
          ? ({ path, error }) => console.error(`[trpc] ${path ?? "<no path>"}: ${error.message}`)
          : undefined,
    }),
  // Bodies over 6 MB (a 5 MB state file import fits) are refused with 413 before anything reads them.
  { router: appRouter, endpoint },
);

export { handler as GET, handler as POST };
