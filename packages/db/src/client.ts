/**
 * The Prisma client (Prisma 6.19, JS engine: no native query engine) over better-sqlite3 or, for a
 * `postgresql://` URL, over node-postgres. This package is the only importer of the generated clients.
 * Both are generated from the same models (the PostgreSQL schema is derived from the SQLite one), so
 * the SQLite client's types describe both.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "./generated/prisma-pg/client";
import { databaseUrl, isPostgresUrl, sqliteFilePath } from "./env";

export type Db = PrismaClient;

/** A transaction client, as handed to `db.$transaction(async (tx) => ...)`. */
export type Tx = Prisma.TransactionClient;

/** Either a client or a transaction client: repositories accept both so callers can compose writes. */
export type DbOrTx = Db | Tx;

/**
 * Creates a client for `url` (default: `DATABASE_URL` or the SQLite file `<repo>/.data/switchboard.db`).
 * PostgreSQL: a pool of `poolSize` connections (default 10) per client.
 */
export function createDb(url: string = databaseUrl(), opts: { poolSize?: number } = {}): Db {
  if (isPostgresUrl(url)) {
    return new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: url, max: opts.poolSize ?? 10 }) }) as unknown as Db;
  }
  mkdirSync(dirname(sqliteFilePath(url)), { recursive: true });
  // `timeout`: wait for another process's write lock instead of failing with SQLITE_BUSY at once.
  return new PrismaClient({ adapter: immediateTransactions(new PrismaBetterSQLite3({ url, timeout: 15_000 })) });
}

type SqliteFactory = InstanceType<typeof PrismaBetterSQLite3>;
type SqliteAdapter = Awaited<ReturnType<SqliteFactory["connect"]>>;

/**
 * The better-sqlite3 adapter opens transactions with a deferred `BEGIN`: one that reads and then
 * writes fails at once with "database is locked" when another process (a separate worker, a test)
 * committed in between, whatever the busy timeout (SQLite cannot upgrade a stale read snapshot).
 * `BEGIN IMMEDIATE` takes the write lock first, waiting up to the timeout, so processes sharing the
 * file queue instead of failing. (Adapter 6.19.3 prepares the statement on its `client`; a test in
 * client.test.ts fails if that changes.)
 */
function immediateTransactions(factory: SqliteFactory): SqliteFactory {
  const connect = factory.connect.bind(factory);
  factory.connect = async (): Promise<SqliteAdapter> => {
    const adapter = await connect();
    const client = (adapter as unknown as { client: { prepare: (sql: string) => unknown } }).client;
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    return adapter;
  };
  return factory;
}

/**
 * Whether `db` (a client or a transaction client) talks to PostgreSQL: the few raw statements that
 * differ between the two databases ask this. Prisma keeps the provider on both kinds of client.
 */
export function isPostgres(db: DbOrTx): boolean {
  return (db as unknown as { _activeProvider?: string })._activeProvider === "postgresql";
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
