/**
 * Next.js calls `register()` once when the server starts: a production server outside demo mode
 * first checks that no enabled account still has the demo password (and exits if one does), then
 * the worker (deploys, health monitor, notifications) runs in the web server's process unless
 * `SWITCHBOARD_WORKER=off`.
 */
export async function register(): Promise<void> {
  // Only the Node.js runtime can run the worker (SQLite, Kafka clients); the check must read
  // process.env.NEXT_RUNTIME literally so the edge bundle drops the import.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    await (await import("./server/auth")).startupCheck;
    const { startInProcessWorker } = await import("@switchboard/worker/in-process");
    startInProcessWorker();
  }
}
