/**
 * Test support for this package and its users: a fresh, migrated database per call. SQLite by
 * default (a file in a temporary directory, migrated in a few milliseconds); PostgreSQL when
 * `SWITCHBOARD_TEST_DATABASE=postgres` (a new database on `SWITCHBOARD_TEST_PG_URL`, copied from a
 * template migrated once per set of migrations), so the same suites run on both.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDb, type Db } from "./client";
import { env, migrationsDir } from "./env";
import { migrateDatabase, readMigrations } from "./migrate";

export type TestDb = { db: Db; url: string; cleanup: () => Promise<void> };

/** Creates a migrated database (see the module comment for which kind); `cleanup` disconnects and removes it. */
export async function createTestDb(): Promise<TestDb> {
  if (env.SWITCHBOARD_TEST_DATABASE === "postgres") {
    if (!env.SWITCHBOARD_TEST_PG_URL) throw new Error("SWITCHBOARD_TEST_DATABASE=postgres needs SWITCHBOARD_TEST_PG_URL (a server's admin URL).");
    return createPostgresTestDb(env.SWITCHBOARD_TEST_PG_URL);
  }
  return createSqliteTestDb();
}

/** A migrated SQLite database in a new temporary directory. */
export async function createSqliteTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-db-"));
  const url = `file:${join(dir, "test.db")}`;
  await migrateDatabase(url);
  const db = createDb(url);
  return {
    db,
    url,
    cleanup: async () => {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `adminUrl` with its database name replaced. */
export function postgresDatabaseUrl(adminUrl: string, database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `sql` statements on the server's admin database. */
export async function onPostgresServer(adminUrl: string, ...sql: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const s of sql) await client.query(s);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database (not migrated), dropped by `drop`. */
export async function createEmptyPostgresDb(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `sb_test_${randomBytes(6).toString("hex")}`;
  await onPostgresServer(adminUrl, `CREATE DATABASE "${name}"`);
  return { url: postgresDatabaseUrl(adminUrl, name), drop: () => onPostgresServer(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

const TEMPLATE_LOCK = 7_310_502;

/**
 * The template database holding the current migrations, created once (under an advisory lock, since
 * test files run in parallel processes) and named after the migrations' checksums, so a changed
 * migration gets a new template. It is migrated under a temporary name and renamed when complete.
 */
async function ensureTemplate(adminUrl: string): Promise<string> {
  const dir = migrationsDir("postgresql://");
  const hash = createHash("sha256").update(readMigrations(dir).map((m) => m.checksum).join()).digest("hex").slice(0, 12);
  const name = `sb_template_${hash}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK]);
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) {
      const building = `${name}_building`;
      await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${building}"`);
      await migrateDatabase(postgresDatabaseUrl(adminUrl, building), dir);
      await client.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    }
    return name;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/** A migrated PostgreSQL database on the server at `adminUrl` (whatever SWITCHBOARD_TEST_DATABASE says). */
export async function createPostgresTestDb(adminUrl: string): Promise<TestDb> {
  const template = await ensureTemplate(adminUrl);
  const name = `sb_test_${randomBytes(6).toString("hex")}`;
  await onPostgresServer(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = postgresDatabaseUrl(adminUrl, name);
  const db = createDb(url, { poolSize: 5 });
  return {
    db,
    url,
    cleanup: async () => {
      // A test that stopped a worker mid-job may leave a connection busy; the drop ends it anyway.
      await Promise.race([db.$disconnect(), new Promise((r) => setTimeout(r, 3_000).unref())]);
      await onPostgresServer(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
