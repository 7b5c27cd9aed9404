/**
 * `pnpm --filter @switchboard/db generate` (also the postinstall): generates the Prisma client for
 * SQLite (src/generated/prisma) and for PostgreSQL (src/generated/prisma-pg, from the derived schema).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { toPostgresSchema } from "../src/postgres-schema";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const pgSchema = join(packageDir, "src/generated/schema.postgres.prisma");
mkdirSync(dirname(pgSchema), { recursive: true });
writeFileSync(pgSchema, toPostgresSchema(readFileSync(join(packageDir, "../../prisma/schema.prisma"), "utf8"), "./prisma-pg"));

const run = (args: string[]) => execFileSync("pnpm", ["exec", "prisma", "generate", ...args], { cwd: packageDir, stdio: "inherit" });
run(["--config", "prisma.config.ts"]);
run(["--schema", pgSchema]);
