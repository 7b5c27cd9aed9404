/**
 * The worker's own entry point (main.ts) as a process of its own, for the tests and benchmarks that
 * need real separate workers (a crash, several replicas): started on a database, stopped by a signal.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { REPO_ROOT } from "@switchboard/stack/paths";

export function spawnWorkerProcess(databaseUrl: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "packages/worker/src/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: "silent", DATABASE_URL: databaseUrl, ...env },
    stdio: "ignore",
  });
}

/** Sends `signal` and resolves once the process has exited (at once when it already has). */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}
