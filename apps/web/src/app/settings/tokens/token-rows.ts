import type { RouterOutputs } from "../../../trpc/types";

export { ROLES, type Role } from "../../../components/roles";

export type TokenRow = RouterOutputs["token"]["list"][number];

/** Whether a token still works, and if not, why. */
export function statusOf(t: Pick<TokenRow, "revokedAt" | "expiresAt">): "active" | "revoked" | "expired" {
  if (t.revokedAt) return "revoked";
  return new Date(t.expiresAt).getTime() <= Date.now() ? "expired" : "active";
}
