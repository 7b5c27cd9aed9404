import { defineConfig } from "vitest/config";

/** `vitest run` here is the fast suite; `*.integration.test.ts` need the stack and run from `pnpm test`. */
export default defineConfig({
  test: {
    exclude: ["**/node_modules/**", "**/*.integration.test.ts"],
  },
});
