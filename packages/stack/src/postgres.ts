/**
 * PostgreSQL for the local stack (replicas, and the test suites' second database): Debian's server
 * binaries, our own data directory and loopback port, started and stopped by pid like the Kafka
 * processes. Installed from Debian's packages when missing. Trust authentication on 127.0.0.1 only:
 * a development and test server, never a production one.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stackConfig } from "./stack";

type Log = (msg: string) => void;

export type PostgresConfig = { dataDir: string; port: number };

export function postgresConfig(env: NodeJS.ProcessEnv = process.env): PostgresConfig {
  return { dataDir: join(stackConfig(env).dataDir, "postgres"), port: Number(env.SWITCHBOARD_PG_PORT ?? 15432) };
}

/** The server's admin URL (database `postgres`); tests create their own databases through it. */
export function postgresAdminUrl(cfg = postgresConfig()): string {
  return `postgresql://postgres@127.0.0.1:${cfg.port}/postgres`;
}

/** The URL of the `switchboard` database on the local server. */
export function postgresUrl(cfg = postgresConfig()): string {
  return `postgresql://postgres@127.0.0.1:${cfg.port}/switchboard`;
}

/** Debian installs each major version under /usr/lib/postgresql/<major>/bin; the newest wins. */
function binDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter((d) => existsSync(join(root, d, "bin", "pg_ctl"))).sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], "bin") : null;
}

function ensureInstalled(log: Log): string {
  let bin = binDir();
  if (bin) return bin;
  log("installing Debian's postgresql…");
  spawnSync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql"], { stdio: "inherit" });
  bin = binDir();
  if (!bin) throw new Error("PostgreSQL is not installed and apt-get could not install it (apt-get install postgresql).");
  return bin;
}

/** initdb and the server refuse to run as root: as root, they run as Debian's `postgres` user. */
function asServerUser(bin: string, cmd: string, args: string[]): string {
  const exe = join(bin, cmd);
  const [file, argv] = process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", exe, ...args]] : [exe, args];
  return execFileSync(file, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function ownForServer(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() !== 0) return;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }));
  chownSync(dir, id("-u"), id("-g"));
}

/** The postmaster's pid from its pid file, when that process is alive. */
export function postgresPid(cfg = postgresConfig()): number | null {
  const file = join(cfg.dataDir, "data", "postmaster.pid");
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Starts the server (idempotent), creates the `switchboard` database, and returns its URL. */
export async function postgresUp(log: Log = () => {}, cfg = postgresConfig()): Promise<string> {
  const bin = ensureInstalled(log);
  const data = join(cfg.dataDir, "data");
  if (!existsSync(join(data, "PG_VERSION"))) {
    ownForServer(cfg.dataDir);
    asServerUser(bin, "initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"]);
    log(`initialised PostgreSQL in ${data}`);
  }
  // wal_level=logical (with slots and senders) lets Debezium's PostgreSQL connector stream changes.
  const opts = `-p ${cfg.port} -k ${cfg.dataDir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c wal_level=logical -c max_replication_slots=20 -c max_wal_senders=20`;
  const pgCtl = (action: "start" | "restart") =>
    asServerUser(bin, "pg_ctl", ["-D", data, "-l", join(cfg.dataDir, "server.log"), "-o", opts, "-w", "-t", "60", ...(action === "restart" ? ["-m", "fast"] : []), action]);
  const psql = (sql: string) => execFileSync(join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(cfg.port), "-U", "postgres", "-d", "postgres", "-tAc", sql], { encoding: "utf8" }).trim();
  if (postgresPid(cfg) === null) {
    pgCtl("start");
    log(`started PostgreSQL on 127.0.0.1:${cfg.port}`);
  } else if (psql("SHOW wal_level") !== "logical") {
    // A server started by an older stack: wal_level only changes with a restart.
    pgCtl("restart");
    log(`restarted PostgreSQL on 127.0.0.1:${cfg.port} with wal_level=logical`);
  }
  if (psql("SELECT 1 FROM pg_database WHERE datname = 'switchboard'") !== "1") psql("CREATE DATABASE switchboard");
  return postgresUrl(cfg);
}

/** Stops the server this stack started (by pid): a fast shutdown, then a kill if it lingers. */
export async function postgresDown(log: Log = () => {}, cfg = postgresConfig()): Promise<void> {
  const pid = postgresPid(cfg);
  if (pid === null) return;
  process.kill(pid, "SIGINT");
  const end = Date.now() + 20_000;
  while (postgresPid(cfg) !== null && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  if (postgresPid(cfg) !== null) process.kill(pid, "SIGKILL");
  log("stopped PostgreSQL");
}
