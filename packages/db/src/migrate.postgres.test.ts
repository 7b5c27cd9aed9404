import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { env, migrationsDir } from "./env";
import { migrateDatabase, pendingMigrations, readMigrations } from "./migrate";
import { createEmptyPostgresDb } from "./testing";

const adminUrl = env.SWITCHBOARD_TEST_PG_URL!;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function emptyDb(): Promise<string> {
  const { url, drop } = await createEmptyPostgresDb(adminUrl);
  cleanups.push(drop);
  return url;
}

function migrationsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-pg-migrations-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  cpSync(migrationsDir("postgresql://"), dir, { recursive: true });
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe("migrateDatabase on PostgreSQL", () => {
  it("applies every migration once, records it, and then reports nothing pending", async () => {
    const url = await emptyDb();
    const all = readMigrations(migrationsDir(url)).map((m) => m.name);
    expect(await pendingMigrations(url)).toEqual(all);
    expect(await migrateDatabase(url)).toEqual(all);
    expect(await migrateDatabase(url)).toEqual([]);
    expect(await pendingMigrations(url)).toEqual([]);
    const rows = await query<{ migration_name: string }>(url, `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(all);
  });

  it("applies each migration once when several replicas start at the same time", async () => {
    const url = await emptyDb();
    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
    expect(results.flat().sort()).toEqual(readMigrations(migrationsDir(url)).map((m) => m.name).sort());
  });

  it("leaves a failing migration unapplied and the earlier ones in place, and refuses an edited one", async () => {
    const url = await emptyDb();
    const dir = migrationsCopy();
    await migrateDatabase(url, dir);
    cpSync(join(dir, readMigrations(dir)[0]!.name), join(dir, "29990101000000_broken"), { recursive: true });
    writeFileSync(join(dir, "29990101000000_broken", "migration.sql"), `CREATE TABLE "Extra" ("id" TEXT);\nTHIS IS NOT SQL;`);
    await expect(migrateDatabase(url, dir)).rejects.toThrow(/29990101000000_broken/);
    expect(await query(url, `SELECT to_regclass('"Extra"')::text AS t`)).toEqual([{ t: null }]);
    expect(await pendingMigrations(url, dir)).toEqual(["29990101000000_broken"]);

    writeFileSync(join(dir, readMigrations(dir)[0]!.name, "migration.sql"), "-- edited");
    await expect(pendingMigrations(url, dir)).rejects.toThrow(/edited/);
  });

  it("upgrades a database with data in it from the previous schema without losing any", async () => {
    const url = await emptyDb();
    const dir = migrationsCopy();
    // From the schema before the migration that made live jobs unique (its backfill keeps one of two duplicates) through every later one.
    const all = readMigrations(dir);
    const later = all.slice(all.findIndex((m) => m.name.endsWith("_replicas")));
    for (const m of later) rmSync(join(dir, m.name), { recursive: true });
    await migrateDatabase(url, dir);

    await query(url, `INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES ('u1', 'a@x', 'A', 'owner', now())`);
    await query(url, `INSERT INTO "Cluster" (id, name, environment, "connectUrls", "updatedAt") VALUES ('c1', 'prod', 'prod', '[]', now())`);
    await query(url, `INSERT INTO "ChangeRequest" (id, "authorId", "clusterId", title, revision, "updatedAt") VALUES ('cr1', 'u1', 'c1', 'T', 3, now())`);
    // Two live polls of one cluster (possible before the database enforced one): one is kept.
    await query(url, `INSERT INTO "Job" (id, kind, "dedupeKey", status, "updatedAt") VALUES ('j1', 'health', 'health:c1', 'queued', now()), ('j2', 'health', 'health:c1', 'queued', now()), ('j3', 'health', 'health:c1', 'done', now())`);

    cpSync(migrationsDir("postgresql://"), dir, { recursive: true });
    expect(await migrateDatabase(url, dir)).toEqual(later.map((m) => m.name));
    expect(await query(url, `SELECT email FROM "User"`)).toEqual([{ email: "a@x" }]);
    expect(await query(url, `SELECT name, "statusTopic" FROM "Cluster"`)).toEqual([{ name: "prod", statusTopic: null }]);
    expect(await query(url, `SELECT title, revision FROM "ChangeRequest"`)).toEqual([{ title: "T", revision: 3 }]);
    expect(await query(url, `SELECT id FROM "Job" ORDER BY id`)).toEqual([{ id: "j1" }, { id: "j3" }]);
    await expect(query(url, `INSERT INTO "Job" (id, kind, "dedupeKey", status, "updatedAt") VALUES ('j4', 'health', 'health:c1', 'queued', now())`)).rejects.toThrow(/unique/);
  });
});
