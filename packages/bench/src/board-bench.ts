/**
 * The board figures of the web bench alone (`pnpm --filter @switchboard/bench board`): seeds 10,000
 * connectors, starts the production build with the worker off and measures the board. No Kafka
 * stack is needed; `BOARD_BENCH_PORT` and `BOARD_BENCH_DIR` move the server and its files.
 * `BOARD_BENCH_FAILURE=1` adds the failure → FAILED in an open page trials, which need a running
 * stack: the one the `SWITCHBOARD_*` port variables name (as for `pnpm stack:up`), with the worker's
 * server on `BOARD_BENCH_PORT` + 1.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@switchboard/stack/paths";
import { endpoints, stackConfig } from "@switchboard/stack/stack";
import { BOARD_PORT, benchFailureToBoard, benchWeb } from "./web-bench";

const dataDir = process.env.BOARD_BENCH_DIR ?? join(REPO_ROOT, ".stack", "bench-board");
mkdirSync(dataDir, { recursive: true });
const results: Record<string, unknown> = {};
const boardPort = Number(process.env.BOARD_BENCH_PORT ?? BOARD_PORT);
const opts = {
  endpoints: endpoints(stackConfig()),
  dataDir,
  boardPort,
  workerPort: boardPort + 1,
  boardOnly: true,
  record: (key: string, value: unknown, line: string) => {
    results[key] = value;
    console.log(line);
  },
  log: (m: string) => console.error(`bench: ${m}`),
};
if (process.env.BOARD_BENCH_SKIP_BOARD !== "1") await benchWeb(opts);
if (process.env.BOARD_BENCH_FAILURE === "1") await benchFailureToBoard(opts);
writeFileSync(join(dataDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
