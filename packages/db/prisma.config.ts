/**
 * Prisma CLI config. Prisma 6.19 with the JS engine: the bundled WebAssembly schema engine runs
 * migrations through the better-sqlite3 adapter, so nothing is downloaded. The schema and migrations
 * live in the repository's top-level prisma/ folder.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";
import { databaseUrl, sqliteFilePath } from "./src/env";

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: join(here, "../../prisma/schema.prisma"),
  migrations: { path: join(here, "../../prisma/migrations"), seed: "tsx src/seed-cli.ts" },
  adapter: async () => {
    const url = databaseUrl();
    mkdirSync(dirname(sqliteFilePath(url)), { recursive: true });
    return new PrismaBetterSQLite3({ url });
  },
});
