/** The roles, lowest first (a token's role may be at most its user's: a prefix of this list). */
export const ROLES = ["viewer", "owner", "approver", "admin"] as const;
export type Role = (typeof ROLES)[number];
