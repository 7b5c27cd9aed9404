import { describe, expect, it } from "vitest";
import { parseStateFile } from "./load";
import type { DesiredSet } from "./model";
import { type ConfigValidation, ConnectError, type ConnectPort, type PluginInfo } from "./port";
import { validateAgainstCluster } from "./validate-cluster";

const plugins: PluginInfo[] = [
  { class: "org.apache.kafka.connect.file.FileStreamSinkConnector", type: "sink" },
  { class: "org.apache.kafka.connect.file.FileStreamSourceConnector", type: "source" },
  { class: "org.apache.kafka.connect.transforms.InsertField$Value", type: "transformation" },
];

type Validate = (pluginClass: string, config: Record<string, string>) => Promise<ConfigValidation>;

/** Only what cluster validation needs; anything else is a bug in the code under test. */
function stubPort(validate: Validate, listPlugins = async () => plugins): ConnectPort & { calls: Array<[string, Record<string, string>]> } {
  const calls: Array<[string, Record<string, string>]> = [];
  const unexpected = () => {
    throw new Error("not used by cluster validation");
  };
  return {
    calls,
    listPlugins,
    validateConfig: (pluginClass, config) => {
      calls.push([pluginClass, config]);
      return validate(pluginClass, config);
    },
    listConnectors: unexpected,
    getConnector: unexpected,
    putConfig: unexpected,
    createConnector: unexpected,
    pause: unexpected,
    resume: unexpected,
    stop: unexpected,
    restart: unexpected,
    restartTask: unexpected,
    deleteConnector: unexpected,
    getOffsets: unexpected,
    alterOffsets: unexpected,
    resetOffsets: unexpected,
  };
}

function load(text: string): DesiredSet {
  const result = parseStateFile(text, "state.json");
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.desired;
}

const state = [
  "{",
  '  "connectors": [',
  "    {",
  '      "id": "orders-sink",',
  '      "name": "orders-sink",',
  '      "config": {',
  '        "connector.class": "FileStreamSink",',
  '        "topics": "orders",',
  '        "batch.size": "lots",',
  '        "db.password": "${file:/etc/s.properties:pw}"',
  "      }",
  "    }",
  "  ]",
  "}",
].join("\n");

const fileSinkValidation: ConfigValidation = {
  errorCount: 2,
  configs: [
    { name: "connector.class", type: "STRING", errors: [] },
    { name: "batch.size", type: "INT", errors: ['Invalid value lots for configuration batch.size: Not a number of type INT'] },
    { name: "file", type: "STRING", errors: ['Missing required configuration "file" which has no default value.'] },
    { name: "db.password", type: "PASSWORD", errors: [] },
    { name: "ssl.key.password", type: "PASSWORD", errors: [] },
  ],
};

describe("validateAgainstCluster", () => {
  it("maps validator errors to the config key's line and collects PASSWORD keys", async () => {
    const port = stubPort(async () => fileSinkValidation);
    const result = await validateAgainstCluster(load(state), port);
    expect(port.calls).toEqual([
      ["FileStreamSink", { "connector.class": "FileStreamSink", topics: "orders", "batch.size": "lots", "db.password": "${file:/etc/s.properties:pw}", name: "orders-sink" }],
    ]);
    expect(result.problems).toEqual([
      {
        message: 'connector "orders-sink": file: Missing required configuration "file" which has no default value.',
        location: { file: "state.json", line: 3, column: 5 },
        connector: "orders-sink",
      },
      {
        message: 'connector "orders-sink": batch.size: Invalid value lots for configuration batch.size: Not a number of type INT',
        location: { file: "state.json", line: 9, column: 9 },
        connector: "orders-sink",
      },
    ]);
    expect(result.secretKeys).toEqual({ "orders-sink": ["db.password", "ssl.key.password"] });
  });

  it("accepts the full class name, the simple name and the alias without Connector", async () => {
    const desired: DesiredSet = {
      connectors: ["org.apache.kafka.connect.file.FileStreamSinkConnector", "FileStreamSinkConnector", "FileStreamSink"].map((cls, i) => ({
        id: `c${i}`,
        name: `c${i}`,
        state: "RUNNING",
        config: { "connector.class": cls },
      })),
    };
    const result = await validateAgainstCluster(desired, stubPort(async () => ({ errorCount: 0, configs: [] })));
    expect(result.problems).toEqual([]);
    expect(Object.keys(result.secretKeys)).toEqual(["c0", "c1", "c2"]);
  });

  it("reports an unknown class at its key with a suggestion, without asking the validator", async () => {
    const port = stubPort(async () => fileSinkValidation);
    const result = await validateAgainstCluster(load(state.replace('"FileStreamSink"', '"FileStreamSnk"')), port);
    expect(port.calls).toEqual([]);
    expect(result.problems).toEqual([
      {
        message: 'unknown connector class "FileStreamSnk" on the cluster (did you mean "FileStreamSink"?)',
        location: { file: "state.json", line: 7, column: 9 },
        connector: "orders-sink",
      },
    ]);
  });

  it("does not take non-connector plugins for connector classes", async () => {
    const desired: DesiredSet = { connectors: [{ id: "a", name: "a", state: "RUNNING", config: { "connector.class": "InsertField$Value" } }] };
    const result = await validateAgainstCluster(desired, stubPort(async () => fileSinkValidation));
    expect(result.problems.map((p) => p.message)).toEqual(['unknown connector class "InsertField$Value" on the cluster']);
    expect(result.problems[0]?.hint).toBeTruthy();
  });

  it("turns a Connect failure into a problem for that connector only", async () => {
    const desired: DesiredSet = {
      connectors: ["a", "b"].map((name) => ({ id: name, name, state: "RUNNING" as const, config: { "connector.class": "FileStreamSink" } })),
    };
    const port = stubPort(async (_cls, config) => {
      if (config.name === "a") throw new ConnectError("SERVER_ERROR", "Internal Server Error", 500);
      return { errorCount: 0, configs: [] };
    });
    const result = await validateAgainstCluster(desired, port);
    expect(result.problems).toEqual([
      { message: 'connector "a": the cluster could not validate the config: Internal Server Error', connector: "a" },
    ]);
    expect(result.secretKeys).toEqual({ b: [] });
  });

  it("reports an unreachable cluster once", async () => {
    const port = stubPort(
      async () => fileSinkValidation,
      async () => {
        throw new ConnectError("UNREACHABLE", "no worker answered");
      },
    );
    const result = await validateAgainstCluster(load(state), port);
    expect(result.problems).toEqual([{ message: "cannot list the cluster's connector plugins: no worker answered" }]);
  });

  it("keeps at most `concurrency` validations in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const port = stubPort(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return { errorCount: 0, configs: [] };
    });
    const desired: DesiredSet = {
      connectors: Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, name: `c${i}`, state: "RUNNING" as const, config: { "connector.class": "FileStreamSink" } })),
    };
    await validateAgainstCluster(desired, port, { concurrency: 3 });
    expect(port.calls).toHaveLength(10);
    expect(most).toBe(3);
  });
});
