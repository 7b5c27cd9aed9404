import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createSqliteTestDb } from "./testing";

const run = promisify(execFile);

describe("SQLite transactions across processes", () => {
  it("lets a transaction that reads and then writes finish when another process writes meanwhile", async () => {
    const t = await createSqliteTestDb();
    try {
      const team = await t.db.team.create({ data: { name: "payments" } });
      let other: Promise<{ stdout: string }> | undefined;
      await t.db.$transaction(
        async (tx) => {
          await tx.team.findUnique({ where: { id: team.id } });
          // Another process writes between this read and the write below (it waits for our lock, if we hold it).
          other = run(join(import.meta.dirname, "../node_modules/.bin/tsx"), [join(import.meta.dirname, "sqlite-writer.fixture.ts"), t.url, "analytics"]);
          await new Promise((r) => setTimeout(r, 3_000));
          await tx.team.update({ where: { id: team.id }, data: { description: "Payments" } });
        },
        { timeout: 20_000 },
      );
      expect((await other!).stdout).toBe("written");
      expect((await t.db.team.findMany({ orderBy: { name: "asc" } })).map((x) => [x.name, x.description])).toEqual([
        ["analytics", ""],
        ["payments", "Payments"],
      ]);
    } finally {
      await t.cleanup();
    }
  }, 30_000);
});
