/**
 * The worker's environment (loop, SMTP, webhook allowlist, links), read and validated once. Nothing else in
 * the package reads `process.env`.
 */
import { z } from "zod";
import { parseWebhookAllowlist, type WebhookAllowlist } from "@switchboard/domain/webhooks";
import { LOG_LEVELS } from "@switchboard/telemetry/log-levels";

const optional = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const schema = z.object({
  /** `off` keeps the worker out of the web process (run `pnpm --filter @switchboard/worker start` instead). */
  SWITCHBOARD_WORKER: z.enum(["on", "off"]).default("on"),
  /** How often the worker looks for due jobs and notifications. */
  SWITCHBOARD_WORKER_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /**
   * How long a claimed job stays this worker's without a renewal (renewed every third of it): after a
   * crash, another worker takes the job up once it expires.
   */
  SWITCHBOARD_WORKER_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** Jobs run at once by one worker (deploys of different clusters, health polls). */
  SWITCHBOARD_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** e.g. `smtp://127.0.0.1:2525` or `smtps://user:pass@mail.example.com`; unset: email deliveries fail visibly. */
  SMTP_URL: optional.pipe(z.string().regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://").optional()),
  SMTP_FROM: z.string().trim().min(3).default("Switchboard <switchboard@localhost>"),
  /**
   * Internal webhook receivers deliveries may reach (`127.0.0.1:3999,10.0.0.0/8`); unset: none, so
   * webhooks go to public addresses only. Read here so a typo stops the worker at startup.
   */
  SWITCHBOARD_WEBHOOK_ALLOWLIST: z
    .string()
    .optional()
    .transform((text, ctx): WebhookAllowlist => {
      try {
        return parseWebhookAllowlist(text);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    }),
  /** Base URL of the web app, for links in notifications. */
  SWITCHBOARD_PUBLIC_URL: z.url().default("http://127.0.0.1:3000"),
  /** Level of the worker's JSON log lines on stdout (`silent` for none). */
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /**
   * The worker as its own process serves Prometheus metrics on this port (`GET /metrics`); unset: no
   * server. In the web process the web app's /metrics covers the worker.
   */
  SWITCHBOARD_WORKER_METRICS_PORT: optional.pipe(z.string().regex(/^\d+$/, "a port number").transform(Number).pipe(z.number().int().min(1).max(65535)).optional()),
  /** Address the metrics server listens on; loopback unless the scraper is elsewhere (e.g. `0.0.0.0` in a container). */
  SWITCHBOARD_WORKER_METRICS_HOST: z.string().trim().min(1).default("127.0.0.1"),
  /** Committer of the state-file commits written to clusters' Git repositories (the author is the change's author). */
  SWITCHBOARD_GIT_COMMITTER_NAME: z.string().trim().min(1).max(100).default("Switchboard"),
  SWITCHBOARD_GIT_COMMITTER_EMAIL: z.string().trim().min(3).max(200).default("switchboard@localhost"),
  /** A git command that prints nothing for this long is killed (a hung remote cannot hold the worker). */
  SWITCHBOARD_GIT_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
});

export type ApiEnv = z.infer<typeof schema>;

function readEnv(): ApiEnv {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) throw new Error(`Invalid environment:\n${z.prettifyError(parsed.error)}`);
  return { ...parsed.data, SWITCHBOARD_PUBLIC_URL: parsed.data.SWITCHBOARD_PUBLIC_URL.replace(/\/+$/, "") };
}

export const env: ApiEnv = readEnv();

/**
 * The environment git runs with: the worker's own (PATH, HOME, SSH agent, credential helpers), and
 * never a prompt for a password (it would hang the job instead of failing it).
 */
export function gitProcessEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith("GIT_")) out[key] = value;
  return { ...out, GIT_TERMINAL_PROMPT: "0" };
}
