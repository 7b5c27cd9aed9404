/**
 * The database package's environment, read and validated once. Nothing else in the package reads
 * `process.env`.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";

const schema = z.object({
  /** SQLite file URL, e.g. `file:/var/lib/switchboard/switchboard.db`. */
  DATABASE_URL: z.string().startsWith("file:").optional(),
  /** Key for secret config values: 64 hex chars, base64 of 32 bytes, or a passphrase (scrypt-derived). */
  SWITCHBOARD_SECRET_KEY: z.string().min(16).optional(),
  /** Connect worker URLs of the local stack, comma-separated (seed only). */
  SWITCHBOARD_CONNECT: z.string().default("http://127.0.0.1:18083,http://127.0.0.1:18084"),
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

/** The migrations folder (`<repo>/prisma/migrations`). */
export function migrationsDir(): string {
  return join(findRepoRoot(), "prisma", "migrations");
}

/** The file path of a `file:` SQLite URL (relative paths resolve against the working directory). */
export function sqliteFilePath(url: string): string {
  const path = url.replace(/^file:/, "").replace(/\?.*$/, "");
  return resolve(path);
}
