import { describe, expect, it } from "vitest";
import { ConnectError } from "@switchboard/engine/port";
import { describeError } from "./errors";

describe("describeError", () => {
  it("says what to do when the Connect group had no leader for longer than the retry budget", () => {
    const err = new ConnectError("LEADER_UNAVAILABLE", "PUT /connectors/a/config: IO Error trying to forward REST request: java.net.ConnectException: Connection refused", 500);
    expect(describeError(err)).toEqual({ message: err.message, hint: expect.stringContaining("no leader") });
  });
});
