/**
 * `pnpm --filter @switchboard/db db:new-migration <name> [--from <old schema file>]`: writes
 * prisma/migrations/<UTC timestamp>_<name>/migration.sql (SQLite) and
 * prisma/postgres/migrations/<same>/migration.sql (PostgreSQL) with the SQL that turns the committed
 * schema (`git show HEAD:prisma/schema.prisma`) into the working one. `prisma migrate dev` needs a
 * shadow database, which the WebAssembly schema engine cannot provide, and fails on PostgreSQL with
 * the driver adapter (prisma/orm#27403); a datamodel-to-datamodel diff works offline for both. Data
 * moves (backfills) are added by hand to both files.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { toPostgresSchema } from "../src/postgres-schema";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(packageDir, "../..");
const [nameArg, fromFlag, fromPath] = process.argv.slice(2);
const name = (nameArg ?? "").trim();
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: db:new-migration <name>   (lower-case letters, digits and _)");
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), "switchboard-migration-"));
try {
  const oldSchema = join(tmp, "schema.prisma");
  if (fromFlag === "--from" && fromPath) {
    writeFileSync(oldSchema, readFileSync(fromPath));
  } else {
    try {
      writeFileSync(oldSchema, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { cwd: repoRoot, stdio: ["ignore", "pipe", "ignore"] }));
    } catch {
      console.error("prisma/schema.prisma is not committed yet: commit it (its migrations) first, or pass --from <old schema file>.");
      process.exit(1);
    }
  }
  const newSchema = join(repoRoot, "prisma/schema.prisma");
  const diff = (from: string, to: string) =>
    execFileSync("pnpm", ["exec", "prisma", "migrate", "diff", "--config", "prisma.config.ts", "--from-schema-datamodel", from, "--to-schema-datamodel", to, "--script"], {
      cwd: packageDir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
  const sql = diff(oldSchema, newSchema);
  if (!/\S/.test(sql.replace(/^--.*$/gm, ""))) {
    console.error("No schema changes since HEAD: no migration written.");
    process.exit(1);
  }
  const asPostgres = (from: string, file: string) => {
    writeFileSync(join(tmp, file), toPostgresSchema(readFileSync(from, "utf8"), "./unused"));
    return join(tmp, file);
  };
  const pgSql = diff(asPostgres(oldSchema, "old.postgres.prisma"), asPostgres(newSchema, "new.postgres.prisma"));
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  for (const [folder, text] of [["prisma/migrations", sql], ["prisma/postgres/migrations", pgSql]] as const) {
    const dir = join(repoRoot, folder, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "migration.sql"), text);
    console.log(`wrote ${join(dir, "migration.sql")}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
