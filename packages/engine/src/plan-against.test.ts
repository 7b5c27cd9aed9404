import { describe, expect, it } from "vitest";
import { createFakeConnect } from "./fake-connect";
import { stampConfig } from "./managed";
import type { ConnectorSpec, TopicSpec } from "./model";
import { planAgainst } from "./plan-against";
import { ConnectError, type TopicPort } from "./port";

const SINK = "org.apache.kafka.connect.tools.MockSinkConnector";

function sink(name: string, over: Partial<ConnectorSpec> = {}): ConnectorSpec {
  return { id: `id-${name}`, name, version: 1, state: "RUNNING", config: { "connector.class": SINK, topics: "t" }, ...over };
}

function topicPort(existing: string[]): TopicPort & { created: TopicSpec[] } {
  const created: TopicSpec[] = [];
  return {
    created,
    listTopics: async () => [...existing],
    createTopics: async (t) => void created.push(...t),
    deleteTopics: async () => {},
  };
}

describe("planAgainst", () => {
  it("reads the cluster, validates against it and plans with the options", async () => {
    const connect = createFakeConnect({
      connectors: [
        { name: "web-owned", config: stampConfig({ "connector.class": SINK, topics: "t" }, { id: "cr-1", version: 3, manager: "web/c1" }) },
      ],
    });
    const topics = topicPort(["t"]);
    const wanted = sink("orders", { topics: [{ name: "new-topic", partitions: 1, replicationFactor: 1 }] });
    const r = await planAgainst({ connectors: [wanted] }, connect, topics, { manager: "cli/team" });

    expect(r.problems).toEqual([]);
    expect(r.plan.actions).toEqual([expect.objectContaining({ kind: "create", name: "orders", config: expect.objectContaining({ "switchboard.managed-by": "cli/team" }) })]);
    expect(r.plan.topicsToCreate.map((t) => t.name)).toEqual(["new-topic"]);
    expect(r.plan.managedElsewhere).toEqual([{ name: "web-owned", id: "cr-1", manager: "web/c1" }]);
    expect(r.observed.connectors.map((c) => c.name)).toEqual(["web-owned"]);
    expect(r.observed.topics).toEqual(["t"]);
    // Nothing written: planning only reads.
    expect(connect.calls.map((c) => c.method).filter((m) => !["listConnectors", "listPlugins", "validateConfig"].includes(m))).toEqual([]);
  });

  it("returns the cluster's problems with the plan, and merges the keys to mask", async () => {
    const connect = createFakeConnect();
    const bad = sink("bad", { config: { "connector.class": "NoSuchConnector" } });
    const withSecret = sink("db", { config: { "connector.class": SINK, topics: "t", "db.password": "pw", "irc.auth": "x" } });
    const r = await planAgainst({ connectors: [bad, withSecret] }, connect, undefined, { secretKeys: { db: ["irc.auth"] } });
    expect(r.problems).toEqual([expect.objectContaining({ connector: "bad", message: expect.stringMatching(/unknown connector class "NoSuchConnector"/) })]);
    expect(r.secretKeys).toEqual({ db: ["db.password", "irc.auth"] });
    expect(r.plan.actions.map((a) => a.name)).toEqual(["bad", "db"]);
    expect(r.observed.topics).toBeUndefined();
  });

  it("fails with the ConnectError when the cluster cannot be read", async () => {
    const connect = createFakeConnect();
    connect.failNext("listConnectors", new ConnectError("UNREACHABLE", "no Kafka Connect worker answered"));
    await expect(planAgainst({ connectors: [sink("a")] }, connect)).rejects.toMatchObject({ code: "UNREACHABLE" });
  });
});
