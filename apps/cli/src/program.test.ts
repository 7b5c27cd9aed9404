import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCaptured } from "./run-captured";

const examples = join(dirname(fileURLToPath(import.meta.url)), "..", "examples");

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function brokenStateFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "switchboard-cli-"));
  const text = await readFile(join(examples, "state.json"), "utf8");
  const broken = text.replace('"paused": true', '"pausedd": true');
  expect(broken).not.toBe(text);
  await writeFile(join(dir, "state.json"), broken);
  return dir;
}

function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at /m);
}

describe("switchboard validate", () => {
  it.each([
    ["state.json", "seed-state-file"],
    ["canonical.json", "state-file"],
    ["connectors", "directory"],
  ])("accepts the example %s", async (name, format) => {
    const r = await runCaptured(["validate", name], { cwd: examples });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`✓ 3 connectors valid (${format})\n`);
    expect(r.code).toBe(0);
  });

  it("reports a misspelt field with the path as given, line and column, and exits 1", async () => {
    const dir = await brokenStateFile();
    const r = await runCaptured(["validate", "state.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines.filter((l) => l.includes("pausedd"))).toEqual([
      expect.stringMatching(/^state\.json:\d+:\d+: unknown field "pausedd" \(did you mean "paused"\?\)$/),
    ]);
    expect(lines.at(-1)).toBe("✗ 1 problem in state.json");
  });

  it("prints exactly one JSON document with --json, valid or not", async () => {
    const ok = await runCaptured(["validate", "canonical.json", "--json"], { cwd: examples });
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, format: "state-file", connectors: 3 });

    const dir = await brokenStateFile();
    const bad = await runCaptured(["validate", "state.json", "--json"], { cwd: dir });
    expect(bad.code).toBe(1);
    const doc = JSON.parse(bad.stdout) as { ok: boolean; problems: Array<{ path?: string; location?: { file: string } }> };
    expect(doc.ok).toBe(false);
    expect(doc.problems).toHaveLength(1);
    expect(doc.problems[0]).toMatchObject({ path: "connectors[1].pausedd", location: { file: "state.json" } });
  });

  it("reports a missing path as one problem, exit 1", async () => {
    const r = await runCaptured(["validate", "nope.json"], { cwd: examples });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nope.json");
    expectNoStackTrace(r.stderr);
  });

  it("never prints colour when not on a terminal, and respects NO_COLOR on one", async () => {
    const plain = await runCaptured(["validate", "state.json"], { cwd: examples });
    expect(plain.stdout).not.toContain("\u001b[");
    const tty = { stdin: false, stdout: true, stderr: true };
    const coloured = await runCaptured(["validate", "state.json"], { cwd: examples, isTTY: tty });
    expect(coloured.stdout).toContain("\u001b[");
    const noColor = await runCaptured(["validate", "state.json"], { cwd: examples, isTTY: tty, env: { NO_COLOR: "1" } });
    expect(noColor.stdout).not.toContain("\u001b[");
    const flag = await runCaptured(["validate", "state.json", "--no-color"], { cwd: examples, isTTY: tty });
    expect(flag.stdout).not.toContain("\u001b[");
  });
});

describe("bad input", () => {
  it("rejects a bad --connect value with one error line and a hint, exit 1", async () => {
    const r = await runCaptured(["plan", "state.json", "--connect", "ftp://connect:8083"], { cwd: examples });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^error: --connect: .*"ftp:\/\/connect:8083"/);
    expect(lines.filter((l) => l.startsWith("error:"))).toHaveLength(1);
    expect(lines[1]).toMatch(/^hint: /);
    expectNoStackTrace(r.stderr);
  });

  it("asks for --connect when plan has neither the option nor SWITCHBOARD_CONNECT", async () => {
    const r = await runCaptured(["plan", "state.json"], { cwd: examples });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no Kafka Connect workers given\nhint: .*SWITCHBOARD_CONNECT/);
  });

  it("rejects an unknown option with exit 1", async () => {
    const r = await runCaptured(["validate", "state.json", "--frobnicate"], { cwd: examples });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: unknown option '--frobnicate'/);
    expectNoStackTrace(r.stderr);
  });

  it("rejects a missing path argument and an unknown command with exit 1", async () => {
    expect((await runCaptured(["validate"])).code).toBe(1);
    const unknown = await runCaptured(["deploy"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command 'deploy'/);
  });

  it("rejects a non-numeric --timeout", async () => {
    const r = await runCaptured(["status", "--connect", "http://127.0.0.1:1", "--timeout", "soon"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--timeout.*positive whole number/);
  });

  it("reports an unreachable cluster in one clear line, exit 1", async () => {
    const port = await closedPort();
    const r = await runCaptured(["plan", "state.json", "--connect", `http://127.0.0.1:${port}`], { cwd: examples });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toBe(`error: cannot reach Kafka Connect at http://127.0.0.1:${port}: connection refused`);
    expectNoStackTrace(r.stderr);
  });

  it("with --json still prints one JSON document when the cluster is unreachable", async () => {
    const port = await closedPort();
    const r = await runCaptured(["status", "--json"], { env: { SWITCHBOARD_CONNECT: `http://127.0.0.1:${port}` } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { message: expect.stringContaining("cannot reach") } });
  });
});

describe("help", () => {
  it.each(["validate", "plan", "apply", "status", "export"])("%s --help shows an example and the exit codes", async (command) => {
    const r = await runCaptured([command, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain(`$ switchboard ${command}`);
    expect(r.stdout).toContain("Exit codes:");
  });

  it.each(["plan", "apply"])("%s --help explains --scope, --take-over and conflicts", async (command) => {
    const r = await runCaptured([command, "--help"]);
    expect(r.stdout).toContain("--scope <name>");
    expect(r.stdout).toContain("--take-over");
    expect(r.stdout).toMatch(/Ownership:\n.*cli\/<scope>/);
    expect(r.stdout).toMatch(/Exit codes:.*conflicts/);
  });

  it("documents the exit codes in the root help", async () => {
    const r = await runCaptured(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 /);
  });
});
