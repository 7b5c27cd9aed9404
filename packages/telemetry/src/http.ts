/**
 * Wraps a route handler (Fetch API `Request` → `Response`) so that it runs with a request id (the
 * caller's `x-request-id` when sane, otherwise a new one; echoed in the response), and its latency is
 * recorded by route, method and status.
 */
import { httpRequestDuration } from "./metrics";
import { REQUEST_ID_HEADER, requestIdFrom, withRequestId } from "./request-context";

/**
 * Route label(s) of a request: a fixed string, or computed (the tRPC handler names each procedure of
 * a batch). Never put raw URL text in a label: each distinct value is a new time series.
 */
export type RouteLabel = string | ((req: Request) => readonly string[]);

export function instrumentRoute<A extends unknown[]>(
  route: RouteLabel,
  handler: (req: Request, ...rest: A) => Response | Promise<Response>,
): (req: Request, ...rest: A) => Promise<Response> {
  return async (req, ...rest) => {
    const requestId = requestIdFrom(req.headers.get(REQUEST_ID_HEADER));
    const started = performance.now();
    let status = 500;
    try {
      const response = await withRequestId(requestId, () => handler(req, ...rest));
      status = response.status;
      return withHeader(response, REQUEST_ID_HEADER, requestId);
    } finally {
      const seconds = (performance.now() - started) / 1000;
      for (const label of typeof route === "string" ? [route] : route(req)) {
        httpRequestDuration.observe({ route: label, method: req.method, status: String(status) }, seconds);
      }
    }
  };
}

/** Sets a header, copying the response when its headers are immutable (e.g. `Response.redirect`). */
function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}
