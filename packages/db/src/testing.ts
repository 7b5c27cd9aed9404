/**
 * Test support for this package and its users: a fresh, migrated SQLite database in a temporary
 * directory. Migrations are applied with `migrateDatabase` (plain SQL through better-sqlite3,
 * a few milliseconds) rather than by spawning the Prisma CLI.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, type Db } from "./client";
import { migrateDatabase } from "./migrate";

export type TestDb = { db: Db; url: string; dir: string; cleanup: () => Promise<void> };

/** Creates a migrated database in a new temporary directory; `cleanup` disconnects and removes it. */
export function createTestDb(): TestDb {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-db-"));
  const url = `file:${join(dir, "test.db")}`;
  migrateDatabase(url);
  const db = createDb(url);
  return {
    db,
    url,
    dir,
    cleanup: async () => {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
