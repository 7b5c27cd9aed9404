/** `pnpm --filter @switchboard/db db:seed`: migrates the database if needed, then seeds demo data. */
import { createDb } from "./client";
import { databaseUrl } from "./env";
import { migrateDatabase } from "./migrate";
import { seedDemoData } from "./seed";

const url = databaseUrl();
const applied = migrateDatabase(url);
if (applied.length > 0) console.log(`db: applied ${applied.join(", ")}`);
const db = createDb(url);
try {
  await seedDemoData(db);
  console.log(`db: seeded ${url}`);
} finally {
  await db.$disconnect();
}
