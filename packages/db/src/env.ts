/**
 * The database package's environment, read and validated once. Nothing else in the package reads
 * `process.env`.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";

const schema = z.object({
  /**
   * SQLite file URL (`file:/var/lib/switchboard/switchboard.db`, the embedded default) or a PostgreSQL
   * URL (`postgresql://user:pass@host:5432/db`), which several replicas can share.
   */
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)")
    .optional(),
  /** Key for secret config values: 64 hex chars, base64 of 32 bytes, or a passphrase (scrypt-derived). */
  SWITCHBOARD_SECRET_KEY: z.string().min(16).optional(),
  /** Connect worker URLs of the local stack, comma-separated (seed only). */
  SWITCHBOARD_CONNECT: z.string().default("http://127.0.0.1:18083,http://127.0.0.1:18084"),
  /** Which database `createTestDb` (tests only) makes: a SQLite file, or a database on SWITCHBOARD_TEST_PG_URL. */
  SWITCHBOARD_TEST_DATABASE: z.enum(["sqlite", "postgres"]).default("sqlite"),
  /** A PostgreSQL server's admin URL for tests (`pnpm test` starts one and sets it). */
  SWITCHBOARD_TEST_PG_URL: z.string().regex(/^postgres(ql)?:\/\//).optional(),
  /** Kafka bootstrap servers of the local stack (seed only). */
  SWITCHBOARD_BOOTSTRAP: z.string().default("127.0.0.1:19092"),
});

export type DbEnv = z.infer<typeof schema>;

export const env: DbEnv = schema.parse(process.env);

/**
 * The repository root, found from the working directory rather than from this file's location, so
 * it stays right when a bundler (Next.js) moves the compiled code.
 */
export function findRepoRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml")) && existsSync(join(dir, "prisma"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the Switchboard repository root above ${from}.`);
    dir = parent;
  }
}

/** Where local state lives by default (`<repo>/.data`). */
export function defaultDataDir(): string {
  return join(findRepoRoot(), ".data");
}

/** `DATABASE_URL`, or the default SQLite file `<repo>/.data/switchboard.db`. */
export function databaseUrl(): string {
  return env.DATABASE_URL ?? `file:${join(defaultDataDir(), "switchboard.db")}`;
}

/** Whether `url` points at PostgreSQL rather than a SQLite file. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/**
 * The migrations folder of a database: `<repo>/prisma/migrations` for SQLite,
 * `<repo>/prisma/postgres/migrations` for PostgreSQL (same names, one per schema change).
 */
export function migrationsDir(url: string = databaseUrl()): string {
  return isPostgresUrl(url) ? join(findRepoRoot(), "prisma", "postgres", "migrations") : join(findRepoRoot(), "prisma", "migrations");
}

/** The file path of a `file:` SQLite URL (relative paths resolve against the working directory). */
export function sqliteFilePath(url: string): string {
  const path = url.replace(/^file:/, "").replace(/\?.*$/, "");
  return resolve(path);
}

/** `url` fit for logs and pages: a PostgreSQL URL's password is masked. */
export function displayDatabaseUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return "postgresql://(unparsable URL)";
  }
}
