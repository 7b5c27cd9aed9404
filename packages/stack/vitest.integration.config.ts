import { defineConfig } from "vitest/config";
import { REPO_ROOT } from "./src/paths.ts";

/**
 * Tests against the real local stack. They share one Connect cluster, so files run one at a time.
 */
export default defineConfig({
  test: {
    root: REPO_ROOT,
    include: ["{packages,apps}/*/src/**/*.integration.test.ts"],
    exclude: ["**/node_modules/**"],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
