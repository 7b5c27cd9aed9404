import type { AppRouter } from "@switchboard/api/root";
import type { inferRouterOutputs } from "@trpc/server";

/** What each procedure returns, inferred from the router so the web app never declares it again. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
