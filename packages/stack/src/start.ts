/**
 * `pnpm start`: brings up the local Kafka + Connect stack, migrates and seeds the database, builds the
 * web app if its sources changed, and serves it on 127.0.0.1:${PORT:-3000} with the worker (deploys,
 * health monitor, notifications) in the same process. Ctrl-C stops the web server; the stack keeps
 * running. It runs in demo mode (SWITCHBOARD_DEMO=1): the demo users and their password exist and
 * work only there.
 */
import { databaseUrl, displayDatabaseUrl, isPostgresUrl } from "@switchboard/db/env";
import { postgresConfig, postgresUp } from "./postgres";
import { stackUp } from "./stack";
import { DEMO_PASSWORD } from "@switchboard/db/seed";
import { ensureWebBuild, prepareDatabase, spawnWebServer } from "./web-app";

const log = (m: string) => console.error(`start: ${m}`);

// Demo mode for the seed (read when seeding) and the web server (it inherits this environment).
process.env.SWITCHBOARD_DEMO = "1";

try {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be a port number, not ${process.env.PORT}`);
  const ep = await stackUp((m) => console.error(`stack: ${m}`));
  const dbUrl = databaseUrl();
  // A PostgreSQL URL on the local stack's port (replicas on this machine): start that server too.
  if (isPostgresUrl(dbUrl) && new URL(dbUrl).port === String(postgresConfig().port)) await postgresUp((m) => console.error(`stack: ${m}`));
  const users = await prepareDatabase(dbUrl, ep);
  log(`database ready: ${displayDatabaseUrl(dbUrl)}`);
  ensureWebBuild(log);

  const child = spawnWebServer({ port, databaseUrl: dbUrl, endpoints: ep, env: { SWITCHBOARD_DEMO: "1" } });
  const width = Math.max(...users.map((u) => u.email.length));
  console.log(`
Switchboard is starting on http://127.0.0.1:${port}

Demo mode. Demo users (password: ${DEMO_PASSWORD}):
${users.map((u) => `  ${u.email.padEnd(width)}  ${u.role}`).join("\n")}

Kafka bootstrap: ${ep.bootstrap}   Connect workers: ${ep.connectUrls.join(",")}
Email notifications need SMTP_URL (e.g. smtp://127.0.0.1:2525); see the README.

Ctrl-C stops the web server. The Kafka stack keeps running: stop it with pnpm stack:down
`);
  // Ctrl-C reaches the child too (same process group); a SIGTERM sent to this process is passed on.
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on("SIGTERM", forward("SIGTERM"));
  process.on("SIGINT", () => undefined);
  const code = await new Promise<number>((resolve) => child.on("exit", (c, s) => resolve(c ?? (s ? 0 : 1))));
  console.error(`\nstart: the web server stopped. The Kafka stack is still running (pnpm stack:down stops it).`);
  process.exitCode = code;
} catch (err) {
  console.error(`start: error: ${(err as Error).message}`);
  process.exitCode = 1;
}
