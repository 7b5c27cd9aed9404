/**
 * The web app for `pnpm start` and end-to-end tests: database migrated and seeded for a stack,
 * a production build that is redone only when sources changed, and `next start` with the worker in
 * the same process.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createDb } from "@switchboard/db/client";
import { migrateDatabase } from "@switchboard/db/migrate";
import { listUsers } from "@switchboard/db/repos/users";
import { seedDemoData } from "@switchboard/db/seed";
import { REPO_ROOT } from "./paths";
import type { StackEndpoints } from "./stack";

export const WEB_DIR = join(REPO_ROOT, "apps", "web");
const NEXT_BIN = join(WEB_DIR, "node_modules", ".bin", "next");
const BUILD_ID = join(WEB_DIR, ".next", "BUILD_ID");

type Log = (msg: string) => void;

/** Migrates the database at `url` (SQLite or PostgreSQL) and seeds the demo data pointing at the stack. Returns the demo users. */
export async function prepareDatabase(url: string, ep: StackEndpoints): Promise<Array<{ email: string; name: string; role: string }>> {
  await migrateDatabase(url);
  const db = createDb(url);
  try {
    await seedDemoData(db, { connectUrls: ep.connectUrls, bootstrapServers: ep.bootstrap });
    return (await listUsers(db)).filter((u) => !u.disabled).map((u) => ({ email: u.email, name: u.name, role: u.role }));
  } finally {
    await db.$disconnect();
  }
}

/** Everything the web build depends on: a newer file than the last build means it must be rebuilt. */
const BUILD_INPUTS = [
  join(WEB_DIR, "src"),
  join(WEB_DIR, "public"),
  join(WEB_DIR, "next.config.ts"),
  join(WEB_DIR, "package.json"),
  join(WEB_DIR, "postcss.config.mjs"),
  ...["api", "domain", "worker", "db", "engine", "connect-client", "telemetry"].map((p) => join(REPO_ROOT, "packages", p, "src")),
  join(REPO_ROOT, "pnpm-lock.yaml"),
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry.endsWith(".test.ts") || entry.endsWith(".test.tsx")) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Whether `.next` is missing or older than any source it was built from. */
export function webBuildIsStale(): boolean {
  if (!existsSync(BUILD_ID)) return true;
  const built = statSync(BUILD_ID).mtimeMs;
  return BUILD_INPUTS.some((p) => newestMtime(p) > built);
}

/** Runs `next build` when the build is missing or stale (about a minute); otherwise does nothing. */
export function ensureWebBuild(log: Log, opts: { force?: boolean } = {}): void {
  if (!opts.force && !webBuildIsStale()) {
    log("web app: the build is up to date");
    return;
  }
  log("web app: building (next build; redone only when sources change)…");
  const started = Date.now();
  const r = spawnSync(NEXT_BIN, ["build"], { cwd: WEB_DIR, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" } });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status ?? r.signal})`);
  log(`web app: built in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** NEXTAUTH_SECRET from the environment, else one generated once and kept in `<repo>/.data/nextauth-secret`. */
export function nextAuthSecret(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NEXTAUTH_SECRET) return env.NEXTAUTH_SECRET;
  const dir = join(REPO_ROOT, ".data");
  const file = join(dir, "nextauth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString("base64");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export type WebServerOptions = {
  port: number;
  databaseUrl: string;
  endpoints: StackEndpoints;
  /** Extra variables, e.g. SMTP_URL, SWITCHBOARD_WORKER=off. */
  env?: NodeJS.ProcessEnv;
  stdio?: "inherit" | "pipe";
};

/** The environment `next start` runs with: auth, public URL, database, stack endpoints, worker in-process. */
export function webServerEnv(opts: WebServerOptions): NodeJS.ProcessEnv {
  const url = `http://127.0.0.1:${opts.port}`;
  return {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(opts.port),
    NEXTAUTH_SECRET: nextAuthSecret(),
    NEXTAUTH_URL: url,
    SWITCHBOARD_PUBLIC_URL: process.env.SWITCHBOARD_PUBLIC_URL ?? url,
    DATABASE_URL: opts.databaseUrl,
    SWITCHBOARD_CONNECT: opts.endpoints.connectUrls.join(","),
    SWITCHBOARD_BOOTSTRAP: opts.endpoints.bootstrap,
    ...opts.env,
  };
}

/** Starts `next start` on 127.0.0.1:`port` (build first with {@link ensureWebBuild}). */
export function spawnWebServer(opts: WebServerOptions): ChildProcess {
  return spawn(NEXT_BIN, ["start", "--hostname", "127.0.0.1", "--port", String(opts.port)], {
    cwd: WEB_DIR,
    stdio: opts.stdio ?? "inherit",
    env: webServerEnv(opts),
  });
}
