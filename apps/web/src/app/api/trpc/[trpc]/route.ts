import { appRouter } from "@switchboard/api/root";
import { createContextInner } from "@switchboard/api/trpc";
import { instrumentRoute } from "@switchboard/telemetry/http";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getSessionUser } from "../../../../server/auth";
import { log } from "../../../../server/log";
import { withBodyLimit } from "./body-limit";
import { withETag } from "./etag";
import { procedureRoutes } from "./procedure-routes";

const endpoint = "/api/trpc";

const handler = instrumentRoute(
  procedureRoutes(appRouter, endpoint),
  withBodyLimit(
    withETag(
      (req: Request) =>
        fetchRequestHandler({
          endpoint,
          req,
          router: appRouter,
          createContext: async () => createContextInner({ user: await getSessionUser() }),
          // Expected refusals (not found, forbidden, bad input) are answers, not faults: log the rest.
          onError: ({ path, error }) => {
            if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error.cause ?? error, procedure: path }, "tRPC procedure failed");
          },
        }),
      endpoint,
    ),
    // Bodies over 6 MB (a 5 MB state file import fits) are refused with 413 before anything reads them.
    { router: appRouter, endpoint },
  ),
);

export { handler as GET, handler as POST };
