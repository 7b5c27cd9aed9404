import { PassThrough, Readable } from "node:stream";
import type { CliIo } from "./context";
import { run } from "./program";

export type Captured = { code: number; stdout: string; stderr: string };

/** Runs the CLI in-process with captured output, as a non-interactive CI job would (no TTY). For tests. */
export async function runCaptured(argv: string[], overrides: Partial<CliIo> = {}): Promise<Captured> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (chunk: Buffer) => out.push(chunk.toString("utf8")));
  stderr.on("data", (chunk: Buffer) => err.push(chunk.toString("utf8")));
  const code = await run(argv, {
    stdout,
    stderr,
    stdin: Readable.from([]),
    env: {},
    isTTY: { stdin: false, stdout: false, stderr: false },
    ...overrides,
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}
