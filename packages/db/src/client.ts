/**
 * The Prisma client over better-sqlite3 (Prisma 6.19, JS engine: no native query engine). This
 * package is the only importer of the generated client.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient, type Prisma } from "./generated/prisma/client";
import { databaseUrl, sqliteFilePath } from "./env";

export type Db = PrismaClient;

/** A transaction client, as handed to `db.$transaction(async (tx) => ...)`. */
export type Tx = Prisma.TransactionClient;

/** Either a client or a transaction client: repositories accept both so callers can compose writes. */
export type DbOrTx = Db | Tx;

/** Creates a client for the SQLite file at `url` (default: `DATABASE_URL` or `<repo>/.data/switchboard.db`). */
export function createDb(url: string = databaseUrl()): Db {
  mkdirSync(dirname(sqliteFilePath(url)), { recursive: true });
  // `timeout`: wait for another process's write lock instead of failing with SQLITE_BUSY at once.
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 15_000 }) });
}

const globalForDb = globalThis as unknown as { switchboardDb?: Db };

/** The process-wide client (kept on `globalThis` so dev-server reloads do not open new connections). */
export function getDb(): Db {
  globalForDb.switchboardDb ??= createDb();
  return globalForDb.switchboardDb;
}

/**
 * Runs `fn` in a transaction: a new one when given the client, the caller's when given a transaction
 * client. Repository mutations use it so each is atomic on its own and composable inside a larger one.
 */
export function inTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return "$transaction" in db ? db.$transaction(fn) : fn(db);
}
