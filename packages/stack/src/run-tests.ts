/**
 * `pnpm test`: starts the real local stack (unless it already runs), runs every suite, stops what it
 * started, and ends with one summary line `N passed, N failed` for all suites together.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, STACK_PACKAGE_DIR } from "./paths";
import { postgresAdminUrl, postgresDown, postgresPid, postgresUp } from "./postgres";
import { isStackRunning, stackConfig, stackDown, stackUp } from "./stack";

type Counts = { passed: number; failed: number; skipped: number };
const log = (m: string) => console.error(`test: ${m}`);
const resultsDir = join(stackConfig().dataDir, "results");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function runVitest(name: string, env: NodeJS.ProcessEnv): Counts {
  const out = join(resultsDir, `${name}.json`);
  rmSync(out, { force: true });
  log(`running ${name} tests…`);
  spawnSync(
    "pnpm",
    ["exec", "vitest", "run", "--config", join(STACK_PACKAGE_DIR, `vitest.${name}.config.ts`), "--reporter=default", "--reporter=json", `--outputFile=${out}`],
    { cwd: REPO_ROOT, stdio: "inherit", env },
  );
  if (!existsSync(out)) return { passed: 0, failed: 1, skipped: 0 }; // the runner itself crashed
  const r = JSON.parse(readFileSync(out, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numFailedTestSuites: number };
  // A file that fails to load counts as one failure, so a broken suite can never look green.
  return { passed: r.numPassedTests, failed: r.numFailedTests + (r.numFailedTests === 0 ? r.numFailedTestSuites : 0), skipped: r.numPendingTests + r.numTodoTests };
}

/** Each workspace package's `typecheck` script counts as one test. */
function runTypechecks(): Counts {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  const groups = ["packages", "apps"].flatMap((g) => readdirSync(join(REPO_ROOT, g)).sort().map((d) => join(REPO_ROOT, g, d)));
  for (const dir of [...groups, join(REPO_ROOT, "e2e")]) {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { name: string; scripts?: Record<string, string> };
    if (!pkg.scripts?.typecheck) continue;
    const r = spawnSync("pnpm", ["--filter", pkg.name, "run", "typecheck"], { cwd: REPO_ROOT, encoding: "utf8" });
    if (r.status === 0) counts.passed++;
    else {
      counts.failed++;
      console.error(`typecheck failed: ${pkg.name}\n${r.stdout}${r.stderr}`);
    }
  }
  log(`typecheck: ${counts.passed} packages passed, ${counts.failed} failed`);
  return counts;
}

/** Debian's Chromium for the browser tests (Playwright cannot download its own browser here). */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  log("installing Debian's chromium for the browser tests…");
  spawnSync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"], { stdio: "inherit" });
}

/** Playwright specs in e2e/, in Chromium, against the production build and the running stack. */
function runBrowserTests(env: NodeJS.ProcessEnv): Counts {
  const out = join(resultsDir, "e2e.json");
  rmSync(out, { force: true });
  ensureChromium();
  log("running browser tests…");
  spawnSync("pnpm", ["--filter", "@switchboard/e2e", "exec", "playwright", "test"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
    env: { ...env, E2E_RESULTS: out, CHROMIUM_PATH: CHROMIUM },
  });
  if (!existsSync(out)) return { passed: 0, failed: 1, skipped: 0 };
  const r = JSON.parse(readFileSync(out, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number }; errors?: unknown[] };
  const loadErrors = r.errors?.length ?? 0;
  return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected + loadErrors, skipped: r.stats.skipped };
}

mkdirSync(resultsDir, { recursive: true });
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
const add = (c: Counts) => {
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
};

add(runTypechecks());

// PostgreSQL first (a few seconds): the database suites run on it as well as on SQLite.
const pgStartedHere = postgresPid() === null;
let pgEnv: NodeJS.ProcessEnv = {};
try {
  await postgresUp(log);
  pgEnv = { SWITCHBOARD_TEST_PG_URL: postgresAdminUrl() };
} catch (err) {
  log(`PostgreSQL did not start: ${(err as Error).message}`);
  total.failed += 1;
}
add(runVitest("unit", { ...process.env, ...pgEnv }));
if (pgEnv.SWITCHBOARD_TEST_PG_URL) add(runVitest("postgres", { ...process.env, ...pgEnv }));

const startedHere = !isStackRunning();
try {
  const ep = await stackUp(log);
  const env = { ...process.env, ...pgEnv, SWITCHBOARD_CONNECT: ep.connectUrls.join(","), SWITCHBOARD_BOOTSTRAP: ep.bootstrap, SWITCHBOARD_CONNECT_B: ep.connectUrlsB.join(",") };
  add(runVitest("integration", env));
  add(runBrowserTests(env));
} catch (err) {
  log(`the local stack did not start: ${(err as Error).message}`);
  total.failed += 1;
} finally {
  if (startedHere) await stackDown({}, log);
  if (pgStartedHere) await postgresDown(log);
}

console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
process.exitCode = total.failed > 0 ? 1 : 0;
