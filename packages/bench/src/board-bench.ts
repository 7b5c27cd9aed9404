/**
 * The board figures of the web bench alone (`pnpm --filter @switchboard/bench board`): seeds 10,000
 * connectors, starts the production build with the worker off and measures the board. No Kafka
 * stack is needed; `BOARD_BENCH_PORT` and `BOARD_BENCH_DIR` move the server and its files.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@switchboard/stack/paths";
import { endpoints, stackConfig } from "@switchboard/stack/stack";
import { BOARD_PORT, benchWeb } from "./web-bench";

const dataDir = process.env.BOARD_BENCH_DIR ?? join(REPO_ROOT, ".stack", "bench-board");
mkdirSync(dataDir, { recursive: true });
const results: Record<string, unknown> = {};
await benchWeb({
  endpoints: endpoints(stackConfig()),
  dataDir,
  boardPort: Number(process.env.BOARD_BENCH_PORT ?? BOARD_PORT),
  boardOnly: true,
  record: (key, value, line) => {
    results[key] = value;
    console.log(line);
  },
  log: (m) => console.error(`bench: ${m}`),
});
writeFileSync(join(dataDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
