/**
 * `GET /deployments/[id]/report`: the deployment report as a JSON attachment (secrets were masked
 * when the worker stored it). Any signed-in user may download it.
 */
import type { TRPCError } from "@trpc/server";
import { getSessionUser } from "../../../../server/auth";
import { api } from "../../../../trpc/server";

const STATUS: Partial<Record<TRPCError["code"], number>> = { UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_REQUEST: 400 };

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  if (!(await getSessionUser())) return Response.json({ error: "Sign in first." }, { status: 401 });
  try {
    const report = await api.deployment.report({ id });
    const filename = `deployment-${id.replace(/[^A-Za-z0-9_-]/g, "")}.json`;
    return new Response(`${JSON.stringify(report, null, 2)}\n`, {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "private, no-store",
      },
    });
  } catch (err) {
    // Checked by code: the bundled route and the api package may hold different TRPCError classes.
    const status = STATUS[(err as { code?: TRPCError["code"] }).code ?? "INTERNAL_SERVER_ERROR"];
    if (status) return Response.json({ error: (err as Error).message }, { status });
    throw err;
  }
}
