/**
 * Applies the migrations programmatically, without the Prisma CLI: fast enough for tests (a fresh
 * database per test file) and for `pnpm start`, and the only way on PostgreSQL, where `prisma migrate
 * deploy` fails with the driver adapter (prisma/orm#27403). Applied migrations are recorded in
 * `_prisma_migrations` the way `prisma migrate deploy` records them (same table, same sha256
 * checksum), so the two can be mixed on one SQLite database.
 *
 * SQLite runs `prisma/migrations`, PostgreSQL `prisma/postgres/migrations` (generated from the same
 * schema with `prisma migrate diff`; see scripts/new-migration.ts).
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseUrl, isPostgresUrl, migrationsDir, sqliteFilePath } from "./env";

const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const POSTGRES_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

const APPLIED = `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL`;

/** Held while migrating PostgreSQL, so replicas starting at once apply each migration once. */
const POSTGRES_MIGRATION_LOCK = 7_310_501;

export type Migration = { name: string; sql: string; checksum: string };

/** The migrations in `dir`, in name (timestamp) order. */
export function readMigrations(dir: string = migrationsDir()): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** The migrations still to apply, given the applied ones; throws when an applied one was edited since. */
function pending(migrations: Migration[], applied: Map<string, string>): Migration[] {
  return migrations.filter((m) => {
    const known = applied.get(m.name);
    if (known !== undefined && known !== m.checksum) throw new Error(`Migration ${m.name} was edited after it was applied.`);
    return known === undefined;
  });
}

const appliedMap = (rows: { migration_name: string; checksum: string }[]) => new Map(rows.map((r) => [r.migration_name, r.checksum]));

/**
 * Brings the database at `url` up to date and returns the names of the migrations it applied; the
 * migrations folder defaults to the one for that database's kind.
 *
 * SQLite: all pending migrations run in one `BEGIN IMMEDIATE` transaction, so two processes starting
 * at once do not both apply them and a failing migration leaves the database as it was. Foreign keys
 * are off while migrating (SQLite's procedure for table redefinitions: dropping a table must not
 * cascade) and checked before commit. Also switches the file to WAL mode for concurrent readers.
 *
 * PostgreSQL: under an advisory lock (replicas starting together wait for each other), each pending
 * migration runs in its own transaction with its record, so a failing one leaves the earlier ones
 * applied and itself not at all.
 */
export async function migrateDatabase(url: string = databaseUrl(), dir: string = migrationsDir(url)): Promise<string[]> {
  return isPostgresUrl(url) ? migratePostgres(url, dir) : migrateSqlite(url, dir);
}

/** The names of the migrations not yet applied to the database at `url` (for readiness checks). */
export async function pendingMigrations(url: string = databaseUrl(), dir: string = migrationsDir(url)): Promise<string[]> {
  const migrations = readMigrations(dir);
  if (isPostgresUrl(url)) {
    return withPostgres(url, async (client) => {
      const { rows } = await client.query<{ t: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS t`);
      if (!rows[0]?.t) return migrations.map((m) => m.name);
      return pending(migrations, appliedMap((await client.query(APPLIED)).rows)).map((m) => m.name);
    });
  }
  const file = sqliteFilePath(url);
  if (!existsSync(file)) return migrations.map((m) => m.name);
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 15_000 });
  try {
    const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get();
    if (!hasTable) return migrations.map((m) => m.name);
    return pending(migrations, appliedMap(db.prepare(APPLIED).all() as { migration_name: string; checksum: string }[])).map((m) => m.name);
  } finally {
    db.close();
  }
}

function migrateSqlite(url: string, dir: string): string[] {
  const file = sqliteFilePath(url);
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 15_000 });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = OFF");
    db.exec(SQLITE_MIGRATIONS_TABLE);
    const migrations = readMigrations(dir);
    db.exec("BEGIN IMMEDIATE");
    try {
      const todo = pending(migrations, appliedMap(db.prepare(APPLIED).all() as { migration_name: string; checksum: string }[]));
      const record = db.prepare(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
      );
      for (const m of todo) {
        const startedAt = new Date().toISOString();
        db.exec(m.sql);
        record.run(randomUUID(), m.checksum, new Date().toISOString(), m.name, startedAt);
      }
      const violations = db.pragma("foreign_key_check") as unknown[];
      if (violations.length > 0) throw new Error(`Migrations left ${violations.length} foreign key violation(s).`);
      db.exec("COMMIT");
      return todo.map((m) => m.name);
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  } finally {
    db.close();
  }
}

async function withPostgres<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function migratePostgres(url: string, dir: string): Promise<string[]> {
  const migrations = readMigrations(dir);
  return withPostgres(url, async (client) => {
    await client.query("SELECT pg_advisory_lock($1)", [POSTGRES_MIGRATION_LOCK]);
    try {
      await client.query(POSTGRES_MIGRATIONS_TABLE);
      const todo = pending(migrations, appliedMap((await client.query(APPLIED)).rows));
      for (const m of todo) {
        await client.query("BEGIN");
        try {
          const startedAt = new Date();
          await client.query(m.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)`,
            [randomUUID(), m.checksum, m.name, startedAt],
          );
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw new Error(`Migration ${m.name} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      return todo.map((m) => m.name);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [POSTGRES_MIGRATION_LOCK]);
    }
  });
}
