/**
 * Playwright's web server: a fresh database seeded with the demo data, the production build of the
 * web app, and `next start` with the worker in-process, sending email to the test's SMTP server and
 * allowed to post webhooks to the test's local receiver.
 */
import { mkdirSync, rmSync } from "node:fs";
import { createDb } from "@switchboard/db/client";
import { listClusters, updateCluster } from "@switchboard/db/repos/clusters";
import { stackUp } from "@switchboard/stack/stack";
import { ensureWebBuild, prepareDatabase, spawnWebServer } from "@switchboard/stack/web-app";
import { DATABASE_URL, E2E_DIR, MONITOR_INTERVAL_SECONDS, SMTP_PORT, WEBHOOK_PORT, WEB_PORT } from "./env";
import { webhookAllowlistEntry } from "./receivers";

const log = (m: string) => console.error(`e2e: ${m}`);

// Demo mode, for the seed and the web server (it inherits this environment): the specs sign in as
// the demo users, whose password works only there.
process.env.SWITCHBOARD_DEMO = "1";

rmSync(E2E_DIR, { recursive: true, force: true });
mkdirSync(E2E_DIR, { recursive: true });
const ep = await stackUp(log);
await prepareDatabase(DATABASE_URL, ep);
const db = createDb(DATABASE_URL);
for (const cluster of await listClusters(db)) {
  await updateCluster(db, null, cluster.id, { monitorIntervalSeconds: MONITOR_INTERVAL_SECONDS });
}
await db.$disconnect();
ensureWebBuild(log);

const child = spawnWebServer({
  port: WEB_PORT,
  databaseUrl: DATABASE_URL,
  endpoints: ep,
  env: {
    SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
    SMTP_FROM: "Switchboard <switchboard@example.com>",
    // The test's webhook receiver listens on loopback, which webhooks may reach only when the
    // operator's allowlist names it.
    SWITCHBOARD_WEBHOOK_ALLOWLIST: webhookAllowlistEntry(WEBHOOK_PORT),
  },
});
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
