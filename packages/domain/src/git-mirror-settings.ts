/**
 * A cluster's Git mirror settings: which repository, branch and file the worker commits the
 * cluster's state file to after each deploy. Pure (no engine, no DB), so the admin form checks
 * the same rules as the server.
 */
import { z } from "zod";

export const DEFAULT_GIT_BRANCH = "main";

/** Where the state file goes when the admin names no path. */
export function defaultGitPath(clusterName: string): string {
  return `clusters/${clusterName}.json`;
}

/** The mirror a cluster writes to, with defaults filled in; null when it names no repository. */
export function gitMirrorOf(cluster: { name: string; gitRepository: string | null; gitBranch: string | null; gitPath: string | null }): { repository: string; branch: string; path: string } | null {
  if (!cluster.gitRepository) return null;
  return { repository: cluster.gitRepository, branch: cluster.gitBranch ?? DEFAULT_GIT_BRANCH, path: cluster.gitPath ?? defaultGitPath(cluster.name) };
}

const CREDENTIALS_REFUSED = "Give the repository URL without credentials (no user:password@ or token@): the worker authenticates with its own Git credentials (SSH key or credential helper).";

/** Scp-like SSH address, e.g. git@github.com:team/repo.git (a user name, never a password). */
const SCP_LIKE = /^(?<user>[A-Za-z0-9._-]+@)?(?<host>[A-Za-z0-9.-]+):(?!\/\/)(?<path>[A-Za-z0-9._~/-]+)$/;

/** Why a repository address is refused, or null when it is fine. */
export function gitRepositoryProblem(value: string): string | null {
  if (value.length > 500) return "At most 500 characters.";
  if (/[\s\0]/.test(value)) return "A repository address has no spaces or control characters.";
  if (value.startsWith("-")) return "A repository address cannot start with a dash.";
  // user:password@ before the host, with or without a scheme.
  const userinfo = value.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, "").split("@");
  if (userinfo.length > 1 && /^[^/]*:/.test(userinfo[0] ?? "")) return CREDENTIALS_REFUSED;
  if (value.startsWith("/")) return value.split("/").includes("..") ? "Give an absolute path without .. segments." : null;
  const scp = SCP_LIKE.exec(value);
  if (scp && !value.includes("://")) return scp.groups?.user?.includes(":") ? CREDENTIALS_REFUSED : null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Give an absolute path (/srv/git/connect.git), a file:// URL, or an https:// or ssh:// URL.";
  }
  if (!["file:", "https:", "ssh:"].includes(url.protocol)) return "Only absolute paths and file://, https:// and ssh:// URLs are supported.";
  // https takes a token as the user name; ssh takes a user name but never a password.
  if (url.password !== "" || (url.protocol !== "ssh:" && url.username !== "")) return CREDENTIALS_REFUSED;
  if (url.search !== "" || url.hash !== "") return "A repository URL has no query or fragment.";
  if (url.protocol === "file:" && (url.host !== "" || url.pathname === "/")) return "A file:// URL names a path on this machine: file:///srv/git/connect.git.";
  if (url.protocol !== "file:" && url.hostname === "") return "The URL needs a host.";
  return null;
}

/** Why a branch name is refused, or null (git's ref-name rules, kept strict). */
export function gitBranchProblem(value: string): string | null {
  if (value.length > 200) return "At most 200 characters.";
  if (!/^[A-Za-z0-9._/-]+$/.test(value)) return "Use letters, digits, dot, dash, underscore and slash.";
  if (value.startsWith("-") || value.startsWith("/") || value.endsWith("/") || value.endsWith(".") || value.endsWith(".lock")) return "Not a valid branch name.";
  if (value.includes("..") || value.includes("//") || value.split("/").some((part) => part.startsWith(".")) || value === "HEAD") return "Not a valid branch name.";
  return null;
}

/** Why a state-file path is refused, or null: relative, inside the repository, a .json file. */
export function gitPathProblem(value: string): string | null {
  if (value.length > 300) return "At most 300 characters.";
  if (value.startsWith("/")) return "Give a path relative to the repository root, e.g. clusters/prod.json.";
  if (!/^[A-Za-z0-9._/-]+$/.test(value)) return "Use letters, digits, dot, dash, underscore and slash.";
  const parts = value.split("/");
  if (parts.some((p) => p === ".." || p === ".")) return "The path cannot contain . or .. segments.";
  if (parts.some((p) => p === "")) return "The path has an empty segment.";
  if (parts.some((p) => p.toLowerCase() === ".git")) return "The path cannot be inside .git.";
  if (parts.some((p) => p.startsWith("-"))) return "A path segment cannot start with a dash.";
  if (!value.endsWith(".json") || value.endsWith("/.json")) return "The state file is a .json file.";
  return null;
}

const checked = (problem: (v: string) => string | null) =>
  z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const message = problem(value);
      if (message) ctx.addIssue({ code: "custom", message });
    });

/** Form and API fields: "" or null clears the setting. */
export const gitSettingsFields = {
  gitRepository: z.union([z.literal(""), checked(gitRepositoryProblem)]).nullish(),
  gitBranch: z.union([z.literal(""), checked(gitBranchProblem)]).nullish(),
  gitPath: z.union([z.literal(""), checked(gitPathProblem)]).nullish(),
};
