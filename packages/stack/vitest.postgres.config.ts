import { defineConfig } from "vitest/config";
import { REPO_ROOT } from "./src/paths.ts";

/**
 * The database-backed suites again on PostgreSQL (`SWITCHBOARD_TEST_PG_URL`, started by `pnpm test`):
 * the db, domain, API and worker tests, plus the PostgreSQL-only ones (`*.postgres.test.ts`).
 */
export default defineConfig({
  test: {
    root: REPO_ROOT,
    include: ["packages/{db,domain,api,worker}/src/**/*.test.ts"],
    // SQLite-only: the SQLite migration runner, and the snapshot's check against `queryBoard`, whose
    // order of never-observed connectors follows the database's NULL ordering (the snapshot's is fixed).
    exclude: ["**/node_modules/**", "**/*.integration.test.ts", "packages/db/src/migrate.test.ts", "packages/domain/src/board-snapshot.test.ts"],
    env: { SWITCHBOARD_TEST_DATABASE: "postgres" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
