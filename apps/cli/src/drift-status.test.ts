import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createFakeConnect } from "@switchboard/engine/fake-connect";
import { runCaptured } from "./run-captured";

const examples = join(dirname(fileURLToPath(import.meta.url)), "..", "examples");
const CONNECT = ["--connect", "http://connect.test:8083"];
const TYPED_BY_HAND = "password-typed-into-connect";

/** The examples' canonical file applied to an in-memory Connect, then edited behind the CLI's back. */
async function appliedCluster() {
  const fake = createFakeConnect();
  const io = { cwd: examples, services: { createConnect: () => Object.assign(fake, { close: async () => {} }), applyTiming: { settleMs: 0, pollIntervalMs: 1 } } };
  expect((await runCaptured(["apply", "canonical.json", "--yes", ...CONNECT], io)).code).toBe(0);
  return { fake, io };
}

describe("switchboard status --drift", () => {
  it("exits 0 when every connector matches its definition", async () => {
    const { io } = await appliedCluster();
    const r = await runCaptured(["status", "--drift", "canonical.json", ...CONNECT], io);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No drift; 3 in step, 0 pending (see plan), 0 behind.");
  });

  it("exits 3 and lists what drifted by key name and state, never a value; --json prints one document", async () => {
    const { fake, io } = await appliedCluster();
    const sink = fake.connectors.get("demo-file-sink")!;
    sink.config = { ...sink.config, file: "/tmp/somewhere-else.txt", "sink.password": TYPED_BY_HAND };
    sink.state = "RUNNING";
    const r = await runCaptured(["status", "--drift", "canonical.json", ...CONNECT], io);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("demo-file-sink");
    expect(r.stdout).toContain("config: changed file; added sink.password");
    expect(r.stdout).toContain("run state: RUNNING, approved PAUSED");
    expect(r.stdout).toContain("1 connector drifted; 2 in step");
    for (const value of [TYPED_BY_HAND, "/tmp/somewhere-else.txt", "/tmp/switchboard-demo-sink.txt"]) expect(r.stdout + r.stderr).not.toContain(value);

    const json = await runCaptured(["status", "--drift", "canonical.json", "--json", ...CONNECT], io);
    expect(json.code).toBe(3);
    const doc = JSON.parse(json.stdout) as { drifted: Array<{ name: string; what: string[] }>; inStep: string[] };
    expect(doc.drifted.map((d) => d.name)).toEqual(["demo-file-sink"]);
    expect(doc.inStep).toHaveLength(2);
    expect(json.stdout).not.toContain(TYPED_BY_HAND);
  });

  it("exits 1 on invalid definitions, naming the problem", async () => {
    const { io } = await appliedCluster();
    const r = await runCaptured(["status", "--drift", "no-such-file.json", ...CONNECT], io);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no-such-file.json");
  });

  it("documents the exit codes in --help", async () => {
    const r = await runCaptured(["status", "--help"]);
    expect(r.stdout).toContain("3 drift found (--drift)");
  });
});
