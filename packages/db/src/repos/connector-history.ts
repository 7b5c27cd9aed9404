/**
 * Reads for a connector's page: its revision history with which secrets changed between revisions
 * (decided here, so no secret value or digest ever leaves this package), and the unfinished change
 * requests that touch it.
 */
import { z } from "zod";
import type { DbOrTx } from "../client";
import type { ChangeAction, ChangeRequestStatus, DesiredState } from "../enums";
import { decryptSecrets } from "../secrets";

export type RevisionWithSecretChanges = {
  id: string;
  version: number;
  name: string;
  config: Record<string, string>;
  secretKeys: string[];
  desiredState: DesiredState;
  changeRequestId: string | null;
  changeRequestTitle: string | null;
  createdAt: Date;
  /** Secret keys present in this and the previous revision whose values differ. */
  changedSecretKeys: string[];
};

const configSchema = z.record(z.string(), z.string());
const keysSchema = z.array(z.string());

/** Revision history, newest first, each with the secret keys whose value changed since the previous revision. */
export async function listRevisionHistory(db: DbOrTx, connectorId: string): Promise<RevisionWithSecretChanges[]> {
  const rows = await db.connectorRevision.findMany({
    where: { connectorId },
    select: {
      id: true,
      version: true,
      name: true,
      configJson: true,
      secretConfigEnc: true,
      secretKeysJson: true,
      desiredState: true,
      changeRequestId: true,
      createdAt: true,
      changeRequest: { select: { title: true } },
    },
    orderBy: { version: "asc" },
  });
  let previous: Record<string, string> = {};
  const out: RevisionWithSecretChanges[] = [];
  for (const { secretConfigEnc, configJson, secretKeysJson, changeRequest, ...row } of rows) {
    const secrets = decryptSecrets(secretConfigEnc);
    const changedSecretKeys = Object.keys(secrets)
      .filter((k) => k in previous && previous[k] !== secrets[k])
      .sort();
    out.push({
      ...row,
      config: configSchema.parse(JSON.parse(configJson)),
      secretKeys: keysSchema.parse(JSON.parse(secretKeysJson)),
      changeRequestTitle: changeRequest?.title ?? null,
      changedSecretKeys,
    });
    previous = secrets;
  }
  return out.reverse();
}

export type OpenChangeForConnector = {
  id: string;
  title: string;
  status: ChangeRequestStatus;
  action: ChangeAction;
  author: { id: string; name: string };
  updatedAt: Date;
};

const OPEN_STATUSES: ChangeRequestStatus[] = ["draft", "in_review", "approved", "deploying"];

/** Change requests not yet finished (draft, in review, approved, deploying) with an item for this connector. */
export async function listOpenChangesForConnector(db: DbOrTx, connectorId: string): Promise<OpenChangeForConnector[]> {
  const rows = await db.changeItem.findMany({
    where: { connectorId, changeRequest: { status: { in: OPEN_STATUSES } } },
    select: {
      action: true,
      changeRequest: { select: { id: true, title: true, status: true, updatedAt: true, author: { select: { id: true, name: true } } } },
    },
    orderBy: [{ changeRequest: { updatedAt: "desc" } }, { position: "asc" }],
  });
  return rows.map((r) => ({ ...r.changeRequest, action: r.action }));
}
