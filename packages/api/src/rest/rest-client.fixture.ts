/**
 * Calls the REST handler as a client would (a fetch Request in, a Response out) and checks every
 * answer, errors included, against the generated OpenAPI document.
 */
import type { Db } from "@switchboard/db/client";
import type { ConnectFactory } from "../connect-context";
import { createContractChecker } from "./contract.fixture";
import { createRestHandler, type RestHandlerOptions } from "./handler";
import { API_BASE } from "./openapi";

export type RestAnswer = { status: number; body: any; headers: Headers; text: string };

export function createRestClient(db: Db, opts: { connectFor?: ConnectFactory } & Omit<RestHandlerOptions, "db" | "connectFor"> = {}) {
  const contract = createContractChecker();
  const handler = createRestHandler({ db, ...opts });
  async function call(
    token: string | null,
    method: "GET" | "POST" | "PUT" | "DELETE",
    template: string,
    args: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<RestAnswer> {
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(args.params?.[name] ?? ""));
    const url = new URL(`http://switchboard.test${API_BASE}${path}`);
    for (const [k, v] of Object.entries(args.query ?? {})) url.searchParams.set(k, v);
    const body = args.rawBody ?? (args.body === undefined ? undefined : JSON.stringify(args.body));
    const res = await handler(
      new Request(url, {
        method,
        body,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...args.headers },
      }),
    );
    const text = await res.text();
    const parsed = JSON.parse(text) as unknown;
    // Undocumented routes and methods (404/405) have no operation to check against: the tests check those answers' shape.
    if (contract.documents(method, `${API_BASE}${template}`)) contract.check(method, `${API_BASE}${template}`, res.status, parsed);
    return { status: res.status, body: parsed, headers: res.headers, text };
  }
  return { call, contract, handler };
}
