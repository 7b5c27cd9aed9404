/**
 * Switchboard → Git: the rules of the commit the worker writes after each deploy, kept apart from
 * the Git plumbing so they can be tested as tables. What may be written on top of the branch (never
 * over a file someone else changed), when two state files describe the same cluster state, and what
 * the commit says (author, co-authors, approvers, the change request's link).
 */
import { z } from "zod";
import { parseStateFile } from "@switchboard/engine/load";
import type { ConnectorSpec } from "@switchboard/engine/model";
import { MASK, redactCredentials } from "@switchboard/engine/secrets";

export type Person = { name: string; email: string };

/** What the worker found on the branch before writing. */
export type BranchSnapshot = {
  /** The branch's head commit; null when the branch does not exist (or the repository is empty). */
  head: string | null;
  /** The commit Switchboard last wrote (cluster.gitCommit); null before the first write. */
  base: string | null;
  /** The state file at head; null when head has no file at the path. */
  fileAtHead: string | null;
  /** The state file at base; null when base has no file there, undefined when base is not in the repository any more. */
  fileAtBase: string | null | undefined;
};

export type WriteDecision = { write: true; reason: string } | { write: false; reason: string };

/**
 * Whether the canonical state file `ours` may be committed on top of the branch's head. Fine when
 * nobody touched the file since Switchboard's last commit (other files may change), when there is
 * nothing to overwrite, or when the file at head already describes what is being written (a change
 * proposed from Git and deployed). Anything else means the repository moved ahead: nothing is written.
 */
export function decideWrite(snapshot: BranchSnapshot, ours: string): WriteDecision {
  const { head, base, fileAtHead, fileAtBase } = snapshot;
  if (head === null) return { write: true, reason: "the branch does not exist yet" };
  if (head === base) return { write: true, reason: "the branch is where Switchboard left it" };
  if (base === null && fileAtHead === null) return { write: true, reason: "the branch has no file at the path yet" };
  if (base !== null && fileAtBase !== undefined && fileAtHead === fileAtBase) return { write: true, reason: "the state file is as Switchboard left it" };
  if (fileAtHead !== null && describesSameState(fileAtHead, ours)) return { write: true, reason: "the file at head already describes the deployed state" };
  if (base === null) return { write: false, reason: `the branch already has a different state file, which Switchboard did not write (head ${short(head)})` };
  if (fileAtBase === undefined) return { write: false, reason: `the commit Switchboard last wrote (${short(base)}) is no longer on the branch (head ${short(head)})` };
  return { write: false, reason: `the state file was changed after Switchboard's last commit ${short(base)} (head ${short(head)}) and does not describe the deployed state` };
}

export const short = (sha: string): string => sha.slice(0, 12);

/**
 * Whether two state files describe the same cluster state: the same connectors (by id, else by
 * name) with the same names, run states and config. Versions and owners do not count (an import
 * ignores them); a value masked on either side ("(sensitive)", a URL whose password was redacted)
 * matches any value whose masked form is the same, so a secret never decides and never has to be
 * written. A file that does not parse describes nothing.
 */
export function describesSameState(theirs: string, ours: string): boolean {
  const a = parseStateFile(theirs, "state.json");
  const b = parseStateFile(ours, "state.json");
  if (!a.ok || !b.ok) return false;
  const left = a.desired.connectors;
  const right = b.desired.connectors;
  if (left.length !== right.length) return false;
  if ((a.desired.deleteTopics?.length ?? 0) > 0) return false;
  return right.every((spec) => {
    const other = left.find((c) => c.id === spec.id) ?? left.find((c) => c.name === spec.name);
    return other !== undefined && sameConnector(other, spec);
  });
}

function sameConnector(a: ConnectorSpec, b: ConnectorSpec): boolean {
  if (a.id !== b.id || a.name !== b.name || a.state !== b.state) return false;
  const keys = new Set([...Object.keys(a.config), ...Object.keys(b.config)]);
  return [...keys].every((key) => sameValue(a.config[key], b.config[key]));
}

function sameValue(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === b) return true;
  if (a === MASK || b === MASK) return true;
  return redactCredentials(a) === redactCredentials(b);
}

const deploymentSnapshotSchema = z.object({
  writers: z.array(z.object({ name: z.string(), email: z.string() })).catch([]),
  approvals: z.array(z.object({ reviewer: z.object({ name: z.string(), email: z.string() }) })).catch([]),
});

/** Writers and approvers as the deployment recorded them when it was queued (what was counted). */
export function peopleOfDeployment(plan: unknown): { writers: Person[]; approvers: Person[] } {
  const parsed = deploymentSnapshotSchema.safeParse(plan);
  if (!parsed.success) return { writers: [], approvers: [] };
  return { writers: parsed.data.writers, approvers: parsed.data.approvals.map((a) => a.reviewer) };
}

/** One line, without the characters that would break a `Name <email>` identity. */
function identityPart(text: string): string {
  return text.replace(/[<>\0]/g, "").replace(/\s+/g, " ").trim();
}

/** `Name <email>` as Git writes identities. */
export function gitIdentity(p: Person): string {
  return `${identityPart(p.name) || identityPart(p.email)} <${identityPart(p.email)}>`;
}

export type CommitFacts = {
  title: string;
  changeRequestId: string;
  deploymentId: string;
  publicUrl: string;
  author: Person;
  writers: Person[];
  approvers: Person[];
};

/**
 * The commit message: the change request's title, then one trailer block (so `git interpret-trailers`
 * reads it): its link, the deployment, each approver, each writer other than the author as a
 * co-author.
 */
export function commitMessage(facts: CommitFacts): string {
  const title = facts.title.replace(/\s+/g, " ").trim() || "Deployed change";
  const authorEmail = facts.author.email.toLowerCase();
  const seen = new Set<string>([authorEmail]);
  const coAuthors = facts.writers.filter((w) => {
    const key = w.email.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const trailers = [
    `Change-request: ${facts.publicUrl.replace(/\/+$/, "")}/changes/${encodeURIComponent(facts.changeRequestId)}`,
    `Deployment: ${facts.deploymentId}`,
    ...facts.approvers.map((a) => `Approved-by: ${gitIdentity(a)}`),
    ...coAuthors.map((w) => `Co-authored-by: ${gitIdentity(w)}`),
  ];
  return `${title}\n\n${trailers.join("\n")}\n`;
}
