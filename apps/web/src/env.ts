/**
 * The web app's environment, read and validated once. Nothing else in apps/web reads `process.env`.
 */
import { z } from "zod";
import { LOG_LEVELS } from "@switchboard/telemetry/log-levels";

const DEV_SECRET = "switchboard-local-development-secret-do-not-use-in-production";

const optional = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  // `next build` runs with NODE_ENV=production but without the deployment's secrets.
  NEXT_PHASE: z.string().optional(),
  NEXTAUTH_SECRET: optional,
  NEXTAUTH_URL: z.url().default("http://127.0.0.1:3000"),
  OIDC_ISSUER: optional.pipe(z.url().optional()),
  OIDC_CLIENT_ID: optional,
  OIDC_CLIENT_SECRET: optional,
  /** Demo mode (`pnpm start`, the browser tests): the demo users' password is accepted. Off by default. */
  SWITCHBOARD_DEMO: z.enum(["0", "1", "true", "false"]).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Level of the JSON log lines on stdout (`silent` for none). */
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** Requests per API token per minute on /api/v1 (over it: 429 with Retry-After). */
  SWITCHBOARD_API_RATE_LIMIT: z.coerce
    .number({ error: "SWITCHBOARD_API_RATE_LIMIT: a whole number of requests per token per minute." })
    .int("SWITCHBOARD_API_RATE_LIMIT: a whole number of requests per token per minute.")
    .min(1, "SWITCHBOARD_API_RATE_LIMIT: at least 1.")
    .max(1_000_000, "SWITCHBOARD_API_RATE_LIMIT: at most 1000000.")
    .default(300),
});

function readEnv() {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid environment:\n${z.prettifyError(parsed.error)}`);
  }
  const raw = parsed.data;

  const isBuild = raw.NEXT_PHASE === "phase-production-build";
  let secret = raw.NEXTAUTH_SECRET;
  if (!secret) {
    if (raw.NODE_ENV === "production" && !isBuild) {
      throw new Error("NEXTAUTH_SECRET is required in production (e.g. `openssl rand -base64 32`).");
    }
    if (!isBuild) {
      console.warn("[switchboard] NEXTAUTH_SECRET is not set: using a fixed local development secret.");
    }
    secret = DEV_SECRET;
  }

  const oidcValues = [raw.OIDC_ISSUER, raw.OIDC_CLIENT_ID, raw.OIDC_CLIENT_SECRET];
  const oidcSet = oidcValues.filter((value) => value !== undefined).length;
  if (oidcSet !== 0 && oidcSet !== oidcValues.length) {
    throw new Error("Set all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none of them.");
  }
  const oidc =
    raw.OIDC_ISSUER && raw.OIDC_CLIENT_ID && raw.OIDC_CLIENT_SECRET
      ? {
          issuer: raw.OIDC_ISSUER.replace(/\/+$/, ""),
          clientId: raw.OIDC_CLIENT_ID,
          clientSecret: raw.OIDC_CLIENT_SECRET,
        }
      : null;

  // next-auth 4 reads NEXTAUTH_URL from process.env itself; hand it the validated default.
  process.env.NEXTAUTH_URL ??= raw.NEXTAUTH_URL;

  return {
    nodeEnv: raw.NODE_ENV,
    isBuild,
    demoMode: raw.SWITCHBOARD_DEMO === "1" || raw.SWITCHBOARD_DEMO === "true",
    nextAuthSecret: secret,
    nextAuthUrl: raw.NEXTAUTH_URL,
    oidc,
    port: raw.PORT,
    logLevel: raw.LOG_LEVEL,
    apiRateLimit: { points: raw.SWITCHBOARD_API_RATE_LIMIT, durationSeconds: 60 },
  } as const;
}

export const env = readEnv();
