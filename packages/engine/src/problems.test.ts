import { describe, expect, it } from "vitest";
import type { Problem } from "./model";
import { formatProblem, sortProblems, suggest } from "./problems";

describe("formatProblem", () => {
  it("puts the location first, then the message", () => {
    const p: Problem = { message: 'unknown field "pausd" (did you mean "paused"?)', location: { file: "state.json", line: 14, column: 7 } };
    expect(formatProblem(p)).toBe('state.json:14:7: unknown field "pausd" (did you mean "paused"?)');
  });

  it("adds the hint on a second, indented line", () => {
    expect(formatProblem({ message: "expected comma", hint: "add a comma", location: { file: "a.json", line: 2, column: 3 } })).toBe(
      "a.json:2:3: expected comma\n  hint: add a comma",
    );
  });

  it("prefixes the connector name when there is no location", () => {
    expect(formatProblem({ message: "unknown connector class", connector: "orders-sink" })).toBe("orders-sink: unknown connector class");
    expect(formatProblem({ message: "no such file" })).toBe("no such file");
  });

  it("does not repeat a connector name the message already starts with", () => {
    expect(formatProblem({ message: 'connector "orders-sink": topics: required', connector: "orders-sink" })).toBe('connector "orders-sink": topics: required');
  });
});

describe("sortProblems", () => {
  it("orders by file, line and column and puts problems without a place last", () => {
    const at = (file: string, line: number, column: number): Problem => ({ message: `${file}:${line}:${column}`, location: { file, line, column } });
    const sorted = sortProblems([{ message: "nowhere" }, at("b.json", 1, 1), at("a.json", 3, 2), at("a.json", 3, 1), at("a.json", 1, 9)]);
    expect(sorted.map((p) => p.message)).toEqual(["a.json:1:9", "a.json:3:1", "a.json:3:2", "b.json:1:1", "nowhere"]);
  });
});

describe("suggest", () => {
  it("suggests a close candidate and nothing for a distant one", () => {
    expect(suggest("pausedd", ["paused", "ownerName"])).toBe("paused");
    expect(suggest("colour", ["paused", "ownerName"])).toBeUndefined();
  });

  it("allows more edits for long words", () => {
    expect(suggest("FileStreamSinkConectorr", ["FileStreamSinkConnector"])).toBe("FileStreamSinkConnector");
  });
});
