/**
 * Test fixture run as a separate process by client.test.ts: writes one team to the SQLite database at
 * the given URL and prints "written". Usage: tsx sqlite-writer.fixture.ts <db url> <team name>
 */
import { createDb } from "./client";

const [url, name] = process.argv.slice(2);
if (!url || !name) throw new Error("usage: sqlite-writer.fixture.ts <db url> <team name>");
const db = createDb(url);
await db.team.create({ data: { name } });
await db.$disconnect();
process.stdout.write("written");
