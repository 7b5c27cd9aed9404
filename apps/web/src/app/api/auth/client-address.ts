/**
 * The client address sign-in throttling counts failures against.
 *
 * Route handlers get no socket address. Next.js puts it into X-Forwarded-For itself, but only when
 * the request arrives without that header; a header the client sent is passed on as it is. The web
 * server listens on 127.0.0.1 only, so remote clients reach it through a reverse proxy on the host,
 * which appends the address it saw (or sets the header to it): the LAST entry is that address. The
 * entries before it are whatever the client wrote, so the first hop is never trusted.
 */
export function clientAddress(headers: Record<string, string | string[] | undefined> | undefined): string | null {
  const raw = headers?.["x-forwarded-for"];
  const value = Array.isArray(raw) ? raw.join(",") : raw;
  const last = value?.split(",").at(-1)?.trim();
  if (!last) return null;
  // Keys stay short and comparable: an IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
  return last.slice(0, 64).replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "").toLowerCase();
}
