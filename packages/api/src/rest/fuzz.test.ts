/**
 * 10,000 generated state files (valid, near-valid and hostile) against (a) the loader that
 * `switchboard validate <file>` runs (loadDesired reads the file as UTF-8, BOM kept, and calls
 * parseStateFile with it: the same function is called here, without the disk) and (b) the sync
 * endpoint (POST /api/v1/clusters/{id}/sync) through the REST handler in-process, on a fake Connect
 * that records every call. It holds when nothing throws and nothing answers 500; every rejection
 * carries messages that each name a place (a JSON path or a line); the loader and the endpoint agree
 * on what is valid; and the cluster receives no write at all (a sync in propose mode only reads it,
 * and asks Connect's validator which keys are passwords, a dry run).
 *
 * The files come from fast-check with a fixed seed, so a failure reproduces; change SEED to explore.
 * Split: 30% valid (canonical and seed-001 shapes, BOMs, CRLF, odd but legal keys), 40% near-valid
 * (one mutation of a valid file: a misspelt field, a wrong type, null at any level, a missing key, a
 * duplicate, a bad state, a number as a string, ...), 30% hostile (values and counts at and over the
 * limits, nesting beyond 64 levels, `__proto__`/`constructor`/`prototype` keys, non-JSON, control
 * characters, lone surrogates). All 10,000 go through (a), and each distinct text once through (b):
 * with SEED the 10,000 are 3,018 valid, 4,022 near-valid and 2,960 hostile (many hostile ones repeat:
 * the limits are few), 7,967 distinct texts (3,018 valid, 3,954 near-valid, 995 hostile), about
 * 130 s on two cores.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@switchboard/db/testing";
import { createToken } from "@switchboard/domain/api-tokens";
import { parseStateFile } from "@switchboard/engine/load";
import type { Problem } from "@switchboard/engine/model";
import { buildWorkerWorld, MOCK_SINK, type WorkerWorld } from "@switchboard/worker/worker.fixture";
import { createRestClient } from "./rest-client.fixture";

const SEED = 20261129;
const TOTAL = 10_000;
const BODY_LIMIT = 1_000_000;
const VALUE_LIMIT = 65_536;
const MUTATING = new Set(["putConfig", "createConnector", "pause", "resume", "stop", "restart", "restartTask", "deleteConnector", "alterOffsets", "resetOffsets"]);

type Expect = "valid" | "invalid" | "either";
type Category = "valid" | "near" | "hostile";
/** `domainBound`: valid for the loader, refused by the server's bounds (value length, key count, items per change). */
type Case = { category: Category; kind: string; expect: Expect; text: string; domainBound?: boolean };

// ---- valid documents ----

const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}(\.[a-z0-9]{1,6})?$/);
const configKey = fc.stringMatching(/^[a-z][a-z0-9]{0,10}(\.[a-z0-9]{1,8}){0,2}$/).filter((k) => k !== "name" && !k.startsWith("switchboard"));
const configValue = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.boolean() },
);
const config = fc
  .dictionary(configKey, configValue, { maxKeys: 8 })
  .map((c) => ({ "connector.class": MOCK_SINK, "tasks.max": "1", topics: "fuzz.topic", ...c }));
const email = fc.constantFrom("ada@example.com", "payments-oncall@example.com", "o.k+tag@sub.example.org");
const state = fc.constantFrom("RUNNING", "PAUSED", "STOPPED");

const canonicalEntry = (n: string) =>
  fc.record(
    {
      id: fc.constant(`fuzz.${n}`),
      name: fc.constant(n),
      version: fc.nat(50),
      state,
      owner: fc.record({ name: fc.string({ maxLength: 20 }), email, team: fc.constantFrom("payments", "no-such-team") }, { requiredKeys: [] }),
      topics: fc.array(fc.record({ name: name, partitions: fc.integer({ min: 1, max: 12 }), replicationFactor: fc.constant(1) }, { requiredKeys: ["name"] }), { maxLength: 2 }),
      config,
    },
    { requiredKeys: ["id", "name", "config"] },
  );

const seedEntry = (n: string) =>
  fc.record(
    { nameSpace: fc.constantFrom("payments", "orders", "fuzz"), connectorName: fc.constant(n), connectorConfig: config, paused: fc.boolean(), ownerName: fc.constant("Olive"), ownerEmail: email },
    { requiredKeys: ["nameSpace", "connectorName", "connectorConfig", "ownerName", "ownerEmail"] },
  );

const names = fc.uniqueArray(name, { minLength: 1, maxLength: 4 });
const canonicalDoc = names.chain((ns) => fc.tuple(...ns.map(canonicalEntry))).map((connectors) => ({ connectors }) as Record<string, unknown>);
const seedDoc = names.chain((ns) => fc.tuple(...ns.map(seedEntry))).map((connectors) => ({ connectors }) as Record<string, unknown>);
const validDoc = fc.oneof(canonicalDoc, seedDoc);

type Layout = "pretty" | "compact" | "crlf" | "bom";
const layout = fc.constantFrom<Layout>("pretty", "compact", "crlf", "bom");
function render(doc: unknown, how: Layout = "pretty"): string {
  const text = how === "compact" ? JSON.stringify(doc) : JSON.stringify(doc, null, 2);
  if (how === "crlf") return text.replace(/\n/g, "\r\n");
  return how === "bom" ? `\uFEFF${text}` : text;
}

const valid: fc.Arbitrary<Case> = fc.oneof(
  fc.tuple(validDoc, layout).map(([d, how]) => ({ category: "valid" as const, kind: `valid-${how}`, expect: "valid" as const, text: render(d, how) })),
  // Keys that are names of Object.prototype's members are plain config keys.
  fc.tuple(canonicalDoc, fc.constantFrom("constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "isPrototypeOf")).map(([d, key]) => {
    const entry = (d.connectors as Array<{ config: Record<string, unknown> }>)[0]!;
    entry.config = { ...entry.config, [key]: "x" };
    return { category: "valid" as const, kind: "valid-prototype-member-key", expect: "valid" as const, text: render(d) };
  }),
  fc.tuple(canonicalDoc, fc.array(fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/), { minLength: 1, maxLength: 3 })).map(([d, topics]) => ({
    category: "valid" as const,
    kind: "valid-delete-topics",
    expect: "valid" as const,
    text: render({ $schema: "https://switchboard.example.com/state.schema.json", ...d, deleteTopics: topics }),
  })),
);

// ---- near-valid: one mutation of a valid document ----

type Path = Array<string | number>;
type Json = unknown;

function pathsOf(value: Json, path: Path = []): Path[] {
  const out: Path[] = [path];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...path, i])));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...path, k]));
  return out;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function setAt(root: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const copy = clone(root) as Record<string | number, Json>;
  let node = copy;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, Json>;
  node[path[path.length - 1]!] = value;
  return copy;
}

function getAt(root: Json, path: Path): Json {
  let node = root as Record<string | number, Json> | undefined;
  for (const seg of path) node = node?.[seg] as Record<string | number, Json> | undefined;
  return node;
}

/** Renames (or with `to` undefined, removes) the last key of `path`, keeping the key order. */
function renameAt(root: Json, path: Path, to: string | undefined): Json {
  const parentPath = path.slice(0, -1);
  const parent = getAt(root, parentPath) as Record<string, Json>;
  const key = path[path.length - 1] as string;
  const entries = Object.entries(parent).flatMap(([k, v]) => (k !== key ? [[k, v]] : to === undefined ? [] : [[to, v]]));
  return setAt(root, parentPath, Object.fromEntries(entries));
}

const objectKeyPaths = (doc: Json) => pathsOf(doc).filter((p) => typeof p[p.length - 1] === "string");
/** Paths of the document's own fields: not keys inside a config map (any name is legal there). */
const fieldPaths = (doc: Json) => objectKeyPaths(doc).filter((p) => !p.slice(0, -1).some((seg) => seg === "config" || seg === "connectorConfig"));
const pick = <T>(items: T[], n: number): T => items[n % items.length]!;

function typo(key: string, n: number): string {
  const i = n % (key.length + 1);
  const variants = [key + key[key.length - 1], key.slice(0, i) + key.slice(i + 1), key.toUpperCase(), `${key}_`, key.replace(/[a-z]/, (c) => String.fromCharCode(((c.charCodeAt(0) - 96) % 26) + 97))];
  const out = variants[n % variants.length]!;
  return out === key || out === "" ? `${key}x` : out;
}

function wrongType(value: Json, n: number): Json {
  if (typeof value === "string") return [42, true, [value], { value }][n % 4];
  if (typeof value === "number") return [String(value), [value], { value }, value > 0][n % 4];
  if (typeof value === "boolean") return [String(value), value ? 1 : 0, [value]][n % 3];
  if (Array.isArray(value)) return [{ items: value }, "[]", 0][n % 3];
  return [[value], "{}", 1][n % 3];
}

const ENTRY_KEYS = /^(id|name|version|state|owner|topics|config|nameSpace|connectorName|connectorConfig|paused|ownerName|ownerEmail|connectors|partitions|replicationFactor|email|team)$/;

/** Each mutation with what the loader must say about it ("either" when it depends on where it lands). */
const mutations: Array<{ kind: string; apply: (doc: Record<string, unknown>, n: number) => { doc: Json; expect: Expect } }> = [
  {
    kind: "misspelt-field",
    apply: (doc, n) => {
      const paths = fieldPaths(doc).filter((p) => ENTRY_KEYS.test(String(p[p.length - 1])));
      const p = pick(paths, n);
      return { doc: renameAt(doc, p, typo(String(p[p.length - 1]), n)), expect: "invalid" };
    },
  },
  {
    // Either: a number or boolean in place of a config string (or back) is still valid.
    kind: "wrong-type",
    apply: (doc, n) => {
      const p = pick(pathsOf(doc).slice(1), n);
      return { doc: setAt(doc, p, wrongType(getAt(doc, p), n)), expect: "either" };
    },
  },
  { kind: "null-at-any-level", apply: (doc, n) => ({ doc: setAt(doc, pick(pathsOf(doc), n), null), expect: "invalid" }) },
  {
    kind: "missing-required-key",
    apply: (doc, n) => {
      const isClass = (p: Path) => p[p.length - 1] === "connector.class" && (p[p.length - 2] === "config" || p[p.length - 2] === "connectorConfig");
      const REQUIRED = /^(id|name|config|nameSpace|connectorName|connectorConfig|ownerName|ownerEmail|connectors|connector\.class)$/;
      const required = [...fieldPaths(doc), ...objectKeyPaths(doc).filter(isClass)].filter((p) => REQUIRED.test(String(p[p.length - 1])) && !p.includes("owner"));
      return { doc: renameAt(doc, pick(required, n), undefined), expect: "invalid" };
    },
  },
  {
    kind: "duplicate-connector",
    apply: (doc, n) => {
      const list = doc.connectors as Json[];
      const copy = clone(pick(list, n)) as Record<string, Json>;
      // Half keep the id and change the name, half the other way round (canonical); seed entries repeat both.
      if ("id" in copy && n % 2 === 0) copy.name = `${String(copy.name)}-2`;
      else if ("id" in copy) copy.id = `${String(copy.id)}-2`;
      return { doc: { ...doc, connectors: [...list, copy] }, expect: "invalid" };
    },
  },
  {
    kind: "bad-state",
    apply: (doc, n) => {
      const list = clone(doc.connectors) as Array<Record<string, Json>>;
      const entry = pick(list, n);
      if ("id" in entry) entry.state = pick(["running", "DELETED", "", "RUNNING ", "PAUSE", 1], n);
      else entry.paused = pick(["true", "yes", 1, "false"], n);
      return { doc: { ...doc, connectors: list }, expect: "invalid" };
    },
  },
  {
    kind: "number-as-string",
    apply: (doc, n) => {
      const list = clone(doc.connectors) as Array<Record<string, Json>>;
      const entry = pick(list, n);
      if ("id" in entry) entry.version = String(n % 9);
      else entry.paused = n % 2 === 0 ? "true" : "false";
      return { doc: { ...doc, connectors: list }, expect: "invalid" };
    },
  },
  {
    kind: "bad-name",
    apply: (doc, n) => {
      const list = clone(doc.connectors) as Array<Record<string, Json>>;
      const entry = pick(list, n);
      const bad = pick(["a/b", "a b", ".", "..", "ä-sink", "a?b", "a%2Fb", "", " ", "x".repeat(250), "\u0000", "sink\n"], n);
      entry["id" in entry ? "name" : "connectorName"] = bad;
      return { doc: { ...doc, connectors: list }, expect: "invalid" };
    },
  },
  {
    kind: "bad-config-key",
    apply: (doc, n) => {
      const list = clone(doc.connectors) as Array<Record<string, Json>>;
      const entry = pick(list, n);
      const cfg = (entry.config ?? entry.connectorConfig) as Record<string, Json>;
      const [key, value] = pick<[string, string]>([["switchboard.id", "x"], ["switchboard.managed-by", "web/x"], ["name", "another-name"], ["", "x"], [" ", "x"], ["\t", "x"]], n);
      cfg[key] = value;
      return { doc: { ...doc, connectors: list }, expect: "invalid" };
    },
  },
  {
    kind: "bad-email-or-owner",
    apply: (doc, n) => {
      const list = clone(doc.connectors) as Array<Record<string, Json>>;
      const entry = pick(list, n);
      const bad = pick(["not-an-email", "a@", "@b.com", "", 42, "a@b"], n);
      if ("id" in entry) entry.owner = { email: bad };
      else entry.ownerEmail = bad;
      return { doc: { ...doc, connectors: list }, expect: "invalid" };
    },
  },
  {
    kind: "mixed-shapes",
    apply: (doc, n) => {
      const list = doc.connectors as Array<Record<string, Json>>;
      const seed = "connectorName" in list[0]!;
      const other = seed
        ? { id: `mixed-${n}`, name: `mixed-${n}`, config: { "connector.class": MOCK_SINK } }
        : { nameSpace: "x", connectorName: `mixed-${n}`, connectorConfig: { "connector.class": MOCK_SINK }, ownerName: "O", ownerEmail: "o@example.com" };
      return { doc: { ...doc, connectors: [...list, other] }, expect: "invalid" };
    },
  },
];

const textMutations: Array<{ kind: string; apply: (text: string, n: number) => string | null }> = [
  {
    kind: "duplicate-json-key",
    apply: (text, n) => {
      const keys = [...text.matchAll(/"(id|name|config|connectorName|connectorConfig|paused|state)":/g)];
      const m = keys.length > 0 ? pick(keys, n) : undefined;
      return m ? `${text.slice(0, m.index)}"${m[1]}": null, ${text.slice(m.index)}` : null;
    },
  },
  { kind: "truncated", apply: (text, n) => text.trim().slice(0, n % text.trim().length) },
  { kind: "trailing-comma", apply: (text) => { const i = text.lastIndexOf("]"); return `${text.slice(0, i)},${text.slice(i)}`; } },
  { kind: "comment", apply: (text, n) => (n % 2 === 0 ? `// state\n${text}` : text.replace("{", "{ /* note */")) },
  { kind: "single-quotes", apply: (text) => text.replace(/"connectors"/, "'connectors'") },
];

const mutated = fc.tuple(validDoc, fc.nat(mutations.length - 1), fc.nat()).map(([d, m, n]): Case => {
  const mutation = mutations[m]!;
  const out = mutation.apply(d, n);
  return { category: "near", kind: mutation.kind, expect: out.expect, text: render(out.doc, n % 3 === 0 ? "compact" : "pretty") };
});

const mistyped = fc.tuple(validDoc, fc.nat(textMutations.length - 1), fc.nat()).map(([d, m, n]): Case => {
  const base = render(d);
  const text = textMutations[m]!.apply(base, n);
  if (text === null || text === base) return { category: "near", kind: "unchanged", expect: "valid", text: base };
  return { category: "near", kind: textMutations[m]!.kind, expect: "invalid", text };
});

const nearValid: fc.Arbitrary<Case> = fc.oneof({ weight: 3, arbitrary: mutated }, { weight: 1, arbitrary: mistyped });

// ---- hostile ----

function nested(depth: number, leaf: Json = "x"): Json {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
}

/** `depth` levels of brackets as text (JSON.stringify would recurse). */
const deepText = (depth: number) => `{"connectors": [{"id": "d", "name": "d", "config": {"connector.class": "${MOCK_SINK}", "deep": ${"[".repeat(depth)}1${"]".repeat(depth)}}}]}`;

const oneConnector = (cfg: Record<string, Json>) => ({ connectors: [{ id: "fuzz.big", name: "fuzz-big", config: { "connector.class": MOCK_SINK, ...cfg } }] });

const manyKeys = (n: number) => Object.fromEntries(Array.from({ length: n - 1 }, (_, i) => [`k${i}`, "v"]));
const manyConnectors = (n: number) => ({
  connectors: Array.from({ length: n }, (_, i) => ({ id: `fuzz.many-${i}`, name: `many-${i}`, config: { "connector.class": MOCK_SINK, topics: "t" } })),
});

const PROTO_KEYS = ["__proto__", "constructor", "prototype"] as const;
const PLACEHOLDER = "\u0001KEY\u0001";

const hostileCase = (kind: string, expect: Expect, text: string, domainBound = false): Case => ({ category: "hostile", kind, expect, text, ...(domainBound ? { domainBound } : {}) });
const numbered = (field: string, value: string) => `{"connectors":[{"id":"n","name":"n",${field === "version" ? `"version":${value},` : ""}"config":{"connector.class":"${MOCK_SINK}"${field === "config" ? `,"n":${value}` : ""}}}]}`;

/** Not state files at all, or nearly: every one is refused (but the first, an empty list). */
const NOT_STATE_FILES = ['{"connectors": []}', "", " ", "\n\t", "\uFEFF", "null", "[]", "{}", "0", '"connectors"', "true", "NaN", "undefined", "<xml/>", "---\nconnectors: []\n"];
const ODD_SHAPES = ['{"connectors": {}}', '{"connectors": null}', '{"connectors": [null]}', '{"connectors": [[]]}', '{"connectors": [1]}', '{"connectors": [], "connectors": []}', "{connectors: []}", '{"connectors": [] // x\n}', '{"connectors": [Infinity]}'];

const protoKeyCase = fc.tuple(validDoc, fc.constantFrom(...PROTO_KEYS), fc.nat()).map(([d, key, n]): Case => {
  const objects = pathsOf(d).filter((p) => {
    const v = getAt(d, p);
    return v !== null && typeof v === "object" && !Array.isArray(v);
  });
  const at = pick(objects, n);
  const doc = setAt(d, at, { ...(getAt(d, at) as Record<string, Json>), [PLACEHOLDER]: pick<Json>([{ polluted: true }, null, "x", 1, []], n) });
  const text = render(doc).replace(JSON.stringify(PLACEHOLDER), JSON.stringify(key));
  // A config map takes any key but __proto__; everywhere else an unknown field is refused.
  const inConfig = /config$/i.test(String(at[at.length - 1]));
  return hostileCase(`proto-${key}`, key !== "__proto__" && inConfig ? "either" : "invalid", text);
});

const bomCase = fc.tuple(validDoc, fc.nat()).map(([d, n]): Case => {
  const text = render(d);
  // Inside a string a U+FEFF is just a character; between tokens it is not JSON.
  if (n % 2 === 0) return hostileCase("bom-between-tokens", "invalid", text.replace('"connectors"', '\uFEFF"connectors"'));
  const i = (n % (text.length - 2)) + 1;
  return hostileCase("bom-anywhere", "either", `${text.slice(0, i)}\uFEFF${text.slice(i)}`);
});

const hostile: fc.Arbitrary<Case> = fc.oneof(
  // Values and counts at and just over the server's bounds; over 1 MB the body itself is refused (413).
  fc.constantFrom(VALUE_LIMIT, VALUE_LIMIT + 1, BODY_LIMIT + 10).map((len) => hostileCase(`value-${len}`, "valid", render(oneConnector({ big: "v".repeat(len) }), "compact"), len > VALUE_LIMIT)),
  fc.constantFrom(500, 501).map((n) => hostileCase(`config-keys-${n}`, "valid", render(oneConnector(manyKeys(n)), "compact"), n > 500)),
  fc.constantFrom(200, 201).map((n) => hostileCase(`connectors-${n}`, "valid", render(manyConnectors(n), "compact"), n > 200)),
  fc.constantFrom(257, 1000).map((len) => hostileCase(`key-${len}`, "valid", render(oneConnector({ ["k".repeat(len)]: "v" })), true)),
  fc.constantFrom(300, 100_000).map((len) => hostileCase(`name-${len}`, "invalid", render({ connectors: [{ id: "i".repeat(len), name: "n".repeat(len), config: { "connector.class": MOCK_SINK } }] }))),
  fc.constantFrom(300, 100_000).map((len) => hostileCase(`typo-${len}`, "invalid", render({ connectors: [{ id: "i", name: "n", ["x".repeat(len)]: 1, state: "r".repeat(len), config: { "connector.class": MOCK_SINK } }] }))),
  // Nesting: beyond 64 levels refused before the tree is walked (5,000 and 100,000 levels would overflow a recursive walk).
  fc.integer({ min: 65, max: 400 }).map((depth) => hostileCase("deep-config-value", "invalid", render(oneConnector({ deep: nested(depth) })))),
  fc.constantFrom(65, 5_000, 100_000).map((depth) => hostileCase(`deep-text-${depth}`, "invalid", deepText(depth))),
  fc.integer({ min: 1, max: 60 }).map((depth) => hostileCase("nested-config-value", "invalid", render(oneConnector({ nested: nested(depth) })))),
  protoKeyCase,
  bomCase,
  // Raw, a control character inside a JSON string is a syntax error (tab, LF and CR land between tokens here); escaped, it is a legal value.
  fc.tuple(canonicalDoc, fc.integer({ min: 0, max: 31 })).map(([d, code]) => hostileCase("control-char-raw", [9, 10, 13].includes(code) ? "either" : "invalid", render(d).replace(`"${MOCK_SINK}"`, `"${MOCK_SINK}${String.fromCharCode(code)}"`))),
  fc.integer({ min: 0, max: 31 }).map((code) => hostileCase("control-char-escaped", "valid", render(oneConnector({ ctl: `a${String.fromCharCode(code)}b` })))),
  fc.constantFrom("\ud800", "\udfff", "a\ud83d", "\u0000", "\u2028\u2029", "👩‍👩‍👧").map((odd) => hostileCase("odd-unicode-value", "valid", render(oneConnector({ odd })))),
  // A number in a config that a double cannot hold is refused, never rounded or turned into "Infinity".
  fc.constantFrom("1e400", "-0", "2e-400", "1.50", "1E2", "123456789012345678901234567890", "9007199254740993").map((n) => hostileCase("odd-number-value", ["-0", "1.50", "1E2"].includes(n) ? "valid" : "invalid", numbered("config", n))),
  fc.constantFrom("1e400", "-1", "1.5", "9007199254740993", '"3"', "null", "true").map((v) => hostileCase("odd-version", "invalid", numbered("version", v))),
  fc.constantFrom(...NOT_STATE_FILES, ...ODD_SHAPES).map((text) => hostileCase("not-a-state-file", text === NOT_STATE_FILES[0] ? "valid" : "invalid", text)),
  fc.string({ unit: "binary", maxLength: 200 }).map((text) => hostileCase("random-text", "either", text)),
  fc.string({ unit: fc.constantFrom("{", "}", "[", "]", ",", ":", '"', "a", "1", " ", "\\", "n", "u"), maxLength: 100 }).map((text) => hostileCase("json-ish-noise", "either", text)),
);

const anyCase: fc.Arbitrary<Case> = fc.oneof({ weight: 30, arbitrary: valid }, { weight: 40, arbitrary: nearValid }, { weight: 30, arbitrary: hostile });

// ---- checks ----

/** A problem names its place: a line and column, or a JSON path. */
function placed(p: { path?: string | null; line?: number | null; location?: { line: number; column: number } }): boolean {
  return (p.location !== undefined && p.location.line >= 1 && p.location.column >= 1) || (typeof p.line === "number" && p.line >= 1) || (typeof p.path === "string" && p.path !== "");
}

function checkMessage(message: unknown): string | null {
  if (typeof message !== "string" || message.trim() === "") return "an empty message";
  if (message.includes("[object Object]")) return `a message with [object Object]: ${message.slice(0, 200)}`;
  if (message.length > 1_000) return `a message of ${message.length} characters`;
  return null;
}

function loaderVerdict(c: Case): { ok: boolean; problems: Problem[]; failures: string[] } {
  const failures: string[] = [];
  let result: ReturnType<typeof parseStateFile>;
  try {
    result = parseStateFile(c.text, "state.json");
  } catch (err) {
    return { ok: false, problems: [], failures: [`the loader threw: ${(err as Error).message}`] };
  }
  if (c.expect === "valid" && !result.ok) failures.push(`expected valid, got ${JSON.stringify(result.problems.slice(0, 3).map((p) => p.message))}`);
  if (c.expect === "invalid" && result.ok) failures.push("expected problems, got a valid file");
  const problems = result.ok ? [] : result.problems;
  if (!result.ok && problems.length === 0) failures.push("invalid without a problem");
  for (const p of problems) {
    const bad = checkMessage(p.message);
    if (bad) failures.push(`loader: ${bad}`);
    if (!placed(p)) failures.push(`loader: a problem without a place: ${p.message.slice(0, 200)}`);
  }
  return { ok: result.ok, problems, failures };
}

const describeCase = (c: Case, i: number) => `#${i} ${c.category}/${c.kind} (${c.text.length} chars): ${JSON.stringify(c.text.slice(0, 160))}`;

describe(`${TOTAL} generated state files`, () => {
  const cases = fc.sample(anyCase, { numRuns: TOTAL, seed: SEED });
  let t: TestDb;
  let w: WorkerWorld;
  let rest: ReturnType<typeof createRestClient>;
  let token: string;
  const faults: unknown[] = [];

  beforeAll(async () => {
    t = await createTestDb();
    w = await buildWorkerWorld(t.db);
    // Thousands of calls from one token: the rate limit is not what this test is about.
    const rateLimit = { points: 1_000_000, durationSeconds: 60 };
    rest = createRestClient(t.db, { connectFor: () => w.fake, publicUrl: "https://switchboard.example.com", rateLimit, onError: (err) => faults.push(err) });
    token = (await createToken(t.db, w.owner, { name: "fuzz", expiresInDays: 1, role: "owner" })).secret;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("are all generated, in every category", () => {
    expect(cases).toHaveLength(TOTAL);
    const counts = { valid: 0, near: 0, hostile: 0 };
    for (const c of cases) counts[c.category]++;
    expect(counts.valid).toBeGreaterThan(2_000);
    expect(counts.near).toBeGreaterThan(3_000);
    expect(counts.hostile).toBeGreaterThan(2_000);
  });

  it("(a) the loader of `switchboard validate` never throws, accepts the valid ones and places every problem", () => {
    const failures: string[] = [];
    cases.forEach((c, i) => {
      for (const f of loaderVerdict(c).failures) failures.push(`${describeCase(c, i)}: ${f}`);
    });
    expect(failures.slice(0, 20)).toEqual([]);
  }, 120_000);

  it("(b) the sync endpoint never fails with 500, places every 400 detail, agrees with the loader and writes nothing to the cluster", async () => {
    const seen = new Set<string>();
    const chosen = cases
      .map((c, i) => ({ c, i }))
      .filter(({ c, i }) => {
        if (seen.has(c.text)) return false;
        seen.add(c.text);
        return true;
      });
    expect(chosen.length).toBeGreaterThan(7_000);
    const failures: string[] = [];
    let accepted = 0;
    for (const { c, i } of chosen) {
      const loader = loaderVerdict(c);
      const fail = (what: string) => failures.push(`${describeCase(c, i)}: ${what}`);
      let answer: Awaited<ReturnType<typeof rest.call>>;
      try {
        // Some from a source, so re-proposals update one change request instead of opening another.
        const source = i % 3 === 0 ? { source: `fuzz:${i % 7}` } : {};
        answer = await rest.call(token, "POST", "/clusters/{id}/sync", { params: { id: w.cluster.id }, body: { text: c.text, teamId: w.team.id, mode: "propose", ...source } });
      } catch (err) {
        fail(`the call threw (or its answer broke the contract): ${(err as Error).message.slice(0, 300)}`);
        continue;
      }
      const bodyBytes = Buffer.byteLength(JSON.stringify({ text: c.text, teamId: w.team.id, mode: "propose", source: "fuzz:0" }));
      if (![200, 202, 400, 413].includes(answer.status)) fail(`answered ${answer.status}: ${answer.text.slice(0, 300)}`);
      if (answer.status === 413 && bodyBytes <= BODY_LIMIT) fail("413 for a body under the limit");
      if (answer.status === 400) {
        const details = answer.body?.error?.details as Array<{ path?: string; message: string; line?: number }> | undefined;
        if (!Array.isArray(details) || details.length === 0) fail(`400 without details: ${answer.text.slice(0, 300)}`);
        for (const d of details ?? []) {
          const bad = checkMessage(d.message);
          if (bad) fail(`400 detail: ${bad}`);
          if (!placed(d)) fail(`400 detail without a place: ${JSON.stringify(d).slice(0, 300)}`);
        }
      }
      if (answer.status === 200 || answer.status === 202) accepted++;
      if (bodyBytes > BODY_LIMIT || c.text === "") continue;
      // Agreement: what the loader refuses, the endpoint refuses with the loader's very problems;
      // what the loader accepts, the endpoint accepts, unless the file is over one of the server's bounds.
      if (!loader.ok) {
        if (answer.status !== 400) fail(`the loader refuses it, the endpoint answered ${answer.status}`);
        else {
          const expected = loader.problems.map((p) => ({ path: p.path ?? "", message: p.message, ...(p.location ? { line: p.location.line, column: p.location.column } : {}) }));
          expect(answer.body.error.details, describeCase(c, i)).toEqual(expected);
        }
      } else if (answer.status === 400 && !c.domainBound) {
        fail(`the loader accepts it, the endpoint answered 400: ${JSON.stringify(answer.body.error.details).slice(0, 400)}`);
      } else if (answer.status !== 400 && c.domainBound) {
        fail(`over a server bound, the endpoint answered ${answer.status}`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(faults.map((f) => String(f).slice(0, 300))).toEqual([]);
    expect(accepted).toBeGreaterThan(300);
    expect(w.fake.calls.filter((call) => MUTATING.has(call.method))).toEqual([]);
    expect(await t.db.deployment.count()).toBe(0);
  }, 600_000);
});
