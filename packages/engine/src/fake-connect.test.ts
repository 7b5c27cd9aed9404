import { describe, expect, it } from "vitest";
import { createFakeConnect, leaderUnavailable } from "./fake-connect";
import { ConnectError } from "./port";

const sink = { "connector.class": "org.apache.kafka.connect.tools.MockSinkConnector", topics: "orders" };
const source = { "connector.class": "org.apache.kafka.connect.tools.MockSourceConnector" };

describe("createFakeConnect", () => {
  it("creates with PUT, then updates with PUT, keeping the state", async () => {
    const fake = createFakeConnect();
    await expect(fake.putConfig("a", sink)).resolves.toEqual({ created: true });
    await fake.pause("a");
    await expect(fake.putConfig("a", { ...sink, "tasks.max": "1" })).resolves.toEqual({ created: false });
    const a = await fake.getConnector("a");
    expect(a).toMatchObject({ state: "PAUSED", type: "sink", config: { "tasks.max": "1" }, tasks: [{ id: 0, state: "PAUSED" }] });
  });

  it("gives new connectors one RUNNING task and infers the type from topics", async () => {
    const fake = createFakeConnect();
    await fake.putConfig("src", source);
    expect(await fake.getConnector("src")).toMatchObject({ type: "source", state: "RUNNING", tasks: [{ id: 0, state: "RUNNING" }] });
  });

  it("honours the initial state of POST and refuses an existing name with CONFLICT", async () => {
    const fake = createFakeConnect();
    await fake.createConnector("s", sink, "STOPPED");
    expect(await fake.getConnector("s")).toMatchObject({ state: "STOPPED", tasks: [] });
    await expect(fake.createConnector("s", sink, "RUNNING")).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("pauses, stops and resumes: resuming a stopped connector starts one task", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink }] });
    await fake.pause("a");
    expect(fake.connectors.get("a")).toMatchObject({ state: "PAUSED", tasks: [{ state: "PAUSED" }] });
    await fake.stop("a");
    expect(fake.connectors.get("a")).toMatchObject({ state: "STOPPED", tasks: [] });
    await fake.resume("a");
    expect(fake.connectors.get("a")).toMatchObject({ state: "RUNNING", tasks: [{ id: 0, state: "RUNNING" }] });
  });

  it("restart with tasks brings FAILED tasks back to RUNNING", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink }] });
    fake.failTask("a", 0, "java.lang.RuntimeException: boom");
    expect((await fake.listConnectors())[0]?.tasks).toEqual([{ id: 0, state: "FAILED", trace: "java.lang.RuntimeException: boom" }]);
    await fake.restart("a", { includeTasks: true, onlyFailed: true });
    expect(fake.connectors.get("a")?.tasks).toEqual([{ id: 0, state: "RUNNING" }]);
  });

  it("answers NOT_FOUND for unknown connectors and null from getConnector", async () => {
    const fake = createFakeConnect();
    await expect(fake.deleteConnector("x")).rejects.toMatchObject({ code: "NOT_FOUND", status: 404 });
    await expect(fake.pause("x")).rejects.toBeInstanceOf(ConnectError);
    expect(await fake.getConnector("x")).toBeNull();
  });

  it("fails the next call before or after applying it", async () => {
    const fake = createFakeConnect();
    fake.failNext("putConfig", new ConnectError("TIMEOUT", "Request timed out"));
    await expect(fake.putConfig("a", sink)).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(fake.connectors.has("a")).toBe(false);

    fake.failNext("putConfig", new ConnectError("TIMEOUT", "Request timed out"), { afterApplying: true });
    await expect(fake.putConfig("a", sink)).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(fake.connectors.has("a")).toBe(true);

    await expect(fake.putConfig("a", sink)).resolves.toEqual({ created: false });
  });

  it("fails a call several times in a row, then lets it through", async () => {
    const fake = createFakeConnect();
    fake.failNext("putConfig", leaderUnavailable(), { times: 3 });
    for (let i = 0; i < 3; i++) await expect(fake.putConfig("a", sink)).rejects.toMatchObject({ code: "LEADER_UNAVAILABLE", status: 500 });
    expect(fake.connectors.has("a")).toBe(false);
    await expect(fake.putConfig("a", sink)).resolves.toEqual({ created: true });
  });

  it("fails only the calls for the named connector, forever when asked", async () => {
    const fake = createFakeConnect();
    fake.failNext("putConfig", new ConnectError("TIMEOUT", "Request timed out"), { name: "b", times: Infinity });
    await fake.putConfig("a", sink);
    for (let i = 0; i < 5; i++) await expect(fake.putConfig("b", sink)).rejects.toMatchObject({ code: "TIMEOUT" });
    expect([...fake.connectors.keys()]).toEqual(["a"]);
  });

  it("records every port call with the connector name", async () => {
    const fake = createFakeConnect();
    await fake.putConfig("a", sink);
    await fake.listConnectors();
    await fake.deleteConnector("a");
    expect(fake.calls).toEqual([{ method: "putConfig", name: "a" }, { method: "listConnectors" }, { method: "deleteConnector", name: "a" }]);
  });

  it("returns copies, so callers cannot change the cluster by accident", async () => {
    const fake = createFakeConnect({ connectors: [{ name: "a", config: sink }] });
    const [a] = await fake.listConnectors();
    a!.config!.topics = "changed";
    a!.tasks[0]!.state = "FAILED";
    expect(fake.connectors.get("a")).toMatchObject({ config: { topics: "orders" }, tasks: [{ state: "RUNNING" }] });
  });

  it("validates every key without errors and types password keys as PASSWORD", async () => {
    const fake = createFakeConnect();
    const v = await fake.validateConfig("MockSinkConnector", { ...sink, "connection.password": "x" });
    expect(v.errorCount).toBe(0);
    expect(v.configs.find((c) => c.name === "connection.password")?.type).toBe("PASSWORD");
    expect(v.configs.map((c) => c.name)).toEqual(["connector.class", "topics", "connection.password"]);
  });

  it("lists the file and mock plugins by default, or the given ones", async () => {
    const classes = (await createFakeConnect().listPlugins()).map((p) => p.class);
    expect(classes).toContain("org.apache.kafka.connect.file.FileStreamSinkConnector");
    expect(classes).toContain("org.apache.kafka.connect.tools.MockSourceConnector");
    const custom = await createFakeConnect({ plugins: [{ class: "X", type: "sink" }] }).listPlugins();
    expect(custom).toEqual([{ class: "X", type: "sink" }]);
  });
});
