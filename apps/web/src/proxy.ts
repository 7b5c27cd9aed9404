/**
 * Sends signed-out visitors of any page to /login (with a callbackUrl back). API routes answer
 * for themselves (tRPC returns UNAUTHORIZED as JSON), so they are not redirected.
 * This is a convenience, not the security boundary: every tRPC procedure checks the user again.
 */
import { withAuth } from "next-auth/middleware";
import { env } from "./env";

export default withAuth({
  secret: env.nextAuthSecret,
  pages: { signIn: "/login", error: "/login" },
});

export const config = {
  // Everything except API routes, Next's own assets, the probes and metrics (for load balancers and
  // Prometheus, no session) and static files from public/ (by extension, so a path segment with a
  // dot, such as a connector name, is still protected).
  matcher: ["/((?!api/|_next/|healthz$|readyz$|metrics$|.*\\.(?:ico|png|svg|jpg|jpeg|gif|webp|txt|xml|webmanifest)$).*)"],
};
