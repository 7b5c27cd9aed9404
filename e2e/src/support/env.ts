/** Fixed local ports and files of the browser-test environment (loopback only). */
import { join } from "node:path";
import { REPO_ROOT } from "@switchboard/stack/paths";

export const WEB_PORT = Number(process.env.E2E_WEB_PORT ?? 3100);
export const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 2525);
export const WEBHOOK_PORT = Number(process.env.E2E_WEBHOOK_PORT ?? 2526);
export const E2E_DIR = join(REPO_ROOT, ".stack", "e2e");
export const DATABASE_URL = `file:${join(E2E_DIR, "switchboard-e2e.db")}`;
export const BASE_URL = `http://127.0.0.1:${WEB_PORT}`;
/** The browser tests' health monitor polls every 2 s so failures surface quickly. */
export const MONITOR_INTERVAL_SECONDS = 2;
