import { checkReadiness, type Readiness, type ReadinessDeps } from "@switchboard/domain/operations";
import { log } from "../../server/log";

/** The /readyz answer: 200 or 503 with each check; never an error message, URL or credential. */
export async function readinessResponse(deps?: ReadinessDeps): Promise<Response> {
  let readiness: Readiness;
  try {
    readiness = await checkReadiness(deps);
  } catch (err) {
    log.error({ err }, "readiness check failed");
    readiness = { ready: false, checks: [{ check: "database", ok: false, reason: "could not be checked" }] };
  }
  if (!readiness.ready) log.warn({ failed: readiness.checks.filter((c) => !c.ok) }, "not ready");
  return Response.json(
    { status: readiness.ready ? "ready" : "not ready", checks: readiness.checks },
    { status: readiness.ready ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
