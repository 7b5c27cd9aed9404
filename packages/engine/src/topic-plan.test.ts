import { describe, expect, it } from "vitest";
import { stampConfig } from "./managed";
import type { ConnectorSpec, ObservedConnector } from "./model";
import { plan } from "./plan";
import { configUsesTopic } from "./topic-usage";

const MANAGER = "web/c1";

function spec(name: string, config: Record<string, string>): ConnectorSpec {
  return { id: `id-${name}`, name, version: 1, config: { "connector.class": "FileStreamSink", ...config }, state: "RUNNING" };
}

function live(s: ConnectorSpec): ObservedConnector {
  return { name: s.name, config: { ...stampConfig(s.config, { id: s.id, version: 1, manager: MANAGER }), name: s.name }, type: "sink", state: "RUNNING", tasks: [{ id: 0, state: "RUNNING" }] };
}

describe("configUsesTopic", () => {
  it.each([
    [{ topics: "a, orders ,b" }, true],
    [{ topics: "orders-v2" }, false],
    [{ topic: "orders" }, true],
    [{ "errors.deadletterqueue.topic.name": "orders" }, true],
    [{ "schema.history.internal.kafka.topic": "orders" }, true],
    [{ "topic.prefix": "ord" }, true],
    [{ "topic.prefix": "inventory" }, false],
    [{ "topics.regex": "ord.*" }, true],
    [{ "topics.regex": "pay.*" }, false],
    [{ "topics.regex": "(unclosed" }, true],
    [{ file: "/tmp/orders" }, false],
  ])("reads %j as using topic orders: %s", (config, uses) => {
    expect(configUsesTopic(config, "orders")).toBe(uses);
  });

  it("counts a connector whose config Connect did not return as a user", () => {
    expect(configUsesTopic(null, "orders")).toBe(true);
  });
});

describe("explicit topic changes in a plan", () => {
  it("never plans a deletion without an explicit one, even for a topic nothing uses", () => {
    const p = plan({ connectors: [] }, { connectors: [], topics: ["orders", "unused"] }, { manager: MANAGER });
    expect(p.topicsToDelete).toEqual([]);
  });

  it("plans an explicit deletion of an existing topic nothing uses", () => {
    const p = plan({ connectors: [] }, { connectors: [], topics: ["orders"] }, { manager: MANAGER, topics: { delete: ["orders"] } });
    expect(p.topicsToDelete).toEqual(["orders"]);
    expect(p.conflicts).toEqual([]);
  });

  it("refuses to delete a topic a connector left on the cluster uses, even one outside the change's scope", () => {
    const other = spec("other-team-sink", { topics: "orders" });
    const p = plan({ connectors: [] }, { connectors: [live(other)], topics: ["orders"] }, { manager: MANAGER, scope: { ids: [], names: [] }, topics: { delete: ["orders"] } });
    expect(p.topicsToDelete).toEqual([]);
    expect(p.conflicts).toEqual([expect.objectContaining({ code: "TOPIC_IN_USE", connector: "other-team-sink" })]);
  });

  it("refuses to delete a topic a desired connector uses", () => {
    const p = plan({ connectors: [spec("new-sink", { topics: "orders" })] }, { connectors: [], topics: ["orders"] }, { manager: MANAGER, topics: { delete: ["orders"] } });
    expect(p.conflicts.map((c) => c.code)).toEqual(["TOPIC_IN_USE"]);
  });

  it("deletes a topic whose only user the same plan deletes", () => {
    const sink = spec("sink", { topics: "orders" });
    const p = plan({ connectors: [] }, { connectors: [live(sink)], topics: ["orders"] }, { manager: MANAGER, scope: { ids: [sink.id], names: [] }, topics: { delete: ["orders"] } });
    expect(p.actions.map((a) => `${a.kind} ${a.name}`)).toEqual(["delete sink"]);
    expect(p.topicsToDelete).toEqual(["orders"]);
    expect(p.conflicts).toEqual([]);
  });

  it("warns and plans nothing for a missing topic to delete or an existing topic to create", () => {
    const p = plan(
      { connectors: [] },
      { connectors: [], topics: ["exists"] },
      { manager: MANAGER, topics: { create: [{ name: "exists", partitions: 3, replicationFactor: 1 }], delete: ["gone"] } },
    );
    expect(p.topicsToCreate).toEqual([]);
    expect(p.topicsToDelete).toEqual([]);
    expect(p.warnings.map((w) => w.code).sort()).toEqual(["TOPIC_EXISTS", "TOPIC_MISSING"]);
  });

  it("creates explicit topics along with a connector's declared ones, once per name", () => {
    const s: ConnectorSpec = { ...spec("sink", { topics: "orders" }), topics: [{ name: "orders", partitions: 1, replicationFactor: 1 }] };
    const p = plan(
      { connectors: [s] },
      { connectors: [], topics: [] },
      { manager: MANAGER, topics: { create: [{ name: "orders", partitions: 6, replicationFactor: 1 }, { name: "audit", partitions: 2, replicationFactor: 1, config: { "cleanup.policy": "compact" } }] } },
    );
    expect(p.topicsToCreate).toEqual([
      { name: "audit", partitions: 2, replicationFactor: 1, config: { "cleanup.policy": "compact" } },
      { name: "orders", partitions: 1, replicationFactor: 1 },
    ]);
  });

  it("lists explicit changes as asked when topics were not read", () => {
    const p = plan({ connectors: [] }, { connectors: [] }, { manager: MANAGER, topics: { create: [{ name: "a", partitions: 1, replicationFactor: 1 }], delete: ["b"] } });
    expect(p.topicsToCreate.map((t) => t.name)).toEqual(["a"]);
    expect(p.topicsToDelete).toEqual(["b"]);
  });
});
