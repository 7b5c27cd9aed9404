import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { loadDesired, parseConnectorFile, parseStateFile, toStateFile } from "./load";
import type { ConnectorSpec, Problem } from "./model";

/** Fixture paths relative to the working directory, as a user would type them. */
const fixture = (name: string) => relative(process.cwd(), fileURLToPath(new URL(`./__fixtures__/load/${name}`, import.meta.url)));

function problemsOf(result: { ok: boolean; problems?: Problem[] }): Problem[] {
  expect(result.ok).toBe(false);
  return result.problems ?? [];
}

const tmpDirs: string[] = [];
async function tempDir(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "switchboard-load-"));
  tmpDirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}
afterEach(async () => {
  await Promise.all(tmpDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("syntax errors", () => {
  it("reports a missing comma where the comma belongs, with line and column", async () => {
    const file = fixture("missing-comma.json");
    const [p, ...rest] = problemsOf(await loadDesired(file));
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ message: "expected comma", location: { file, line: 5, column: 28 } });
    expect(p?.hint).toBeTruthy();
  });

  it("reports a document cut short as unexpected end of input", () => {
    const [p] = problemsOf(parseStateFile('{\n  "connectors": [\n', "state.json"));
    expect(p).toMatchObject({ message: "unexpected end of input", location: { file: "state.json", line: 3 } });
  });

  it("rejects trailing commas and comments", () => {
    const [trailing] = problemsOf(parseStateFile('{"connectors": [],\n}', "s.json"));
    expect(trailing).toMatchObject({ message: "trailing comma is not allowed", location: { line: 1, column: 18 } });
    const [comment] = problemsOf(parseStateFile('// x\n{"connectors": []}', "s.json"));
    expect(comment?.message).toBe("comments are not allowed in JSON");
  });

  it("reports an empty file", () => {
    expect(problemsOf(parseStateFile("  \n", "s.json"))[0]?.message).toBe("file is empty");
  });

  it("accepts a byte-order mark", () => {
    expect(parseStateFile('\uFEFF{"connectors": []}', "s.json").ok).toBe(true);
  });
});

describe("hostile documents", () => {
  it("refuses a __proto__ key (it would set the prototype, not a field) with its place", () => {
    const problems = problemsOf(parseStateFile('{"connectors": [{"id": "a", "name": "a", "__proto__": {"x": 1}, "config": {"connector.class": "X"}}]}', "s.json"));
    expect(problems).toEqual([{ message: 'field "__proto__" is not allowed', location: { file: "s.json", line: 1, column: 42 } }]);
  });

  it("refuses nesting deeper than 64 levels without walking it", () => {
    const depth = 200_000;
    const problems = problemsOf(parseStateFile(`{"connectors": ${"[".repeat(depth)}${"]".repeat(depth)}}`, "s.json"));
    expect(problems).toEqual([expect.objectContaining({ message: "nested deeper than 64 levels", location: { file: "s.json", line: 1, column: 79 } })]);
  });
});

describe("seed-001 state files", () => {
  it("maps nameSpace, connectorName, paused and owner onto connector specs", async () => {
    const result = await loadDesired(fixture("seed-state.json"));
    expect(result).toMatchObject({ ok: true, format: "seed-state-file" });
    if (!result.ok) return;
    const [first, second] = result.desired.connectors;
    expect(first).toMatchObject({
      id: "platform.replicate-topic",
      name: "replicate-topic",
      state: "RUNNING",
      owner: { name: "Ada Lovelace", email: "ada@example.com" },
      config: { "tasks.max": "1" },
    });
    expect(first?.version).toBeUndefined();
    expect(second).toMatchObject({ id: "wiki.wikipedia-irc", state: "PAUSED" });
    expect(second?.source?.configKeys?.["irc.channels"]).toMatchObject({ line: 20, column: 9 });
  });

  it("keeps each entry's nameSpace as the spec's namespace; canonical entries have none", async () => {
    const seed = await loadDesired(fixture("seed-state.json"));
    expect(seed.ok && seed.desired.connectors.map((c) => c.namespace)).toEqual(["platform", "wiki"]);
    const canonical = parseStateFile('{"connectors": [{"id": "a", "name": "a", "config": {"connector.class": "X"}}]}', "s.json");
    expect(canonical.ok && canonical.desired.connectors[0]).not.toHaveProperty("namespace");
  });

  it("names an unknown field with a suggestion and its line and column", async () => {
    const file = fixture("seed-state-typo.json");
    const problems = problemsOf(await loadDesired(file));
    expect(problems).toEqual([
      {
        message: 'unknown field "pausedd" (did you mean "paused"?)',
        location: { file, line: 9, column: 7 },
        path: "connectors[0].pausedd",
      },
    ]);
  });

  it("requires the owner's email", async () => {
    const problems = problemsOf(await loadDesired(fixture("seed-state-missing-email.json")));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ message: 'missing field "ownerEmail"', path: "connectors[0].ownerEmail", location: { line: 3, column: 5 } });
  });

  it.each([["ada"], ["ada@"], ["ada @example.com"], [""]])("rejects the owner email %j with its place", (ownerEmail) => {
    const text = JSON.stringify({ connectors: [{ nameSpace: "a", connectorName: "b", connectorConfig: { "connector.class": "X" }, ownerName: "n", ownerEmail }] }, null, 2);
    const problems = problemsOf(parseStateFile(text, "s.json"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: "connectors[0].ownerEmail", location: { file: "s.json", line: 10, column: 7 } });
    expect(problems[0]?.message).toContain("expected an email address");
  });

  it("rejects an empty owner name", () => {
    const text = JSON.stringify({
      connectors: [{ nameSpace: "a", connectorName: "b", connectorConfig: { "connector.class": "X" }, ownerName: "", ownerEmail: "e@x.io" }],
    });
    expect(problemsOf(parseStateFile(text, "s.json"))[0]?.message).toBe('"ownerName" must not be empty');
  });

  it("reports a repeated nameSpace + connectorName as a duplicate id", () => {
    const entry = { nameSpace: "a", connectorName: "b", connectorConfig: { "connector.class": "X" }, ownerName: "n", ownerEmail: "e@x.io" };
    const text = JSON.stringify({ connectors: [entry, entry] }, null, 2);
    const problems = problemsOf(parseStateFile(text, "s.json"));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe('duplicate connector id "a.b" (first defined at s.json:3:5)');
    expect(problems[0]?.related).toEqual({ file: "s.json", line: 3, column: 5 });
  });

  it("reports entries in the other shape than the file's first connector", () => {
    const text = JSON.stringify({
      connectors: [
        { nameSpace: "a", connectorName: "b", connectorConfig: { "connector.class": "X" }, ownerName: "n", ownerEmail: "e@x.io" },
        { id: "c", name: "c", config: { "connector.class": "X" } },
      ],
    });
    const problems = problemsOf(parseStateFile(text, "s.json"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: "connectors[1]" });
    expect(problems[0]?.message).toContain("seed-001 shape");
  });
});

describe("canonical state files", () => {
  it("reads every field, applies defaults and turns config numbers and booleans into strings", async () => {
    const result = await loadDesired(fixture("state.json"));
    expect(result).toMatchObject({ ok: true, format: "state-file" });
    if (!result.ok) return;
    const [c] = result.desired.connectors;
    expect(c).toMatchObject({
      id: "orders-sink",
      name: "orders-sink",
      version: 3,
      state: "PAUSED",
      owner: { name: "Ada Lovelace", email: "ada@example.com", team: "payments" },
      topics: [{ name: "orders", partitions: 6, replicationFactor: 1, config: { "cleanup.policy": "compact" } }],
    });
    expect(c?.config).toEqual({
      "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
      "tasks.max": "2",
      "errors.tolerance": "all",
      "errors.deadletterqueue.context.headers.enable": "true",
      topics: "orders",
      file: "/tmp/orders.txt",
    });
    expect(c?.source?.location).toMatchObject({ line: 4, column: 5 });
  });

  it("defaults the state to RUNNING", () => {
    const result = parseStateFile('{"connectors": [{"id": "a", "name": "a", "config": {"connector.class": "X"}}]}', "s.json");
    expect(result.ok && result.desired.connectors[0]?.state).toBe("RUNNING");
  });

  it("reports a config.name that differs from the connector name", () => {
    const text = '{"connectors": [{"id": "a", "name": "a", "config": {"connector.class": "X", "name": "b"}}]}';
    const [p] = problemsOf(parseStateFile(text, "s.json"));
    expect(p?.message).toBe('config "name" is "b" but the connector is named "a"');
    expect(p?.path).toBe("connectors[0].config.name");
  });

  it("rejects reserved switchboard.* config keys", () => {
    const text = '{"connectors": [{"id": "a", "name": "a", "config": {"connector.class": "X", "switchboard.id": "z"}}]}';
    const [p] = problemsOf(parseStateFile(text, "s.json"));
    expect(p?.message).toBe('config key "switchboard.id" is reserved for Switchboard');
    expect(p?.path).toBe('connectors[0].config["switchboard.id"]');
  });

  it("rejects connector names Connect cannot address", () => {
    const text = '{"connectors": [{"id": "a", "name": "orders/sink v2", "config": {"connector.class": "X"}}]}';
    const [p] = problemsOf(parseStateFile(text, "s.json"));
    expect(p?.message).toContain('"orders/sink v2"');
    expect(p?.location).toEqual({ file: "s.json", line: 1, column: 37 });
  });

  it('rejects the names "." and ".." (a URL path resolves them away) and names longer than 249 characters', () => {
    const named = (name: string) => problemsOf(parseStateFile(JSON.stringify({ connectors: [{ id: "a", name, config: { "connector.class": "X" } }] }), "s.json")).map((p) => p.message);
    expect(named(".")).toEqual(['connector name "." cannot be addressed: a URL path resolves it away']);
    expect(named("..")).toEqual(['connector name ".." cannot be addressed: a URL path resolves it away']);
    expect(named("n".repeat(250))).toEqual(["connector name is 250 characters long; at most 249"]);
    expect(parseStateFile(JSON.stringify({ connectors: [{ id: "a", name: "n".repeat(249), config: { "connector.class": "X" } }] }), "s.json").ok).toBe(true);
  });

  it("quotes at most 80 characters of a value in a message, with invisible characters escaped", () => {
    const long = `${"x".repeat(100_000)}/`;
    const [p] = problemsOf(parseStateFile(JSON.stringify({ connectors: [{ id: "a", name: long, config: { "connector.class": "X" } }] }), "s.json"));
    expect(p?.message).toBe(`connector name "${"x".repeat(80)}…" has characters Connect cannot address reliably`);
    const [bom] = problemsOf(parseStateFile('{"connectors": \uFEFF[]}', "s.json"));
    expect(bom).toMatchObject({ message: "unexpected byte-order mark (U+FEFF)", location: { line: 1, column: 16 } });
    const [typo] = problemsOf(parseStateFile(JSON.stringify({ connectors: [{ id: "a", name: "a", ["k\u200b".repeat(200)]: 1, config: { "connector.class": "X" } }] }), "s.json"));
    expect(typo?.message).toBe(`unknown field "${"k\\u200b".repeat(40)}…"`);
  });

  it("rejects empty, blank and space-padded config keys, which the server refuses and Connect would take literally", () => {
    const keyed = (key: string) => problemsOf(parseStateFile(JSON.stringify({ connectors: [{ id: "a", name: "a", config: { "connector.class": "X", [key]: "v" } }] }), "s.json"));
    expect(keyed("")[0]).toMatchObject({ message: "config key must not be empty or blank", path: 'connectors[0].config[""]', location: { line: 1, column: 69 } });
    expect(keyed(" \t").map((p) => p.message)).toEqual(["config key must not be empty or blank"]);
    expect(keyed(" topics").map((p) => p.message)).toEqual(['config key " topics" starts or ends with white space']);
  });

  it("keeps config numbers that a double holds exactly and refuses the others instead of rounding them", () => {
    const numbered = (n: string) => parseStateFile(`{"connectors": [{"id": "a", "name": "a", "config": {"connector.class": "X", "n": ${n}}}]}`, "s.json");
    for (const [n, kept] of [["1.50", "1.5"], ["-0", "0"], ["1E2", "100"], ["0.1", "0.1"], ["9007199254740991", "9007199254740991"]] as const) {
      const r = numbered(n);
      expect(r.ok && r.desired.connectors[0]?.config.n, n).toBe(kept);
    }
    for (const n of ["9007199254740993", "1e400", "2e-400", "123456789012345678901234567890"]) {
      const [p, ...rest] = problemsOf(numbered(n));
      expect(rest).toEqual([]);
      expect(p?.message, n).toMatch(new RegExp(`^"n" is ${n.replace(/[.+]/g, "\\$&")}, a number that cannot be kept exactly \\(it would become [^)]+\\)$`));
      expect(p).toMatchObject({ path: "connectors[0].config.n", hint: `write it as a string: "${n}"`, location: { line: 1, column: 82 } });
    }
  });

  it("requires connector.class", () => {
    const [p] = problemsOf(parseStateFile('{"connectors": [{"id": "a", "name": "a", "config": {}}]}', "s.json"));
    expect(p?.message).toBe('missing field "connector.class" in config');
  });

  it("rejects nested config values and wrong types, naming the field", () => {
    const text = [
      "{",
      '  "connectors": [',
      '    { "id": "a", "name": "a", "state": "running", "version": 1.5,',
      '      "config": { "connector.class": "X", "transforms": ["a"] } }',
      "  ]",
      "}",
    ].join("\n");
    const messages = problemsOf(parseStateFile(text, "s.json")).map((p) => p.message);
    expect(messages).toEqual([
      '"state" must be one of "RUNNING", "PAUSED", "STOPPED" (did you mean "RUNNING"?)',
      '"version" must be an integer',
      '"transforms" must be a string, number or boolean',
    ]);
  });

  it("reports a key written twice in one object", () => {
    const text = '{"connectors": [{"id": "a", "name": "a", "state": "PAUSED", "state": "RUNNING", "config": {"connector.class": "X"}}]}';
    const [p] = problemsOf(parseStateFile(text, "s.json"));
    expect(p?.message).toBe('duplicate field "state" (first defined at s.json:1:42)');
  });

  it("reports every problem of a file, in order", () => {
    const text = [
      '{ "connectors": [',
      '  { "id": "a", "name": "a", "pausd": true, "config": { "connector.class": "X" } },',
      '  { "id": "b", "name": "a", "config": { "connector.class": "X" } },',
      '  { "id": "b", "name": "c", "config": { "connector.class": "X" } }',
      "] }",
    ].join("\n");
    const problems = problemsOf(parseStateFile(text, "s.json"));
    expect(problems.map((p) => [p.location?.line, p.message])).toEqual([
      [2, 'unknown field "pausd"'],
      [4, 'duplicate connector id "b" (first defined at s.json:3:11)'],
    ]);
  });

  it("reports duplicate names, pointing at both places", () => {
    const text = [
      '{ "connectors": [',
      '  { "id": "a", "name": "x", "config": { "connector.class": "X" } },',
      '  { "id": "b", "name": "x", "config": { "connector.class": "X" } }',
      "] }",
    ].join("\n");
    const [p] = problemsOf(parseStateFile(text, "s.json"));
    expect(p).toMatchObject({
      message: 'duplicate connector name "x" (first defined at s.json:2:24)',
      location: { line: 3, column: 24 },
      related: { line: 2, column: 24 },
    });
  });

  it("hints at the directory when given a single connector definition", () => {
    const problems = problemsOf(parseStateFile('{"name": "a", "config": {}}', "a.json"));
    const missing = problems.find((p) => p.message === 'missing field "connectors"');
    expect(missing?.hint).toContain("directory");
  });
});

describe("connector directories", () => {
  it("lifts id and version out of the config of Connect create bodies (seed 000)", async () => {
    const result = await loadDesired(fixture("seed-000-dir"));
    expect(result).toMatchObject({ ok: true, format: "directory" });
    if (!result.ok) return;
    expect(result.desired.connectors.map((c) => [c.id, c.name, c.version, c.state])).toEqual([
      ["hr-platform/orders-sink", "orders-sink", 7, "RUNNING"],
      ["hr-platform/audit-source", "audit-source", 2, "RUNNING"],
    ]);
    expect(result.desired.connectors[0]?.config).toEqual({ "connector.class": "FileStreamSink", topics: "orders", file: "/tmp/orders.txt" });
    expect(result.desired.connectors[0]?.source?.location.file).toBe(join(fixture("seed-000-dir"), "10-orders-sink.json"));
  });

  it("reads canonical connector files", async () => {
    const result = await loadDesired(fixture("canonical-dir"));
    expect(result.ok && result.desired.connectors[0]).toMatchObject({ id: "orders-sink", version: 4, owner: { team: "payments" } });
  });

  it("reports duplicate names across files, naming both places", async () => {
    const dir = fixture("duplicate-names-dir");
    const problems = problemsOf(await loadDesired(dir));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      message: `duplicate connector name "orders-sink" (first defined at ${join(dir, "a.json")}:3:11)`,
      location: { file: join(dir, "b.json"), line: 3, column: 11 },
      related: { file: join(dir, "a.json"), line: 3, column: 11 },
    });
  });

  it("reports duplicate ids across files", async () => {
    const body = (name: string) => JSON.stringify({ name, config: { "connector.class": "X", id: "same", version: 1 } }, null, 2);
    const dir = await tempDir({ "a.json": body("a"), "b.json": body("b") });
    const [p] = problemsOf(await loadDesired(dir));
    expect(p?.message).toBe(`duplicate connector id "same" (first defined at ${join(dir, "a.json")}:5:11)`);
  });

  it("requires id and version in every file", () => {
    const bodyProblems = problemsOf(parseConnectorFile('{"name": "a", "config": {"connector.class": "X"}}', "a.json"));
    expect(bodyProblems.map((p) => p.message)).toEqual(['missing field "id" in config', 'missing field "version" in config']);
    const canonical = problemsOf(parseConnectorFile('{"id": "a", "name": "a", "config": {"connector.class": "X"}}', "a.json"));
    expect(canonical.map((p) => p.message)).toEqual(['missing field "version"']);
  });

  it("rejects a version that is not a non-negative integer", () => {
    const [p] = problemsOf(parseConnectorFile('{"name": "a", "config": {"connector.class": "X", "id": "a", "version": "v2"}}', "a.json"));
    expect(p?.message).toBe('"version" in config must be a non-negative integer, got "v2"');
  });

  it("reports problems from every file, not just the first", async () => {
    const dir = await tempDir({ "a.json": "{", "b.json": '{"id": "b", "name": "b", "version": 1, "confg": {}}' });
    const problems = problemsOf(await loadDesired(dir));
    expect(problems.map((p) => [p.location?.file, p.message])).toEqual([
      [join(dir, "a.json"), "unexpected end of input"],
      [join(dir, "b.json"), 'missing field "config"'],
      [join(dir, "b.json"), 'unknown field "confg" (did you mean "config"?)'],
    ]);
  });

  it("reports an empty directory", async () => {
    const dir = await tempDir({ "notes.txt": "not a connector" });
    const [p] = problemsOf(await loadDesired(dir));
    expect(p?.message).toBe(`${dir}: no connector files (*.json) in this directory`);
  });
});

describe("loadDesired", () => {
  it("reports a missing path instead of throwing", async () => {
    expect(problemsOf(await loadDesired("does/not/exist.json"))).toEqual([{ message: "does/not/exist.json: no such file or directory" }]);
  });
});

describe("toStateFile", () => {
  const spec: ConnectorSpec = {
    id: "orders-sink",
    name: "orders-sink",
    version: 2,
    state: "RUNNING",
    owner: { team: "payments" },
    config: { topics: "orders", "connector.class": "FileStreamSink" },
    source: { location: { file: "x.json", line: 1, column: 1 } },
  };

  it("writes a stable key order, sorted config keys and no source", () => {
    expect(toStateFile([spec])).toBe(
      `${JSON.stringify(
        {
          connectors: [
            { id: "orders-sink", name: "orders-sink", version: 2, state: "RUNNING", owner: { team: "payments" }, config: { "connector.class": "FileStreamSink", topics: "orders" } },
          ],
        },
        null,
        2,
      )}\n`,
    );
  });

  it("round-trips through parseStateFile", () => {
    const name = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/).filter((n) => n !== "." && n !== "..");
    const connector = fc.record(
      {
        id: name,
        name,
        version: fc.nat(),
        state: fc.constantFrom("RUNNING" as const, "PAUSED" as const, "STOPPED" as const),
        config: fc.dictionary(fc.stringMatching(/^[a-z][a-z.]{0,15}$/).filter((k) => k !== "name" && !k.startsWith("switchboard.")), fc.string()),
      },
      { requiredKeys: ["id", "name", "state", "config"] },
    );
    fc.assert(
      fc.property(fc.uniqueArray(connector, { selector: (c) => c.name }), (raw) => {
        const connectors = raw
          .filter((c, i) => raw.findIndex((o) => o.id === c.id) === i)
          .map((c) => ({ ...c, config: { ...c.config, "connector.class": "X" } }));
        const result = parseStateFile(toStateFile(connectors), "s.json");
        if (!result.ok) throw new Error(JSON.stringify(result.problems));
        expect(result.desired.connectors.map(({ source: _source, ...c }) => c)).toEqual(connectors);
      }),
    );
  });
});
