import { defineConfig } from "vitest/config";
import { REPO_ROOT } from "./src/paths.ts";

/** Fast tests (no stack): every `*.test.ts` of the workspace except the integration ones. */
export default defineConfig({
  test: {
    root: REPO_ROOT,
    include: ["{packages,apps}/*/src/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/*.integration.test.ts", "**/*.postgres.test.ts"],
  },
});
