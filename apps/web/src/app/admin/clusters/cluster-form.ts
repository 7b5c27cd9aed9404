/**
 * The cluster form's draft, its inline validation (the API's rules: credential variable names under
 * the prefix the server reads, the timeout's range) and the API input it becomes. Pure, so it is
 * unit-tested without a DOM.
 */
import type { AppRouter } from "@switchboard/api/root";
import { CLUSTER_CREDENTIAL_PREFIX, isClusterCredentialName } from "@switchboard/domain/env";
import { defaultGitPath, DEFAULT_GIT_BRANCH, gitBranchProblem, gitPathProblem, gitRepositoryProblem } from "@switchboard/domain/git-mirror-settings";
import type { inferRouterOutputs } from "@trpc/server";

export { CLUSTER_CREDENTIAL_PREFIX, DEFAULT_GIT_BRANCH, defaultGitPath };

export type Cluster = inferRouterOutputs<AppRouter>["cluster"]["list"][number];

export type Draft = {
  name: string;
  environment: string;
  connectUrls: string;
  bootstrapServers: string;
  statusTopic: string;
  authUsernameEnv: string;
  authPasswordEnv: string;
  approvalsRequired: string;
  monitorIntervalSeconds: string;
  requestTimeoutSeconds: string;
  gitRepository: string;
  gitBranch: string;
  gitPath: string;
};

export const EMPTY: Draft = {
  name: "",
  environment: "",
  connectUrls: "",
  bootstrapServers: "",
  statusTopic: "",
  authUsernameEnv: "",
  authPasswordEnv: "",
  approvalsRequired: "1",
  monitorIntervalSeconds: "10",
  requestTimeoutSeconds: "120",
  gitRepository: "",
  gitBranch: "",
  gitPath: "",
};

export function toDraft(c: Cluster): Draft {
  return {
    name: c.name,
    environment: c.environment,
    connectUrls: c.connectUrls.join("\n"),
    bootstrapServers: c.bootstrapServers ?? "",
    statusTopic: c.statusTopic ?? "",
    authUsernameEnv: c.authUsernameEnv ?? "",
    authPasswordEnv: c.authPasswordEnv ?? "",
    approvalsRequired: String(c.approvalsRequired),
    monitorIntervalSeconds: String(c.monitorIntervalSeconds),
    requestTimeoutSeconds: String(c.requestTimeoutSeconds),
    gitRepository: c.gitRepository ?? "",
    gitBranch: c.gitBranch ?? "",
    gitPath: c.gitPath ?? "",
  };
}

/** The worker URLs of the text field: one per line (commas and spaces separate too). */
export const urlList = (text: string) => text.split(/[\s,]+/).map((u) => u.trim()).filter(Boolean);

// The server reads only variables under this prefix for a cluster, so a cluster cannot be pointed at, say, NEXTAUTH_SECRET.
const CREDENTIAL_NAME_RULE = `The NAME of an environment variable starting with ${CLUSTER_CREDENTIAL_PREFIX} (capitals, digits, _), not the secret itself.`;

/** Inline validation, the same rules as the API (which checks again). */
export function validateDraft(d: Draft): Partial<Record<keyof Draft, string>> {
  const e: Partial<Record<keyof Draft, string>> = {};
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(d.name.trim())) e.name = "Required: letters, digits, dot, dash and underscore.";
  if (d.environment.trim() === "") e.environment = "Required, e.g. prod, staging, dev.";
  const urls = urlList(d.connectUrls);
  if (urls.length === 0) e.connectUrls = "Give at least one Connect worker URL.";
  const bad = urls.find((u) => {
    try {
      return !["http:", "https:"].includes(new URL(u).protocol);
    } catch {
      return true;
    }
  });
  if (bad) e.connectUrls = `Not an http(s) URL: ${bad}`;
  const topic = d.statusTopic.trim();
  if (topic !== "" && (!/^[A-Za-z0-9._-]+$/.test(topic) || topic.length > 249)) e.statusTopic = "A Kafka topic name: letters, digits, dot, dash and underscore.";
  else if (topic !== "" && d.bootstrapServers.trim() === "") e.statusTopic = "Reading the status topic needs the bootstrap servers too.";
  for (const key of ["authUsernameEnv", "authPasswordEnv"] as const) {
    if (d[key].trim() !== "" && !isClusterCredentialName(d[key].trim())) e[key] = CREDENTIAL_NAME_RULE;
  }
  const approvals = Number(d.approvalsRequired);
  if (!/^\d+$/.test(d.approvalsRequired) || approvals > 5) e.approvalsRequired = "A whole number from 0 to 5.";
  const interval = Number(d.monitorIntervalSeconds);
  if (!/^\d+$/.test(d.monitorIntervalSeconds) || interval < 5 || interval > 3600) e.monitorIntervalSeconds = "A whole number of seconds from 5 to 3600.";
  const timeout = Number(d.requestTimeoutSeconds);
  if (!/^\d+$/.test(d.requestTimeoutSeconds) || timeout < 5 || timeout > 600) e.requestTimeoutSeconds = "A whole number of seconds from 5 to 600.";
  Object.assign(e, validateGitMirror(d));
  return e;
}

/** The Git mirror's fields: each checked as the API checks it; a branch or path only with a repository. */
function validateGitMirror(d: Draft): Partial<Record<keyof Draft, string>> {
  const e: Partial<Record<keyof Draft, string>> = {};
  const repository = d.gitRepository.trim();
  const rules = { gitRepository: gitRepositoryProblem, gitBranch: gitBranchProblem, gitPath: gitPathProblem } as const;
  for (const key of ["gitRepository", "gitBranch", "gitPath"] as const) {
    const value = d[key].trim();
    if (value === "") continue;
    const problem = key !== "gitRepository" && repository === "" ? "Set the repository first." : rules[key](value);
    if (problem) e[key] = problem;
  }
  return e;
}

/** The API input for a valid draft. */
export function toClusterInput(draft: Draft) {
  return {
    name: draft.name.trim(),
    environment: draft.environment.trim(),
    connectUrls: urlList(draft.connectUrls),
    bootstrapServers: draft.bootstrapServers.trim() || null,
    statusTopic: draft.statusTopic.trim() || null,
    authUsernameEnv: draft.authUsernameEnv.trim() || null,
    authPasswordEnv: draft.authPasswordEnv.trim() || null,
    approvalsRequired: Number(draft.approvalsRequired),
    monitorIntervalSeconds: Number(draft.monitorIntervalSeconds),
    requestTimeoutSeconds: Number(draft.requestTimeoutSeconds),
    gitRepository: draft.gitRepository.trim() || null,
    gitBranch: draft.gitBranch.trim() || null,
    gitPath: draft.gitPath.trim() || null,
  };
}
