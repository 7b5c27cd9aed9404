import { describe, expect, it } from "vitest";
import { parseStateFile } from "./load";

describe("a state file's deleteTopics", () => {
  it("is read as the topics to delete, once each", () => {
    const r = parseStateFile(JSON.stringify({ connectors: [], deleteTopics: ["old-orders", "old-audit", "old-orders"] }), "state.json");
    expect(r.ok && r.desired.deleteTopics).toEqual(["old-orders", "old-audit"]);
  });

  it("is absent when the file has none", () => {
    const r = parseStateFile(JSON.stringify({ connectors: [] }), "state.json");
    expect(r.ok && r.desired).toEqual({ connectors: [] });
  });

  it.each([
    ["an internal topic", "_connect-offsets", /internal topics/],
    ["a name with a slash", "a/b", /a topic name/],
    ["an empty name", "", /a topic name/],
  ])("refuses %s, naming where", (_what, name, message) => {
    const r = parseStateFile(JSON.stringify({ connectors: [], deleteTopics: [name] }), "state.json");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ path: "deleteTopics[0]", message: expect.stringMatching(message) });
  });
});
