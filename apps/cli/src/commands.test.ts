import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createFakeConnect, type FakeConnect, type FakeConnectInit } from "@switchboard/engine/fake-connect";
import { ConnectError } from "@switchboard/engine/port";
import type { CliIo } from "./context";
import { runCaptured } from "./run-captured";

const examples = join(dirname(fileURLToPath(import.meta.url)), "..", "examples");
const CONNECT = ["--connect", "http://connect.test:8083"];
const READS = new Set(["listConnectors", "getConnector", "listPlugins", "validateConfig"]);

/** The CLI wired to an in-memory Connect that keeps its state across runs. */
function fakeCluster(init: FakeConnectInit = {}): { fake: FakeConnect; io: Partial<CliIo> } {
  const fake = createFakeConnect(init);
  const connect = Object.assign(fake, { close: async () => {} });
  return {
    fake,
    io: {
      cwd: examples,
      services: { createConnect: () => connect, applyTiming: { settleMs: 0, pollIntervalMs: 1 } },
    },
  };
}

function writes(fake: FakeConnect): string[] {
  return fake.calls.filter((c) => !READS.has(c.method)).map((c) => `${c.method} ${c.name ?? ""}`);
}

describe("switchboard plan", () => {
  it("exits 2 with the changes listed, touching nothing", async () => {
    const { fake, io } = fakeCluster();
    const r = await runCaptured(["plan", "state.json", ...CONNECT], io);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/\+ .*demo-file-source/);
    expect(r.stdout).toContain("3 to create");
    expect(writes(fake)).toEqual([]);
  });

  it("prints the plan as one JSON document with --json", async () => {
    const { io } = fakeCluster();
    const r = await runCaptured(["plan", "canonical.json", "--json", ...CONNECT], io);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { hasChanges: boolean; summary: { create: number } };
    expect(doc.hasChanges).toBe(true);
    expect(doc.summary.create).toBe(3);
  });

  it("stops at invalid input before planning, exit 1", async () => {
    const { fake, io } = fakeCluster({ plugins: [] });
    const r = await runCaptured(["plan", "state.json", ...CONNECT], io);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nothing was changed");
    expect(r.stdout).toBe("");
    expect(writes(fake)).toEqual([]);
  });
});

describe("switchboard apply", () => {
  it("refuses to apply without --yes when stdin is not a terminal", async () => {
    const { fake, io } = fakeCluster();
    const r = await runCaptured(["apply", "state.json", ...CONNECT], io);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: refusing to apply without --yes when stdin is not a terminal");
    expect(writes(fake)).toEqual([]);
  });

  it("applies only after the exact answer yes at the prompt", async () => {
    const { fake, io } = fakeCluster();
    const tty = { stdin: true, stdout: false, stderr: false };
    const no = await runCaptured(["apply", "state.json", ...CONNECT], { ...io, isTTY: tty, stdin: Readable.from(["y\n"]) });
    expect(no.code).toBe(1);
    expect(no.stderr).toContain("Apply these changes? Type 'yes'");
    expect(writes(fake)).toEqual([]);

    const yes = await runCaptured(["apply", "state.json", ...CONNECT], { ...io, isTTY: tty, stdin: Readable.from(["yes\n"]) });
    expect(yes.code).toBe(0);
    expect([...fake.connectors.keys()].sort()).toEqual(["demo-file-sink", "demo-file-source", "demo-mock-sink"]);
  });

  it("applies with --yes, reports like sync, and then has nothing left to do", async () => {
    const { fake, io } = fakeCluster();
    const r = await runCaptured(["apply", "state.json", "--yes", ...CONNECT], io);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Apply succeeded/);
    expect(r.stdout).toMatch(/added\s+demo-file-sink, demo-file-source, demo-mock-sink/);
    expect(r.stdout).toMatch(/Verification ok/);
    // Not a terminal: progress is one plain line per event on stderr.
    expect(r.stderr).toMatch(/^create demo-mock-sink: done$/m);
    expect(fake.connectors.get("demo-file-sink")?.state).toBe("PAUSED");

    const again = await runCaptured(["apply", "state.json", "--yes", ...CONNECT], io);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No changes.");
    expect((await runCaptured(["plan", "state.json", ...CONNECT], io)).code).toBe(0);
  });

  it("halts after --halt-after failed steps, leaving the rest untouched and listed; --rate must be positive", async () => {
    const { fake, io } = fakeCluster();
    fake.failNext("createConnector", new ConnectError("BAD_REQUEST", "Connector configuration is invalid", 400));
    const r = await runCaptured(["apply", "state.json", "--yes", "--concurrency", "1", "--rate", "50", "--halt-after", "1", ...CONNECT], io);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Apply failed/);
    expect(r.stdout).toMatch(/untouched\s+\S+, \S+ \(not attempted: the apply halted\)/);
    expect(r.stdout).toContain("halted after 1 failed step; 2 connectors were not attempted and left untouched");
    expect(fake.calls.filter((c) => c.method === "createConnector")).toHaveLength(1);
    expect(fake.connectors.size).toBe(0);

    const bad = await runCaptured(["apply", "state.json", "--yes", "--rate", "0", ...CONNECT], io);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("expected a positive number");
  });

  it("shows a live list of steps with a status word when stderr is a terminal", async () => {
    const { io } = fakeCluster();
    const r = await runCaptured(["apply", "state.json", "--yes", ...CONNECT], { ...io, isTTY: { stdin: false, stdout: false, stderr: true } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/create\s+demo-mock-sink\s+\S*done/);
    expect(r.stderr).toContain("Verification ok");
    expect(r.stdout).toMatch(/Apply succeeded/);
  });

  it("prints only the report on stdout with --json", async () => {
    const { io } = fakeCluster();
    const r = await runCaptured(["apply", "canonical.json", "--yes", "--json", ...CONNECT], io);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; added: string[] };
    expect(report.ok).toBe(true);
    expect(report.added).toHaveLength(3);
    expect(r.stderr).toContain("3 to create");

    const again = await runCaptured(["apply", "canonical.json", "--yes", "--json", ...CONNECT], io);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, added: [] });
  });
});

const SINK = "org.apache.kafka.connect.tools.MockSinkConnector";

async function stateFile(connectors: unknown[]): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), "switchboard-owner-"));
  await writeFile(join(dir, "state.json"), JSON.stringify({ connectors }));
  return { dir, file: "state.json" };
}

function entry(id: string, name: string, config: Record<string, string> = {}) {
  return { id, name, version: 1, config: { "connector.class": SINK, topics: "orders", ...config } };
}

/** A connector as the web app of cluster c1 leaves it: stamped with its id, version and manager. */
function webConnector(name: string, id: string) {
  return { name, config: { "connector.class": SINK, topics: "orders", "switchboard.id": id, "switchboard.version": "3", "switchboard.managed-by": "web/c1" } };
}

describe("a cluster governed by a Switchboard server", () => {
  it("refuses a direct apply before touching anything, naming how many connectors the server governs", async () => {
    const { fake, io } = fakeCluster({ connectors: [webConnector("orders-sink", "cr-1"), webConnector("refunds-sink", "cr-2"), { name: "hand-made", config: { "connector.class": SINK, topics: "x" } }] });
    const { dir, file } = await stateFile([entry("mine", "mine")]);
    const r = await runCaptured(["apply", file, "--yes", "--json", ...CONNECT], { ...io, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: refusing to apply directly: 2 connectors on this cluster are governed by a Switchboard server (managed by web/...)");
    expect(r.stderr).toContain("hint: propose it with `switchboard propose --server …`");
    expect(r.stderr).toContain("or pass --force");
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { message: expect.stringContaining("refusing to apply directly") } });
    expect(writes(fake)).toEqual([]);
    expect(fake.connectors.has("mine")).toBe(false);
  });

  it("refuses even a file that would only delete or take over the governed connectors (--prune, --take-over)", async () => {
    const { fake, io } = fakeCluster({ connectors: [webConnector("orders-sink", "cr-1")] });
    const { dir, file } = await stateFile([{ ...entry("cr-1", "orders-sink", { "tasks.max": "9" }), version: 4 }]);
    const r = await runCaptured(["apply", file, "--yes", "--prune", "--take-over", ...CONNECT], { ...io, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("1 connector on this cluster is governed by a Switchboard server");
    expect(writes(fake)).toEqual([]);
    expect(fake.connectors.get("orders-sink")?.config["switchboard.managed-by"]).toBe("web/c1");
  });

  it("applies with --force, with a warning, leaving the governed connectors alone", async () => {
    const { fake, io } = fakeCluster({ connectors: [webConnector("orders-sink", "cr-1")] });
    const { dir, file } = await stateFile([entry("mine", "mine")]);
    const r = await runCaptured(["apply", file, "--yes", "--force", ...CONNECT], { ...io, cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning: --force: applying directly although 1 connector on this cluster is governed by a Switchboard server");
    expect(writes(fake)).toEqual(["createConnector mine"]);
  });

  it("is not governed by connectors of the CLI itself or unmanaged ones; plan is never refused", async () => {
    const { fake, io } = fakeCluster({ connectors: [{ name: "hand-made", config: { "connector.class": SINK, topics: "x" } }] });
    const { dir, file } = await stateFile([entry("mine", "mine")]);
    expect((await runCaptured(["apply", file, "--yes", "--scope", "team-a", ...CONNECT], { ...io, cwd: dir })).code).toBe(0);
    expect((await runCaptured(["apply", file, "--yes", "--scope", "team-a", ...CONNECT], { ...io, cwd: dir })).code).toBe(0);
    expect(fake.connectors.get("mine")?.config["switchboard.managed-by"]).toBe("cli/team-a");
    const governed = fakeCluster({ connectors: [webConnector("orders-sink", "cr-1")] });
    expect((await runCaptured(["plan", file, ...CONNECT], { ...governed.io, cwd: dir })).code).toBe(2);
  });
});

describe("ownership: managers, conflicts and take-over", () => {
  it("leaves a connector managed by the web app alone when the file lacks it, and lists it", async () => {
    const { fake, io } = fakeCluster({ connectors: [webConnector("orders-sink", "cr-1")] });
    const { dir, file } = await stateFile([entry("mine", "mine")]);
    const r = await runCaptured(["apply", file, "--yes", "--force", ...CONNECT], { ...io, cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Managed elsewhere, left alone:\n  = orders-sink (managed by web/c1)");
    expect(writes(fake)).toEqual(["createConnector mine"]);
    expect(fake.connectors.get("orders-sink")?.config["switchboard.managed-by"]).toBe("web/c1");
    expect(fake.connectors.get("mine")?.config["switchboard.managed-by"]).toBe("cli/default");
  });

  it("refuses a definition whose connector is managed elsewhere: plan exits 1, apply changes nothing", async () => {
    const { fake, io } = fakeCluster({ connectors: [webConnector("orders-sink", "cr-1")] });
    const { dir, file } = await stateFile([entry("cr-1", "orders-sink", { "tasks.max": "2" }), entry("mine", "mine")]);

    const planned = await runCaptured(["plan", file, ...CONNECT], { ...io, cwd: dir });
    expect(planned.code).toBe(1);
    expect(planned.stdout).toMatch(/^Conflicts \(nothing will be applied until they are resolved\):\n {2}✗ MANAGED_ELSEWHERE orders-sink: /);
    const conflictLines = planned.stderr.split("\n").filter((l) => l.startsWith("conflict: "));
    expect(conflictLines).toEqual([expect.stringMatching(/^conflict: MANAGED_ELSEWHERE orders-sink: .*managed by web\/c1/)]);
    expect(planned.stderr).toMatch(/ {2}hint: add --take-over/);
    expect(planned.stderr).toContain("✗ 1 conflict; nothing was changed");

    const applied = await runCaptured(["apply", file, "--yes", "--force", "--json", ...CONNECT], { ...io, cwd: dir });
    expect(applied.code).toBe(1);
    expect(JSON.parse(applied.stdout)).toMatchObject({ ok: false, conflicts: [{ code: "MANAGED_ELSEWHERE", connector: "orders-sink", heldBy: { manager: "web/c1" } }] });
    expect(writes(fake)).toEqual([]);
  });

  it("takes it over with --take-over, re-stamping it, with a TAKE_OVER warning", async () => {
    const { fake, io } = fakeCluster({ connectors: [webConnector("orders-sink", "cr-1")] });
    const { dir, file } = await stateFile([{ ...entry("cr-1", "orders-sink", { "tasks.max": "2" }), version: 4 }]);
    const r = await runCaptured(["apply", file, "--yes", "--take-over", "--force", ...CONNECT], { ...io, cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/! TAKE_OVER orders-sink: .*web\/c1/);
    expect(fake.connectors.get("orders-sink")?.config).toMatchObject({ "tasks.max": "2", "switchboard.managed-by": "cli/default", "switchboard.id": "cr-1" });
  });

  it("refuses to create over a name held by a connector with another id, even with --take-over", async () => {
    const { fake, io } = fakeCluster({ connectors: [webConnector("orders-sink", "cr-1")] });
    const { dir, file } = await stateFile([entry("mine", "orders-sink")]);
    const r = await runCaptured(["apply", file, "--yes", "--take-over", "--force", ...CONNECT], { ...io, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^conflict: NAME_TAKEN orders-sink: the name "orders-sink" is held by a connector with id cr-1, managed by web\/c1/m);
    expect(r.stderr).toMatch(/hint: rename "orders-sink" in the definitions/);
    expect(writes(fake)).toEqual([]);
  });

  it("reports an unmanaged connector at a desired name as a conflict, and adopts it with --take-over", async () => {
    const { fake, io } = fakeCluster({ connectors: [{ name: "hand-made", config: { "connector.class": SINK, topics: "orders" } }] });
    const { dir, file } = await stateFile([entry("hand-made", "hand-made", { "tasks.max": "1" })]);
    const refused = await runCaptured(["plan", file, "--prune", ...CONNECT], { ...io, cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^conflict: NAME_TAKEN hand-made: .*does not manage/m);
    expect(refused.stderr).toMatch(/hint: add --take-over to adopt the live connector "hand-made"/);

    const adopted = await runCaptured(["apply", file, "--yes", "--take-over", ...CONNECT], { ...io, cwd: dir });
    expect(adopted.code).toBe(0);
    expect(fake.connectors.get("hand-made")?.config["switchboard.id"]).toBe("hand-made");
    expect((await runCaptured(["plan", file, ...CONNECT], { ...io, cwd: dir })).code).toBe(0);
  });

  it("keeps CLI scopes apart: --scope stamps cli/<scope>, and another scope never deletes its connectors", async () => {
    const { fake, io } = fakeCluster();
    const a = await stateFile([entry("a-one", "a-one")]);
    const empty = await stateFile([]);
    expect((await runCaptured(["apply", a.file, "--yes", "--scope", "team-a", ...CONNECT], { ...io, cwd: a.dir })).code).toBe(0);
    expect(fake.connectors.get("a-one")?.config["switchboard.managed-by"]).toBe("cli/team-a");

    const other = await runCaptured(["plan", empty.file, "--scope", "team-b", ...CONNECT], { ...io, cwd: empty.dir });
    expect(other.code).toBe(0);
    expect(other.stdout).toContain("= a-one (managed by cli/team-a)");
    const unscoped = await runCaptured(["plan", empty.file, ...CONNECT], { ...io, cwd: empty.dir });
    expect(unscoped.code).toBe(0);

    const same = await runCaptured(["plan", empty.file, "--scope", "team-a", ...CONNECT], { ...io, cwd: empty.dir });
    expect(same.code).toBe(2);
    expect(same.stdout).toContain("- delete a-one");
  });

  it("manages seed-001 entries per nameSpace, and says which --scope a conflict belongs to", async () => {
    const { fake, io } = fakeCluster();
    expect((await runCaptured(["apply", "state.json", "--yes", ...CONNECT], io)).code).toBe(0);
    expect(fake.connectors.get("demo-mock-sink")?.config["switchboard.managed-by"]).toBe("cli/switchboard");

    // canonical.json defines the same ids without a namespace: cli/default.
    const r = await runCaptured(["plan", "canonical.json", ...CONNECT], io);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/hint: it belongs to the CLI scope "switchboard": run with --scope switchboard/);
    expect((await runCaptured(["plan", "canonical.json", "--scope", "switchboard", ...CONNECT], io)).code).not.toBe(1);
  });

  it("rejects a --scope that cannot be stamped", async () => {
    const r = await runCaptured(["plan", "state.json", "--scope", "a b", ...CONNECT]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--scope.*letters, digits/);
  });
});

describe("switchboard status", () => {
  function clusterWithFailure() {
    const c = fakeCluster({
      connectors: [
        { name: "orders-sink", config: { "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector", topics: "orders" } },
        { name: "audit-sink", config: { "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector", topics: "audit" }, state: "PAUSED" },
      ],
    });
    c.fake.failTask("orders-sink", 0, "java.lang.RuntimeException: disk full\n\tat Foo.bar(Foo.java:1)");
    return c;
  }

  it("lists connectors by state, failing first, with the first line of each failed task's trace", async () => {
    const { io } = clusterWithFailure();
    const r = await runCaptured(["status", ...CONNECT], io);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("2 connectors: 0 running, 1 paused, 0 stopped, 0 failed, 1 degraded");
    expect(lines[2]).toMatch(/^orders-sink\s+DEGRADED\s+0\/1/);
    expect(r.stdout).toContain("orders-sink task 0: java.lang.RuntimeException: disk full\n");
    expect(r.stdout).not.toContain("Foo.bar");
  });

  it("prints the lists as JSON without configs", async () => {
    const { io } = clusterWithFailure();
    const r = await runCaptured(["status", "--json", ...CONNECT], io);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ running: [], paused: ["audit-sink"], degraded: ["orders-sink"], failed: [] });
    expect(r.stdout).not.toContain("connector.class");
  });
});

describe("switchboard export", () => {
  const unmanaged = {
    name: "legacy-sink",
    config: {
      "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
      topics: "legacy",
      "db.password": "hunter2",
    },
  };

  it("leaves unmanaged connectors out unless --all, and says so", async () => {
    const { io } = fakeCluster({ connectors: [unmanaged] });
    const r = await runCaptured(["export", ...CONNECT], io);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ connectors: [] });
    expect(r.stderr).toContain("1 unmanaged connector left out (legacy-sink); add --all");
  });

  it("adopts a cluster with --all: a state file that validates, plans no changes, and a secrets warning", async () => {
    const { io } = fakeCluster({ connectors: [unmanaged] });
    const dir = await mkdtemp(join(tmpdir(), "switchboard-export-"));
    const r = await runCaptured(["export", "--all", "--out", "adopted.json", ...CONNECT], { ...io, cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("wrote 1 connector to adopted.json");
    expect(r.stderr).toMatch(/warning: the export holds secret values \(legacy-sink: db\.password\)/);
    const doc = JSON.parse(await readFile(join(dir, "adopted.json"), "utf8")) as { connectors: Array<Record<string, unknown>> };
    expect(doc.connectors[0]).toMatchObject({ id: "legacy-sink", name: "legacy-sink", version: 1, state: "RUNNING" });

    expect((await runCaptured(["validate", "adopted.json"], { cwd: dir })).code).toBe(0);
  });

  it("exports a connector of the old toolchain with its id and version, not as config keys", async () => {
    const old = { name: "old-sink", config: { ...unmanaged.config, id: "orders", version: "5" } };
    const { io } = fakeCluster({ connectors: [old] });
    const r = await runCaptured(["export", "--mask-secrets", ...CONNECT], io);
    const doc = JSON.parse(r.stdout) as { connectors: Array<{ id: string; version: number; config: Record<string, string> }> };
    expect(doc.connectors).toEqual([expect.objectContaining({ id: "orders", name: "old-sink", version: 5 })]);
    expect(Object.keys(doc.connectors[0]?.config ?? {})).not.toContain("id");
    expect(Object.keys(doc.connectors[0]?.config ?? {})).not.toContain("version");
  });

  it("masks secret values with --mask-secrets", async () => {
    const { io } = fakeCluster({ connectors: [unmanaged] });
    const r = await runCaptured(["export", "--all", "--mask-secrets", ...CONNECT], io);
    expect(r.stdout).not.toContain("hunter2");
    expect(r.stdout).toContain('"db.password": "(sensitive)"');
  });
});
