/**
 * The automation API (`/api/v1/*`, bearer tokens; see packages/api/src/rest). The handler does
 * everything; this file only mounts it and hands unexpected faults to the server's log.
 */
import { createRestHandler } from "@switchboard/api/rest/handler";
import { instrumentRoute } from "@switchboard/telemetry/http";
import { env } from "../../../../env";
import { log } from "../../../../server/log";

export const dynamic = "force-dynamic";

const handler = instrumentRoute(
  "/api/v1",
  createRestHandler({ publicUrl: env.nextAuthUrl, rateLimit: env.apiRateLimit, onError: (err, operationId) => log.error({ err, operation: operationId }, "REST API call failed") }),
);

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
