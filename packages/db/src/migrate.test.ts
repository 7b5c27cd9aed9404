import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { migrationsDir } from "./env";
import { migrateDatabase, pendingMigrations, readMigrations } from "./migrate";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "switchboard-migrate-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("migrateDatabase", () => {
  it("creates every table on an empty file and records the migrations like prisma migrate deploy", async () => {
    const file = join(tempDir(), "a.db");
    const applied = await migrateDatabase(`file:${file}`);
    expect(applied).toEqual(readMigrations().map((m) => m.name));

    const db = new Database(file);
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(["User", "Team", "Connector", "ChangeRequest", "Job", "AuditEvent", "_prisma_migrations"]));
    const rows = db.prepare(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"`).all() as { migration_name: string; checksum: string; finished_at: string }[];
    const first = readMigrations()[0]!;
    expect(rows[0]).toMatchObject({
      migration_name: first.name,
      checksum: createHash("sha256").update(readFileSync(join(migrationsDir(), first.name, "migration.sql"))).digest("hex"),
    });
    expect(rows[0]?.finished_at).toBeTruthy();
    db.close();
  });

  it("applies nothing the second time, and then reports nothing pending", async () => {
    const url = `file:${join(tempDir(), "b.db")}`;
    expect(await pendingMigrations(url)).toEqual(readMigrations().map((m) => m.name));
    await migrateDatabase(url);
    expect(await migrateDatabase(url)).toEqual([]);
    expect(await pendingMigrations(url)).toEqual([]);
  });

  it("applies only the new migration and rolls back entirely when one fails", async () => {
    const dir = tempDir();
    const migrations = join(dir, "migrations");
    cpSync(migrationsDir(), migrations, { recursive: true });
    const url = `file:${join(dir, "c.db")}`;
    await migrateDatabase(url, migrations);

    cpSync(join(migrations, readMigrations(migrations)[0]!.name), join(migrations, "29990101000000_broken"), { recursive: true });
    writeFileSync(join(migrations, "29990101000000_broken", "migration.sql"), `CREATE TABLE "Extra" ("id" TEXT);\nTHIS IS NOT SQL;`);
    await expect(migrateDatabase(url, migrations)).rejects.toThrow();
    const db = new Database(join(dir, "c.db"));
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'Extra'`).get()).toBeUndefined();
    db.close();

    writeFileSync(join(migrations, "29990101000000_broken", "migration.sql"), `CREATE TABLE "Extra" ("id" TEXT);`);
    expect(await migrateDatabase(url, migrations)).toEqual(["29990101000000_broken"]);
  });

  it("refuses a migration edited after it was applied", async () => {
    const dir = tempDir();
    const migrations = join(dir, "migrations");
    cpSync(migrationsDir(), migrations, { recursive: true });
    const url = `file:${join(dir, "d.db")}`;
    await migrateDatabase(url, migrations);
    const first = join(migrations, readMigrations(migrations)[0]!.name, "migration.sql");
    writeFileSync(first, `${readFileSync(first, "utf8")}\n-- edited`);
    await expect(migrateDatabase(url, migrations)).rejects.toThrow(/edited/);
    await expect(pendingMigrations(url, migrations)).rejects.toThrow(/edited/);
  });
});

describe("the PostgreSQL migrations", () => {
  it("have a twin of each SQLite migration, under the same name", () => {
    const names = (dir: string) => readMigrations(dir).map((m) => m.name);
    expect(names(migrationsDir("postgresql://x/y"))).toEqual(names(migrationsDir("file:x.db")));
  });
});

describe("upgrading a database with data in it", () => {
  it("keeps users, clusters and change requests, and records authors and editors as writers", async () => {
    const dir = tempDir();
    const migrations = join(dir, "migrations");
    cpSync(migrationsDir(), migrations, { recursive: true });
    const [init, ...later] = readMigrations(migrations);
    for (const m of later) rmSync(join(migrations, m.name), { recursive: true });
    const url = `file:${join(dir, "e.db")}`;
    await migrateDatabase(url, migrations);

    const db = new Database(join(dir, "e.db"));
    const now = new Date().toISOString();
    db.prepare(`INSERT INTO "User" (id, email, name, role, updatedAt) VALUES ('u1', 'a@x', 'A', 'owner', ?), ('u2', 'b@x', 'B', 'admin', ?)`).run(now, now);
    db.prepare(`INSERT INTO "Cluster" (id, name, environment, connectUrls, updatedAt) VALUES ('c1', 'prod', 'prod', '[]', ?)`).run(now);
    db.prepare(`INSERT INTO "ChangeRequest" (id, authorId, clusterId, title, revision, updatedAt) VALUES ('cr1', 'u1', 'c1', 'T', 3, ?)`).run(now);
    db.prepare(`INSERT INTO "AuditEvent" (id, actorId, action, entityType, entityId) VALUES ('a1', 'u2', 'changeRequest.edit', 'changeRequest', 'cr1'), ('a2', 'u1', 'changeRequest.edit', 'changeRequest', 'cr1')`).run();
    db.close();

    cpSync(migrationsDir(), migrations, { recursive: true });
    expect(await migrateDatabase(url, migrations)).toEqual(later.map((m) => m.name));
    expect(init).toBeDefined();

    const after = new Database(join(dir, "e.db"));
    expect(after.prepare(`SELECT email, sessionVersion FROM "User" ORDER BY email`).all()).toEqual([{ email: "a@x", sessionVersion: 0 }, { email: "b@x", sessionVersion: 0 }]);
    expect(after.prepare(`SELECT name, requestTimeoutSeconds FROM "Cluster"`).all()).toEqual([{ name: "prod", requestTimeoutSeconds: 120 }]);
    expect(after.prepare(`SELECT userId, firstRevision, lastRevision FROM "ChangeRequestWriter" ORDER BY userId`).all()).toEqual([
      { userId: "u1", firstRevision: 1, lastRevision: 3 },
      { userId: "u2", firstRevision: 1, lastRevision: 1 },
    ]);
    after.close();
  });
});
