/**
 * `SWITCHBOARD_DEMO=1 pnpm --filter @switchboard/db db:seed`: migrates the database if needed, then
 * seeds demo data. Refused outside demo mode (the demo users share a well-known password).
 */
import { createDb } from "./client";
import { databaseUrl } from "./env";
import { migrateDatabase } from "./migrate";
import { isDemoMode, seedDemoData } from "./seed";

if (!isDemoMode()) {
  console.error("db: refusing to seed demo users outside demo mode; run it as SWITCHBOARD_DEMO=1 pnpm --filter @switchboard/db db:seed");
  process.exit(1);
}
const url = databaseUrl();
const applied = await migrateDatabase(url);
if (applied.length > 0) console.log(`db: applied ${applied.join(", ")}`);
const db = createDb(url);
try {
  await seedDemoData(db, { demo: true });
  console.log(`db: seeded ${url}`);
} finally {
  await db.$disconnect();
}
