export const ROLES = ["viewer", "owner", "approver", "admin"] as const;
export type Role = (typeof ROLES)[number];

export type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  teamIds: string[];
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  user: { email: string; name: string };
};

/** Whether a token still works, and if not, why. */
export function statusOf(t: TokenRow): "active" | "revoked" | "expired" {
  if (t.revokedAt) return "revoked";
  return new Date(t.expiresAt).getTime() <= Date.now() ? "expired" : "active";
}
