/**
 * Test fixture run as a separate process by jobs.test.ts: claims jobs until none is left and prints
 * the ids it got, one JSON array on stdout. Usage: tsx claim-worker.fixture.ts <db url> <worker id>
 */
import { createDb } from "../client";
import { claimJob, completeJob } from "./jobs";

const [url, workerId] = process.argv.slice(2);
if (!url || !workerId) throw new Error("usage: claim-worker.fixture.ts <db url> <worker id>");
const db = createDb(url);
const claimed: string[] = [];
for (;;) {
  const job = await claimJob(db, ["test"], workerId, 60_000);
  if (!job) break;
  claimed.push(job.id);
  await completeJob(db, job.id, workerId);
}
await db.$disconnect();
process.stdout.write(JSON.stringify(claimed));
