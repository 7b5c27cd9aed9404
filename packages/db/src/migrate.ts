/**
 * Applies prisma/migrations/* programmatically, without the Prisma CLI: fast enough for tests (a
 * fresh temporary database per test file) and for `pnpm start`. Applied migrations are recorded in
 * `_prisma_migrations` the way `prisma migrate deploy` records them (same table, same sha256
 * checksum), so the two can be mixed on one database.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { databaseUrl, migrationsDir, sqliteFilePath } from "./env";

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

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

/**
 * Brings the SQLite database at `url` up to date and returns the names of the migrations it
 * applied. All pending migrations run in one `BEGIN IMMEDIATE` transaction, so two processes starting
 * at once do not both apply them, and a failing migration leaves the database as it was. Foreign keys
 * are off while migrating (SQLite's procedure for table redefinitions: dropping a table must not
 * cascade) and checked before commit. Also switches the file to WAL mode for concurrent readers.
 */
export function migrateDatabase(url: string = databaseUrl(), dir: string = migrationsDir()): string[] {
  const file = sqliteFilePath(url);
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 15_000 });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = OFF");
    db.exec(MIGRATIONS_TABLE);
    const migrations = readMigrations(dir);
    db.exec("BEGIN IMMEDIATE");
    try {
      const applied = new Map(
        (db.prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL`).all() as { migration_name: string; checksum: string }[]).map(
          (r) => [r.migration_name, r.checksum],
        ),
      );
      const done: string[] = [];
      const record = db.prepare(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
      );
      for (const m of migrations) {
        const known = applied.get(m.name);
        if (known !== undefined) {
          if (known !== m.checksum) throw new Error(`Migration ${m.name} was edited after it was applied.`);
          continue;
        }
        const startedAt = new Date().toISOString();
        db.exec(m.sql);
        record.run(randomUUID(), m.checksum, new Date().toISOString(), m.name, startedAt);
        done.push(m.name);
      }
      const violations = db.pragma("foreign_key_check") as unknown[];
      if (violations.length > 0) throw new Error(`Migrations left ${violations.length} foreign key violation(s).`);
      db.exec("COMMIT");
      return done;
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  } finally {
    db.close();
  }
}
