import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { createScanner, findNodeAtLocation, getNodeValue, type Node, type ParseError, parseTree, printParseErrorCode } from "jsonc-parser";
import { z } from "zod";
import { RESERVED_PREFIX } from "./managed";
import type { ConnectorSpec, DesiredRunState, DesiredSet, Owner, Problem, SourceLocation, TopicSpec } from "./model";
import { didYouMean, formatLocation, sortProblems } from "./problems";

export type LoadFormat = "state-file" | "seed-state-file" | "directory";

export type LoadResult =
  | { ok: true; desired: DesiredSet; format: LoadFormat }
  | { ok: false; problems: Problem[] };

export type ConnectorFileResult = { ok: true; connector: ConnectorSpec } | { ok: false; problems: Problem[] };

// Connect accepts almost any name, but names with `/` and other reserved characters cannot be
// addressed reliably in REST paths.
const NAME_PATTERN = /^[A-Za-z0-9._-]+$/;
const ID_PATTERN = /^[A-Za-z0-9._:/-]+$/;
const TOPIC_PATTERN = /^[A-Za-z0-9._-]{1,249}$/;
/** As long as a Kafka topic name may be (and the server's limit for connector names). */
const MAX_NAME_LENGTH = 249;
const RUN_STATES = ["RUNNING", "PAUSED", "STOPPED"] as const;

// Any JSON number, even one out of a double's range (1e400): configNumber says what it would become.
const configValue = z.union([z.string(), z.custom<number>((v) => typeof v === "number"), z.boolean()]);
const configMap = z.record(z.string(), configValue);
const nonEmpty = z.string().min(1);
// Owners' emails become notification targets (seed 001: failure notifications reach the owner).
const email = z.email({ error: "expected an email address, e.g. ada@example.com" });

const topicSchema = z.strictObject({
  name: nonEmpty,
  partitions: z.int().min(1).optional(),
  replicationFactor: z.int().min(1).optional(),
  config: configMap.optional(),
});

const canonicalSchema = z.strictObject({
  id: nonEmpty,
  name: nonEmpty,
  version: z.int().min(0).optional(),
  state: z.enum(RUN_STATES).optional(),
  owner: z.strictObject({ name: z.string().optional(), email: email.optional(), team: z.string().optional() }).optional(),
  topics: z.array(topicSchema).optional(),
  config: configMap,
});

/** In a directory every file carries its own version (the diff skips older versions). */
const canonicalFileSchema = canonicalSchema.extend({ version: z.int().min(0) });

/** Seed 001: the original state-file manager's connector entry. */
const seedStateSchema = z.strictObject({
  nameSpace: nonEmpty,
  connectorName: nonEmpty,
  connectorConfig: configMap,
  paused: z.boolean().optional(),
  ownerName: nonEmpty,
  ownerEmail: email,
});

/** Seed 000: a Connect create body (`POST /connectors`), with `id` and `version` inside the config. */
const connectBodySchema = z.strictObject({
  name: nonEmpty,
  config: configMap,
  initial_state: z.enum(RUN_STATES).optional(),
});

const stateFileSchema = z.strictObject({
  $schema: z.string().optional(),
  connectors: z.array(z.unknown()),
  /** Explicit topic deletions (Kafka's name rule; never an internal "_" topic). */
  deleteTopics: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a topic name: 1 to 249 letters, digits, ".", "_" or "-"')
        .refine((n) => !n.startsWith("_"), 'internal topics (names starting with "_") are never deleted'),
    )
    .optional(),
});

type Path = Array<string | number>;
type RawConfig = Record<string, string | number | boolean>;

/** A parsed JSON document with what is needed to point at places in it. */
type Doc = { file: string; text: string; root: Node; value: unknown; lineStarts: number[] };

/** A connector as read, before the checks shared by every input shape. */
type Draft = {
  id: string;
  name: string;
  version?: number;
  state: DesiredRunState;
  owner?: Owner;
  /** Seed 001's nameSpace. */
  namespace?: string;
  topics?: z.infer<typeof topicSchema>[];
  config: RawConfig;
  entryPath: Path;
  configPath: Path;
  namePath: Path;
  /** Where the id is written; for seed-001 entries (id made of two fields) the entry itself. */
  idPath: Path;
  /** Config keys that carried Switchboard data (seed 000's id and version) and are not connector config. */
  lifted: string[];
};

/** A checked connector with the places duplicate checks point at. */
type Loaded = { spec: ConnectorSpec; idLocation: SourceLocation; nameLocation: SourceLocation };

/**
 * Loads desired state from a state file (canonical or seed-001 shape) or from a directory of
 * one-file-per-connector definitions. Never throws: a missing path, an unreadable file or an empty
 * directory is reported as a problem.
 */
export async function loadDesired(path: string): Promise<LoadResult> {
  let isDirectory: boolean;
  try {
    const info = await stat(path);
    if (!info.isDirectory() && !info.isFile()) return fail([{ message: `${path}: not a file or directory` }]);
    isDirectory = info.isDirectory();
  } catch (err) {
    return fail([readProblem(path, err)]);
  }
  if (!isDirectory) {
    const text = await readText(path);
    return typeof text === "string" ? parseStateFile(text, path) : fail([text]);
  }
  return loadDirectory(path);
}

async function loadDirectory(dir: string): Promise<LoadResult> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
  } catch (err) {
    return fail([readProblem(dir, err)]);
  }
  if (names.length === 0) {
    return fail([
      {
        message: `${dir}: no connector files (*.json) in this directory`,
        hint: "add one JSON file per connector, each with an \"id\" and a \"version\"",
      },
    ]);
  }
  const problems: Problem[] = [];
  const loaded: Loaded[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) continue;
    const text = await readText(file);
    if (typeof text !== "string") {
      problems.push(text);
      continue;
    }
    const result = parseConnectorDoc(text, file);
    problems.push(...result.problems);
    if (result.loaded) loaded.push(result.loaded);
  }
  problems.push(...duplicateProblems(loaded));
  if (problems.length > 0) return fail(problems);
  return { ok: true, format: "directory", desired: { connectors: loaded.map((l) => l.spec) } };
}

/**
 * Parses a state file: `{"connectors": [...]}` with canonical entries, or the seed-001 shape
 * (`nameSpace`, `connectorName`, `connectorConfig`, `paused`, `ownerName`, `ownerEmail`). The first
 * entry decides the shape of the whole file. `file` is only used in problem locations.
 */
export function parseStateFile(text: string, file: string): LoadResult {
  const parsed = parseDoc(text, file);
  if (!parsed.ok) return parsed;
  const doc = parsed.doc;
  const problems = duplicateKeyProblems(doc);
  const top = stateFileSchema.safeParse(doc.value);
  if (!top.success) {
    problems.push(...zodProblems(doc, top.error.issues, [], stateFileSchema));
  }
  const missing = problems.find((p) => p.path === "connectors" && p.message === 'missing field "connectors"');
  if (missing && isObject(doc.value) && "config" in doc.value) {
    missing.hint = "this looks like a single connector definition; pass the directory that holds it instead";
  }
  const entries = isObject(doc.value) && Array.isArray(doc.value.connectors) ? doc.value.connectors : [];
  const seed = isSeedStateEntry(entries[0]);
  const loaded: Loaded[] = [];
  entries.forEach((entry, i) => {
    const entryPath: Path = ["connectors", i];
    if (isObject(entry) && isSeedStateEntry(entry) !== seed) {
      problems.push({
        message: seed
          ? "connector entry is in the canonical shape, but this file uses the seed-001 shape (decided by its first connector)"
          : "connector entry is in the seed-001 shape, but this file uses the canonical shape (decided by its first connector)",
        location: locate(doc, entryPath, "value"),
        path: formatPath(entryPath),
        hint: "use one shape for all connectors of a file",
      });
      return;
    }
    const draft = seed ? readSeedStateEntry(doc, entry, entryPath, problems) : readCanonical(doc, entry, entryPath, canonicalSchema, problems);
    if (draft) {
      const done = finish(doc, draft, problems);
      if (done) loaded.push(done);
    }
  });
  problems.push(...duplicateProblems(loaded));
  if (problems.length > 0) return fail(problems);
  const deleteTopics = top.success && top.data.deleteTopics && top.data.deleteTopics.length > 0 ? { deleteTopics: [...new Set(top.data.deleteTopics)] } : {};
  return { ok: true, format: seed ? "seed-state-file" : "state-file", desired: { connectors: loaded.map((l) => l.spec), ...deleteTopics } };
}

/**
 * Parses one connector file of a directory: a canonical connector entry, or a Connect create body
 * (`{"name", "config"}`, seed 000) whose config holds `id` and `version`; those two are lifted out of
 * the config. Either way `id` and `version` are required.
 */
export function parseConnectorFile(text: string, file: string): ConnectorFileResult {
  const result = parseConnectorDoc(text, file);
  if (result.problems.length > 0 || !result.loaded) return { ok: false, problems: sortProblems(result.problems) };
  return { ok: true, connector: result.loaded.spec };
}

function parseConnectorDoc(text: string, file: string): { loaded?: Loaded; problems: Problem[] } {
  const parsed = parseDoc(text, file);
  if (!parsed.ok) return { problems: parsed.problems };
  const doc = parsed.doc;
  const problems = duplicateKeyProblems(doc);
  const draft = isConnectBody(doc.value)
    ? readConnectBody(doc, doc.value, problems)
    : readCanonical(doc, doc.value, [], canonicalFileSchema, problems);
  const loaded = draft ? finish(doc, draft, problems) : undefined;
  return loaded ? { loaded, problems } : { problems };
}

/**
 * Serialises connectors as a canonical state file (2-space JSON, trailing newline), as used by
 * `switchboard export`. Keys come in a stable order and config keys are sorted, so exports diff well.
 */
export function toStateFile(connectors: readonly ConnectorSpec[]): string {
  const out = connectors.map((c) => {
    const entry: Record<string, unknown> = { id: c.id, name: c.name };
    if (c.version !== undefined) entry.version = c.version;
    entry.state = c.state;
    if (c.owner) {
      const owner: Owner = {};
      if (c.owner.name !== undefined) owner.name = c.owner.name;
      if (c.owner.email !== undefined) owner.email = c.owner.email;
      if (c.owner.team !== undefined) owner.team = c.owner.team;
      entry.owner = owner;
    }
    if (c.topics) {
      entry.topics = c.topics.map((t) => {
        const topic: Record<string, unknown> = { name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor };
        if (t.config) topic.config = sortKeys(t.config);
        return topic;
      });
    }
    entry.config = sortKeys(c.config);
    return entry;
  });
  return `${JSON.stringify({ connectors: out }, null, 2)}\n`;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---- reading the input shapes ----

function isSeedStateEntry(entry: unknown): boolean {
  return isObject(entry) && ("connectorName" in entry || "nameSpace" in entry);
}

function isConnectBody(value: unknown): value is Record<string, unknown> {
  if (!isObject(value) || "id" in value) return false;
  const config = value.config;
  if (isObject(config) && ("id" in config || "version" in config)) return true;
  return Object.keys(value).every((k) => k in connectBodySchema.shape);
}

function readCanonical(
  doc: Doc,
  value: unknown,
  entryPath: Path,
  schema: typeof canonicalSchema | typeof canonicalFileSchema,
  problems: Problem[],
): Draft | undefined {
  const r = schema.safeParse(value);
  if (!r.success) {
    problems.push(...zodProblems(doc, r.error.issues, entryPath, schema));
    return undefined;
  }
  const e = r.data;
  const draft: Draft = {
    id: e.id,
    name: e.name,
    state: e.state ?? "RUNNING",
    config: e.config,
    entryPath,
    configPath: [...entryPath, "config"],
    namePath: [...entryPath, "name"],
    idPath: [...entryPath, "id"],
    lifted: [],
  };
  if (e.version !== undefined) draft.version = e.version;
  if (e.owner) draft.owner = e.owner;
  if (e.topics) draft.topics = e.topics;
  return draft;
}

function readSeedStateEntry(doc: Doc, value: unknown, entryPath: Path, problems: Problem[]): Draft | undefined {
  const r = seedStateSchema.safeParse(value);
  if (!r.success) {
    problems.push(...zodProblems(doc, r.error.issues, entryPath, seedStateSchema));
    return undefined;
  }
  const e = r.data;
  return {
    id: `${e.nameSpace}.${e.connectorName}`,
    name: e.connectorName,
    namespace: e.nameSpace,
    state: e.paused ? "PAUSED" : "RUNNING",
    owner: { name: e.ownerName, email: e.ownerEmail },
    config: e.connectorConfig,
    entryPath,
    configPath: [...entryPath, "connectorConfig"],
    namePath: [...entryPath, "connectorName"],
    idPath: entryPath,
    lifted: [],
  };
}

function readConnectBody(doc: Doc, value: unknown, problems: Problem[]): Draft | undefined {
  const r = connectBodySchema.safeParse(value);
  if (!r.success) {
    problems.push(...zodProblems(doc, r.error.issues, [], connectBodySchema));
    return undefined;
  }
  const { name, config, initial_state } = r.data;
  const before = problems.length;
  const hint = "a Connect create body carries Switchboard's \"id\" and \"version\" inside its config";
  const rawId = config.id;
  if (rawId === undefined) {
    problems.push({ message: `missing field "id" in config`, location: locate(doc, ["config"], "key"), path: "config", connector: name, hint });
  } else if (typeof rawId === "boolean" || String(rawId) === "") {
    problems.push({ message: `"id" in config must be a non-empty string`, location: locate(doc, ["config", "id"], "key"), path: formatPath(["config", "id"]), connector: name });
  }
  const rawVersion = config.version;
  let version: number | undefined;
  if (rawVersion === undefined) {
    problems.push({ message: `missing field "version" in config`, location: locate(doc, ["config"], "key"), path: "config", connector: name, hint });
  } else if (typeof rawVersion === "number" ? Number.isSafeInteger(rawVersion) && rawVersion >= 0 : typeof rawVersion === "string" && /^\d+$/.test(rawVersion)) {
    version = Number(rawVersion);
  } else {
    problems.push({
      message: `"version" in config must be a non-negative integer, got ${typeof rawVersion === "string" ? shown(rawVersion) : String(rawVersion)}`,
      location: locate(doc, ["config", "version"], "key"),
      path: formatPath(["config", "version"]),
      connector: name,
    });
  }
  if (problems.length > before || version === undefined) return undefined;
  return {
    id: String(rawId),
    name,
    version,
    state: initial_state ?? "RUNNING",
    config,
    entryPath: [],
    configPath: ["config"],
    namePath: ["name"],
    idPath: ["config", "id"],
    lifted: ["id", "version"],
  };
}

/** Checks shared by every shape; turns a draft into a ConnectorSpec with its source positions. */
function finish(doc: Doc, d: Draft, problems: Problem[]): Loaded | undefined {
  const before = problems.length;
  const add = (message: string, path: Path, at: "key" | "value", hint?: string) => {
    const p: Problem = { message, location: locate(doc, path, at), path: formatPath(path), connector: d.name };
    if (hint) p.hint = hint;
    problems.push(p);
  };
  if (!NAME_PATTERN.test(d.name)) {
    add(`connector name ${shown(d.name)} has characters Connect cannot address reliably`, d.namePath, "value", 'use only letters, digits, ".", "_" and "-"');
  } else if (d.name === "." || d.name === "..") {
    add(`connector name ${shown(d.name)} cannot be addressed: a URL path resolves it away`, d.namePath, "value", "give the connector a name with a letter or digit");
  } else if (d.name.length > MAX_NAME_LENGTH) {
    add(`connector name is ${d.name.length} characters long; at most ${MAX_NAME_LENGTH}`, d.namePath, "value");
  }
  if (!ID_PATTERN.test(d.id)) {
    add(`connector id ${shown(d.id)} has characters that are not allowed`, d.idPath, "value", 'use only letters, digits, ".", "_", "-", ":" and "/"');
  }
  const config: Record<string, string> = {};
  const configKeys: Record<string, SourceLocation> = {};
  for (const [key, raw] of Object.entries(d.config)) {
    if (d.lifted.includes(key)) continue;
    const keyPath = [...d.configPath, key];
    const value = configString(doc, keyPath, raw);
    if (typeof value !== "string") {
      add(value.problem, keyPath, "value", value.hint);
    } else if (key.trim() === "" || key.trim() !== key) {
      add(key.trim() === "" ? "config key must not be empty or blank" : `config key ${shown(key)} starts or ends with white space`, keyPath, "key", "Connect takes keys literally: write the key without surrounding spaces");
    } else if (key.startsWith(RESERVED_PREFIX)) {
      add(`config key ${shown(key)} is reserved for Switchboard`, keyPath, "key", `remove it; Switchboard stamps "${RESERVED_PREFIX}*" keys itself from the connector's id and version`);
    } else if (key === "name") {
      // Connect requires config.name to equal the connector name; the client sets it.
      if (value !== d.name) add(`config "name" is ${shown(value)} but the connector is named ${shown(d.name)}`, keyPath, "value", "remove \"name\" from the config; it is set from the connector name");
    } else {
      config[key] = value;
      configKeys[key] = locate(doc, keyPath, "key");
    }
  }
  const connectorClass = d.config["connector.class"];
  if (connectorClass === undefined) {
    add(`missing field "connector.class" in config`, d.configPath, "key");
  } else if (String(connectorClass).trim() === "") {
    add(`"connector.class" must not be empty`, [...d.configPath, "connector.class"], "key");
  }
  const topics = d.topics?.map((t, i): TopicSpec => {
    if (!TOPIC_PATTERN.test(t.name)) {
      add(`topic name ${shown(t.name)} is not a valid Kafka topic name`, [...d.entryPath, "topics", i, "name"], "value", 'use 1-249 letters, digits, ".", "_" and "-"');
    }
    const topic: TopicSpec = { name: t.name, partitions: t.partitions ?? 1, replicationFactor: t.replicationFactor ?? 1 };
    if (t.config) {
      const entries = Object.entries(t.config).map(([k, v]) => {
        const path = [...d.entryPath, "topics", i, "config", k];
        const value = configString(doc, path, v);
        if (typeof value !== "string") add(value.problem, path, "value", value.hint);
        return [k, typeof value === "string" ? value : ""];
      });
      topic.config = Object.fromEntries(entries);
    }
    return topic;
  });
  if (problems.length > before) return undefined;
  const spec: ConnectorSpec = {
    id: d.id,
    name: d.name,
    config,
    state: d.state,
    source: { location: locate(doc, d.entryPath, "value"), configKeys },
  };
  if (d.version !== undefined) spec.version = d.version;
  if (d.owner) spec.owner = d.owner;
  if (d.namespace !== undefined) spec.namespace = d.namespace;
  if (topics) spec.topics = topics;
  return {
    spec,
    idLocation: locate(doc, d.idPath, "value"),
    nameLocation: locate(doc, d.namePath, "value"),
  };
}

/**
 * Two definitions of one id or one name. A later entry that repeats an id is reported once, as a
 * duplicate id, even when its name is repeated too.
 */
function duplicateProblems(loaded: readonly Loaded[]): Problem[] {
  const problems: Problem[] = [];
  const ids = new Map<string, SourceLocation>();
  const names = new Map<string, SourceLocation>();
  for (const { spec, idLocation, nameLocation } of loaded) {
    const firstId = ids.get(spec.id);
    const firstName = names.get(spec.name);
    if (firstId) {
      problems.push({
        message: `duplicate connector id ${shown(spec.id)} (first defined at ${formatLocation(firstId)})`,
        location: idLocation,
        related: firstId,
        connector: spec.name,
      });
    } else if (firstName) {
      problems.push({
        message: `duplicate connector name ${shown(spec.name)} (first defined at ${formatLocation(firstName)})`,
        location: nameLocation,
        related: firstName,
        connector: spec.name,
        hint: "Connect names are unique per cluster",
      });
    }
    if (!firstId) ids.set(spec.id, idLocation);
    if (!firstName) names.set(spec.name, nameLocation);
  }
  return problems;
}

// ---- JSON text and positions ----

function parseDoc(rawText: string, file: string): { ok: true; doc: Doc } | { ok: false; problems: Problem[] } {
  // A byte-order mark is not JSON; a space in its place keeps every offset where it was.
  const text = rawText.startsWith("\uFEFF") ? ` ${rawText.slice(1)}` : rawText;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const at = (offset: number): SourceLocation => offsetLocation(file, lineStarts, offset);
  const deep = tooDeepAt(text);
  if (deep !== null) return fail([{ message: `nested deeper than ${MAX_DEPTH} levels`, location: at(deep), hint: "a state file needs a handful of levels" }]);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (text.trim() === "") return fail([{ message: "file is empty", location: at(0), hint: 'a state file starts with {"connectors": [' }]);
  const first = errors[0];
  // Only the first syntax error: after it the parser is guessing and later errors mislead.
  if (first || !root) return fail([syntaxProblem(text, first, at)]);
  const proto = protoKeyProblems(root, at);
  if (proto.length > 0) return fail(proto);
  return { ok: true, doc: { file, text, root, value: getNodeValue(root), lineStarts } };
}

/**
 * `__proto__` keys: building the value would set the object's prototype instead of a field, so the
 * key would vanish from every later check; refused wherever it is.
 */
function protoKeyProblems(root: Node, at: (offset: number) => SourceLocation): Problem[] {
  const problems: Problem[] = [];
  const walk = (node: Node): void => {
    if (node.type === "property" && node.children?.[0]?.value === "__proto__") problems.push({ message: 'field "__proto__" is not allowed', location: at(node.offset) });
    node.children?.forEach(walk);
  };
  walk(root);
  return problems;
}

/** Far deeper than a state file needs, and far from the stack's limit in the parser's recursive walks. */
const MAX_DEPTH = 64;

/** The offset where nesting goes deeper than MAX_DEPTH, or null; a flat token scan, so any depth is safe. */
function tooDeepAt(text: string): number | null {
  const scanner = createScanner(text, true);
  let depth = 0;
  // SyntaxKind is a const enum (unreadable under isolated modules): brackets are one-character tokens, strings are whole tokens.
  for (scanner.scan(); scanner.getTokenOffset() < text.length; scanner.scan()) {
    const offset = scanner.getTokenOffset();
    if (scanner.getTokenLength() !== 1) continue;
    const ch = text[offset];
    if (ch === "{" || ch === "[") {
      if (++depth > MAX_DEPTH) return offset;
    } else if (ch === "}" || ch === "]") depth--;
  }
  return null;
}

function syntaxProblem(text: string, err: ParseError | undefined, at: (offset: number) => SourceLocation): Problem {
  if (!err) return { message: "not a JSON document", location: at(0) };
  const offset = err.offset;
  const token = text.slice(offset, offset + Math.max(err.length, 1));
  const prev = previousNonSpace(text, offset);
  const atEnd = text.slice(offset).trim() === "";
  const problem = (message: string, hint?: string, where = offset): Problem =>
    hint ? { message, location: at(where), hint } : { message, location: at(where) };
  // jsonc-parser's error codes are a const enum, which isolated modules cannot read: switch on the names.
  const code = printParseErrorCode(err.error);
  switch (code) {
    case "CommaExpected":
      // Point where the comma belongs (end of the previous value), not at the next token.
      return problem("expected comma", "separate array elements and object properties with commas", prev + 1);
    case "PropertyNameExpected":
    case "ValueExpected":
      if (text[prev] === "," && (token === "}" || token === "]")) return problem("trailing comma is not allowed", "remove the comma after the last element", prev);
      if (atEnd) return problem("unexpected end of input", "the document is cut short; check for a missing value, } or ]");
      return code === "ValueExpected" ? problem("expected a value") : problem("expected a property name in double quotes");
    case "ColonExpected":
      return problem("expected colon after the property name");
    case "CloseBraceExpected":
      return atEnd ? problem("unexpected end of input", "check for a missing }") : problem('expected "}" or a comma');
    case "CloseBracketExpected":
      return atEnd ? problem("unexpected end of input", "check for a missing ]") : problem('expected "]" or a comma');
    case "UnexpectedEndOfString":
      return problem("unterminated string", "add the closing double quote");
    case "EndOfFileExpected":
      return problem("unexpected content after the end of the JSON document");
    case "InvalidCommentToken":
    case "UnexpectedEndOfComment":
      return problem("comments are not allowed in JSON");
    case "InvalidNumberFormat":
    case "UnexpectedEndOfNumber":
      return problem("invalid number");
    case "InvalidUnicode":
    case "InvalidEscapeCharacter":
      return problem("invalid escape sequence in string");
    case "InvalidCharacter":
      return problem("invalid character in string", "escape control characters, e.g. a line break as \\n");
    case "InvalidSymbol":
      if (token.startsWith("\uFEFF")) return problem("unexpected byte-order mark (U+FEFF)", "remove the invisible character; a BOM may only start the file");
      return problem(
        `unexpected ${shown(token)}`,
        token.startsWith("'") ? "JSON strings use double quotes" : "strings and property names need double quotes; the literals are true, false and null",
      );
    default:
      return problem("invalid JSON");
  }
}

function previousNonSpace(text: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i] ?? "")) i--;
  return Math.max(i, 0);
}

function offsetLocation(file: string, lineStarts: readonly number[], offset: number): SourceLocation {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { file, line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
}

/**
 * The place of the value at `path` ("value"), or of its property name ("key"; array elements have
 * none, so the element itself). A path that does not exist points at its nearest existing parent.
 */
function locate(doc: Doc, path: Path, at: "key" | "value"): SourceLocation {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(doc.root, path.slice(0, n));
    if (!node) continue;
    const key = at === "key" && n === path.length && node.parent?.type === "property" ? node.parent.children?.[0] : undefined;
    return offsetLocation(doc.file, doc.lineStarts, (key ?? node).offset);
  }
  return offsetLocation(doc.file, doc.lineStarts, doc.root.offset);
}

/** JSON allows a key twice in one object and silently keeps the last: almost always a mistake. */
function duplicateKeyProblems(doc: Doc): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: Node, path: Path) => {
    if (node.type === "object") {
      const seen = new Map<string, Node>();
      for (const prop of node.children ?? []) {
        const [keyNode, valueNode] = prop.children ?? [];
        if (!keyNode) continue;
        const key = String(keyNode.value);
        const first = seen.get(key);
        if (first) {
          const related = offsetLocation(doc.file, doc.lineStarts, first.offset);
          problems.push({
            message: `duplicate field ${shown(key)} (first defined at ${formatLocation(related)})`,
            location: offsetLocation(doc.file, doc.lineStarts, keyNode.offset),
            related,
            path: formatPath([...path, key]),
            hint: "JSON keeps only the last value of a repeated key",
          });
        } else seen.set(key, keyNode);
        if (valueNode) visit(valueNode, [...path, key]);
      }
    } else if (node.type === "array") {
      node.children?.forEach((child, i) => visit(child, [...path, i]));
    }
  };
  visit(doc.root, []);
  return problems;
}

// ---- zod issues to problems ----

function zodProblems(doc: Doc, issues: readonly z.core.$ZodIssue[], base: Path, schema: z.ZodType): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const rel = issue.path.filter((s): s is string | number => typeof s !== "symbol");
    const path = [...base, ...rel];
    const field = cut(fieldLabel(path));
    const at = (message: string, p: Path = path, hint?: string): Problem => {
      const problem: Problem = { message, location: locate(doc, p, "key"), path: formatPath(p) };
      if (hint) problem.hint = hint;
      return problem;
    };
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = objectKeysAt(schema, rel);
        for (const key of issue.keys) problems.push(at(`unknown field ${shown(key)}${didYouMean(key, allowed)}`, [...path, key]));
        break;
      }
      case "invalid_type":
        if (path.length === 0) problems.push(at(`expected a JSON object, got ${describe(doc.value)}`));
        else if (findNodeAtLocation(doc.root, path) === undefined) problems.push(at(`missing field "${field}"`));
        else problems.push(at(`"${field}" must be ${typeName(issue.expected)}`));
        break;
      case "invalid_union":
        problems.push(at(`"${field}" must be a string, number or boolean`, path, "Connect keeps config values as strings; write nested values as a string"));
        break;
      case "invalid_value": {
        const got = getNodeValue(findNodeAtLocation(doc.root, path) ?? doc.root);
        const values = issue.values.map(String);
        const sameLetters = typeof got === "string" ? values.find((v) => v.toLowerCase() === got.toLowerCase()) : undefined;
        const suggestion = sameLetters ? ` (did you mean "${sameLetters}"?)` : typeof got === "string" && got.length <= MAX_SHOWN ? didYouMean(got, values) : "";
        problems.push(at(`"${field}" must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}${suggestion}`));
        break;
      }
      case "too_small":
        problems.push(at(issue.origin === "string" ? `"${field}" must not be empty` : `"${field}" must be at least ${String(issue.minimum)}`));
        break;
      default:
        problems.push(at(`"${field}": ${issue.message}`));
    }
  }
  return problems;
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    string: "a string",
    number: "a number",
    int: "an integer",
    boolean: "a boolean",
    object: "an object",
    record: "an object",
    array: "an array",
  };
  return names[expected] ?? `of type ${expected}`;
}

/** The keys a strict object at `path` of `schema` accepts, for did-you-mean suggestions. */
function objectKeysAt(schema: z.ZodType, path: Path): string[] {
  let s: z.ZodType | undefined = schema;
  for (const seg of [...path, null]) {
    while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
    if (seg === null) break;
    if (s instanceof z.ZodObject && typeof seg === "string") s = s.shape[seg] as z.ZodType | undefined;
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else if (s instanceof z.ZodRecord) s = s.valueType as z.ZodType;
    else return [];
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** The field as a user names it: the last key, with any array indexes after it (`topics[0]`). */
function fieldLabel(path: Path): string {
  let i = path.length - 1;
  while (i > 0 && typeof path[i] === "number") i--;
  return formatPath(path.slice(i)) || "(document)";
}

/** `connectors[2].config["connector.class"]` */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

// ---- small helpers ----

/** How much of a user's value a message quotes. */
const MAX_SHOWN = 80;

function cut(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/** A user's value inside a message: quoted, cut at MAX_SHOWN characters, invisible characters escaped. */
function shown(value: string): string {
  return JSON.stringify(cut(value)).replace(/[\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\ufeff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * A config value as the string Connect gets. A number becomes the shortest text of its double, as
 * before, when that is the number written (1.50 → "1.5"); one a double cannot hold (1e400, 2e-400,
 * more than 17 significant digits) is a problem rather than a silently different value.
 */
function configString(doc: Doc, path: Path, raw: string | number | boolean): string | { problem: string; hint: string } {
  if (typeof raw !== "number") return String(raw);
  const node = findNodeAtLocation(doc.root, path);
  const written = node ? doc.text.slice(node.offset, node.offset + node.length) : String(raw);
  if (Number.isFinite(raw) && sameDecimal(written, String(raw))) return String(raw);
  return {
    problem: `"${cut(fieldLabel(path))}" is ${cut(written)}, a number that cannot be kept exactly (it would become ${String(raw)})`,
    hint: `write it as a string: "${cut(written)}"`,
  };
}

/** True when two JSON number texts are the same decimal value (1.50 and 1.5, 1e2 and 100, -0 and 0). */
function sameDecimal(a: string, b: string): boolean {
  const norm = (text: string): string => {
    const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (!m) return text;
    let digits = `${m[2]}${m[3] ?? ""}`.replace(/^0+/, "");
    let exponent = BigInt(m[4] ?? "0") - BigInt((m[3] ?? "").length);
    if (digits === "") return "0";
    while (digits.endsWith("0")) {
      digits = digits.slice(0, -1);
      exponent += 1n;
    }
    return `${m[1]}${digits}e${exponent}`;
  };
  return norm(a) === norm(b);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  return value === null ? "null" : `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(problems: Problem[]): { ok: false; problems: Problem[] } {
  return { ok: false, problems: sortProblems(problems) };
}

async function readText(file: string): Promise<string | Problem> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    return readProblem(file, err);
  }
}

function readProblem(path: string, err: unknown): Problem {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return { message: `${path}: no such file or directory` };
  if (code === "EACCES") return { message: `${path}: permission denied` };
  return { message: `${path}: cannot read (${err instanceof Error ? err.message : String(err)})` };
}
