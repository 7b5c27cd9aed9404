import { describe, expect, it } from "vitest";
import { statusOf, type TokenRow } from "./token-rows";

type Row = Pick<TokenRow, "revokedAt" | "expiresAt">;
const row = (patch: Partial<Row>): Row => ({ expiresAt: new Date(Date.now() + 86_400_000), revokedAt: null, ...patch });

describe("statusOf", () => {
  it("calls a token active while it is neither revoked nor past its expiry", () => {
    expect(statusOf(row({}))).toBe("active");
  });
  it("calls a token expired once its expiry has passed", () => {
    expect(statusOf(row({ expiresAt: new Date(Date.now() - 1000) }))).toBe("expired");
  });
  it("calls a revoked token revoked even when it has also expired", () => {
    expect(statusOf(row({ revokedAt: new Date(), expiresAt: new Date(Date.now() - 1000) }))).toBe("revoked");
  });
});
