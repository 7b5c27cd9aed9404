import { describe, expect, it } from "vitest";
import { createFakeConnect } from "./fake-connect";
import { parseStateFile } from "./load";
import { stampConfig } from "./managed";
import type { ConnectorSpec } from "./model";
import { plan } from "./plan";
import { planAgainst } from "./plan-against";
import { checkWorkers, kafkaVersion, pinnedVersionKeys, summarisePlugins, supportsPluginVersions, type WorkerReport } from "./plugins";
import { ConnectError, type PluginInfo } from "./port";
import { isSecretKey } from "./secrets";
import { validateAgainstCluster } from "./validate-cluster";

const SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";
const MOCK = "org.apache.kafka.connect.tools.MockSinkConnector";
const W1 = "http://w1:8083";
const W2 = "http://w2:8083";

function worker(url: string, version: string, plugins: PluginInfo[]): WorkerReport {
  return { url, reachable: true, version, commit: "abc", health: { healthy: true, status: "healthy", message: "" }, plugins };
}
const sinkAt = (version: string): PluginInfo => ({ class: SINK, type: "sink", version });
const mockAt = (version: string): PluginInfo => ({ class: MOCK, type: "sink", version });

function spec(config: Record<string, string>, name = "orders-sink"): ConnectorSpec {
  return { id: name, name, state: "RUNNING", config: { "connector.class": SINK, topics: "orders", ...config } };
}

describe("kafkaVersion / supportsPluginVersions", () => {
  it.each([
    ["4.3.1", "4.3.1", true],
    ["4.1.0", "4.1.0", true],
    ["4.1.0-SNAPSHOT", "4.1.0", true],
    ["4.10.2", "4.10.2", true],
    ["4.0.2", "4.0.2", false],
    ["3.9.0", "3.9.0", false],
    ["3.9.1-SNAPSHOT", "3.9.1", false],
    ["2.8.2", "2.8.2", false],
    // Confluent Platform numbering: CP 7.x is Kafka 3.x, CP 8.x is Kafka 4.x.
    ["7.9.0-ccs", "3.9.0", false],
    ["8.0.0-ccs", "4.0.0", false],
    ["8.1.1-ce", "4.1.1", true],
    ["6.2.0-ccs", "2.0.0", false],
    [" 4.2.0 ", "4.2.0", true],
  ])("%j is Kafka %s (pinning supported: %s)", (raw, version, supported) => {
    expect(kafkaVersion(raw)?.version).toBe(version);
    expect(supportsPluginVersions(raw)).toBe(supported);
  });

  it.each(["", "unknown", "latest", "v4.3.1", "trunk"])("%j is not a Kafka version, so pinning is not supported", (raw) => {
    expect(kafkaVersion(raw)).toBeNull();
    expect(supportsPluginVersions(raw)).toBe(false);
  });
});

describe("pinnedVersionKeys", () => {
  it("finds the connector's, converters', transformations' and predicates' pins, and nothing else", () => {
    const config = {
      "connector.plugin.version": "4.3.1",
      "key.converter.plugin.version": "[4.0,5.0)",
      "value.converter.plugin.version": "4.3.1",
      "header.converter.plugin.version": "4.3.1",
      "transforms.route.plugin.version": "4.3.1",
      "predicates.isOrders.plugin.version": "4.3.1",
      "plugin.version": "1",
      "connector.plugin.versions": "1",
      "consumer.override.plugin.version": "1",
      "transforms.empty.plugin.version": "",
    };
    expect(pinnedVersionKeys(config)).toEqual([
      "connector.plugin.version",
      "header.converter.plugin.version",
      "key.converter.plugin.version",
      "predicates.isOrders.plugin.version",
      "transforms.route.plugin.version",
      "value.converter.plugin.version",
    ]);
  });
});

describe("checkWorkers", () => {
  type Row = { name: string; workers: WorkerReport[]; config?: Record<string, string>; codes: string[]; problems: number };
  const rows: Row[] = [
    { name: "same class and version everywhere: nothing", workers: [worker(W1, "4.3.1", [sinkAt("4.3.1")]), worker(W2, "4.3.1", [sinkAt("4.3.1")])], codes: [], problems: 0 },
    { name: "class missing on one worker", workers: [worker(W1, "4.3.1", [sinkAt("4.3.1")]), worker(W2, "4.3.1", [mockAt("4.3.1")])], codes: ["PLUGIN_MISSING"], problems: 0 },
    { name: "class on no worker: left to the validator's unknown class", workers: [worker(W1, "4.3.1", [mockAt("4.3.1")]), worker(W2, "4.3.1", [mockAt("4.3.1")])], codes: [], problems: 0 },
    { name: "versions differ", workers: [worker(W1, "4.3.1", [sinkAt("4.3.1")]), worker(W2, "4.2.0", [sinkAt("4.2.0")])], codes: ["PLUGIN_VERSION_SKEW"], problems: 0 },
    {
      name: "one worker holds two versions, the other one",
      workers: [worker(W1, "4.3.1", [sinkAt("4.2.0"), sinkAt("4.3.1")]), worker(W2, "4.3.1", [sinkAt("4.3.1")])],
      codes: ["PLUGIN_VERSION_SKEW"],
      problems: 0,
    },
    { name: "pinned on 4.1+ workers: fine", workers: [worker(W1, "4.1.0", [sinkAt("4.1.0")]), worker(W2, "4.3.1", [sinkAt("4.1.0")])], config: { "connector.plugin.version": "4.1.0" }, codes: [], problems: 0 },
    { name: "pinned with a 4.0 worker: refused", workers: [worker(W1, "4.3.1", [sinkAt("4.3.1")]), worker(W2, "4.0.0", [sinkAt("4.3.1")])], config: { "connector.plugin.version": "4.3.1" }, codes: [], problems: 1 },
    { name: "a transformation pinned with a 3.9 worker: refused", workers: [worker(W1, "3.9.0", [sinkAt("3.9.0")])], config: { "transforms.t.plugin.version": "3.9.0" }, codes: [], problems: 1 },
    { name: "not pinned on a 3.9 worker: fine", workers: [worker(W1, "3.9.0", [sinkAt("3.9.0")])], codes: [], problems: 0 },
    {
      name: "an unreachable worker is a warning, not a refusal",
      workers: [worker(W1, "4.3.1", [sinkAt("4.3.1")]), { url: W2, reachable: false, error: "connection refused", plugins: null }],
      config: { "connector.plugin.version": "4.3.1" },
      codes: ["WORKER_UNREACHABLE"],
      problems: 0,
    },
  ];
  it.each(rows)("$name", ({ workers, config, codes, problems }) => {
    const result = checkWorkers({ connectors: [spec(config ?? {})] }, workers);
    expect(result.warnings.map((w) => w.code)).toEqual(codes);
    expect(result.problems).toHaveLength(problems);
  });

  it("names the workers without the class, and the versions per worker", () => {
    const missing = checkWorkers({ connectors: [spec({})] }, [worker(W1, "4.3.1", [sinkAt("4.3.1")]), worker(W2, "4.3.1", [mockAt("4.3.1")])]);
    expect(missing.warnings[0]).toMatchObject({ connector: "orders-sink", code: "PLUGIN_MISSING" });
    expect(missing.warnings[0]?.message).toContain(`is not installed on worker ${W2}`);
    expect(missing.warnings[0]?.message).not.toContain(W1);
    const skew = checkWorkers({ connectors: [spec({})] }, [worker(W1, "4.3.1", [sinkAt("4.3.1")]), worker(W2, "4.2.0", [sinkAt("4.2.0")])]);
    expect(skew.warnings[0]?.message).toContain(`4.3.1 on ${W1}, 4.2.0 on ${W2}`);
  });

  it("resolves the class by its short alias as Connect does", () => {
    const c = spec({ "connector.class": "FileStreamSink" });
    const result = checkWorkers({ connectors: [c] }, [worker(W1, "4.3.1", [sinkAt("4.3.1")]), worker(W2, "4.3.1", [mockAt("4.3.1")])]);
    expect(result.warnings.map((w) => w.code)).toEqual(["PLUGIN_MISSING"]);
  });

  it("refuses a pin with a message naming the key, the old worker, its version and the way out", () => {
    const result = checkWorkers({ connectors: [spec({ "connector.plugin.version": "4.3.1" })] }, [worker(W1, "4.3.1", [sinkAt("4.3.1")]), worker(W2, "3.9.0", [sinkAt("3.9.0")])]);
    const [p] = result.problems;
    expect(p?.message).toBe(
      `connector "orders-sink": connector.plugin.version: pinning a plugin version (connector.plugin.version) needs Kafka Connect 4.1 or newer on every worker (KIP-891), and older workers silently ignore it; ${W2} runs 3.9.0.`,
    );
    expect(p?.hint).toBe("remove the key, or upgrade the workers to Kafka 4.1+");
    expect(p?.connector).toBe("orders-sink");
  });

  it("refuses a pin when a worker's version cannot be read", () => {
    const result = checkWorkers({ connectors: [spec({ "connector.plugin.version": "1.0" })] }, [worker(W1, "custom-build", [sinkAt("1.0")])]);
    expect(result.problems[0]?.message).toContain(`${W1} runs "custom-build", not a Kafka version`);
  });

  it("points at the pinned key's place in a state file", () => {
    const text = JSON.stringify({ connectors: [{ id: "a", name: "a", config: { "connector.class": SINK, topics: "t", "connector.plugin.version": "4.3.1" } }] }, null, 2);
    const loaded = parseStateFile(text, "state.json");
    if (!loaded.ok) throw new Error("fixture does not load");
    const result = checkWorkers(loaded.desired, [worker(W1, "4.0.0", [sinkAt("4.0.0")])]);
    expect(result.problems[0]?.location).toEqual({ file: "state.json", line: 9, column: 9 });
  });
});

describe("summarisePlugins", () => {
  it("says per class whether every worker has it and whether the versions agree", () => {
    const summary = summarisePlugins([
      worker(W1, "4.3.1", [sinkAt("4.3.1"), mockAt("4.3.1"), { class: "org.apache.kafka.connect.json.JsonConverter", type: "converter", version: "4.3.1" }]),
      worker(W2, "4.3.1", [sinkAt("4.2.0"), { class: "org.apache.kafka.connect.json.JsonConverter", type: "converter", version: "4.3.1" }]),
      { url: "http://w3:8083", reachable: false, error: "timed out", plugins: null },
    ]);
    expect(summary).toEqual([
      { class: "org.apache.kafka.connect.json.JsonConverter", type: "converter", versions: { [W1]: ["4.3.1"], [W2]: ["4.3.1"] }, missingOn: [], onAllWorkers: true, sameVersionEverywhere: true },
      { class: SINK, type: "sink", versions: { [W1]: ["4.3.1"], [W2]: ["4.2.0"] }, missingOn: [], onAllWorkers: true, sameVersionEverywhere: false },
      { class: MOCK, type: "sink", versions: { [W1]: ["4.3.1"] }, missingOn: [W2], onAllWorkers: false, sameVersionEverywhere: true },
    ]);
  });
});

describe("planAgainst with per-worker reads", () => {
  it("adds the workers' warnings to the plan and refuses a pin on an old worker", async () => {
    const connect = createFakeConnect({ workers: [worker(W1, "4.3.1", [sinkAt("4.3.1")]), worker(W2, "4.0.2", [mockAt("4.0.2")])] });
    const desired = { connectors: [spec({ "connector.plugin.version": "4.3.1" })] };
    const result = await planAgainst(desired, connect);
    expect(result.plan.warnings.map((w) => w.code)).toEqual(["PLUGIN_MISSING"]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.message).toContain(`${W2} runs 4.0.2`);
    // The plugins of every worker that answered count, without asking one worker at random.
    expect(connect.calls.filter((c) => c.method === "listPlugins")).toEqual([]);
  });

  it("lets a pin through when every worker is 4.1 or newer", async () => {
    const connect = createFakeConnect({ workers: [worker(W1, "4.3.1", [sinkAt("4.3.1")]), worker(W2, "4.1.0", [sinkAt("4.3.1")])] });
    const result = await planAgainst({ connectors: [spec({ "connector.plugin.version": "4.3.1" })] }, connect);
    expect(result.problems).toEqual([]);
    expect(result.plan.warnings).toEqual([]);
    expect(result.plan.actions.map((a) => a.kind)).toEqual(["create"]);
  });

  it("falls back to one worker's plugin list when no worker could be read on its own", async () => {
    const connect = createFakeConnect({ workers: [{ url: W1, reachable: false, error: "timed out", plugins: null }] });
    const result = await planAgainst({ connectors: [spec({})] }, connect);
    expect(result.problems).toEqual([]);
    expect(result.plan.warnings.map((w) => w.code)).toEqual(["WORKER_UNREACHABLE"]);
  });
});

describe("a pinned version no plugin matches", () => {
  it("turns Connect 4.3.1's internal error on a repeated validation into a problem on the pinned key", async () => {
    const connect = createFakeConnect();
    const npe = 'java.lang.NullPointerException: Cannot invoke "java.util.List.stream()" because the return value of "org.apache.kafka.connect.runtime.isolation.VersionedPluginLoadingException.availableVersions()" is null';
    connect.failNext("validateConfig", new ConnectError("SERVER_ERROR", `PUT /connector-plugins/x/config/validate on http://w1:8083 failed with HTTP 500: ${npe}`, 500));
    const result = await validateAgainstCluster({ connectors: [spec({ "connector.plugin.version": "9.9.9" })] }, connect);
    expect(result.problems.map((p) => p.message)).toEqual([
      `connector "orders-sink": connector.plugin.version: no installed plugin matches the pinned version (connector.plugin.version=9.9.9); GET /connector-plugins lists the versions the workers have (the cluster's validator failed on it for ${SINK})`,
    ]);
  });

  it("leaves other validator failures as they are", async () => {
    const connect = createFakeConnect();
    connect.failNext("validateConfig", new ConnectError("SERVER_ERROR", "HTTP 500: Request timed out", 500));
    const result = await validateAgainstCluster({ connectors: [spec({ "connector.plugin.version": "9.9.9" })] }, connect);
    expect(result.problems[0]?.message).toContain("the cluster could not validate the config: HTTP 500: Request timed out");
  });
});

describe("connector.plugin.version is an ordinary config key", () => {
  it("loads from a state file, is not secret, and shows in an update's diff", () => {
    const loaded = parseStateFile(JSON.stringify({ connectors: [{ id: "a", name: "a", config: { "connector.class": SINK, topics: "t", "connector.plugin.version": "4.3.1" } }] }), "s.json");
    expect(loaded.ok).toBe(true);
    for (const key of ["connector.plugin.version", "value.converter.plugin.version", "transforms.route.plugin.version"]) expect(isSecretKey(key, [])).toBe(false);
    const live = { name: "a", type: "sink" as const, state: "RUNNING" as const, tasks: [{ id: 0, state: "RUNNING" as const }], config: stampConfig({ "connector.class": SINK, topics: "t", name: "a" }, { id: "a", version: 1 }) };
    const p = plan({ connectors: [{ ...spec({ "connector.plugin.version": "4.3.1" }, "a"), topics: undefined, config: { "connector.class": SINK, topics: "t", "connector.plugin.version": "4.3.1" }, version: 2 }] }, { connectors: [live] });
    const update = p.actions.find((a) => a.kind === "update");
    expect(update?.kind === "update" ? update.changes : []).toEqual([{ op: "add", key: "connector.plugin.version", after: "4.3.1" }]);
  });
});
