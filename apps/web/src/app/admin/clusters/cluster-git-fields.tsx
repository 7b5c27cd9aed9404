"use client";

import { Field } from "../../../components/field";
import { DEFAULT_GIT_BRANCH, defaultGitPath, type Draft } from "./cluster-form";

type ClusterGitFieldsProps = {
  draft: Draft;
  set: (key: keyof Draft) => (e: { target: { value: string } }) => void;
  shown: (key: keyof Draft) => string | undefined;
  /** The last commit the mirror wrote, if any. */
  gitCommit: string | null;
};

/** The Git mirror part of the cluster form: repository, branch and state file path. */
export function ClusterGitFields({ draft, set, shown, gitCommit }: ClusterGitFieldsProps) {
  return (
    <fieldset className="flex flex-col gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <legend className="px-1 text-sm font-medium">Git mirror</legend>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Each deployed change commits this cluster&rsquo;s state file (secrets shown as &ldquo;(sensitive)&rdquo;) to the repository. A file changed there by someone else is never overwritten: an incident is opened instead.
      </p>
      <Field
        label="Repository"
        optional
        description="An absolute path on the server, a file:// URL, or an https:// or ssh:// URL without credentials (the worker uses its own SSH key or credential helper). Empty: no mirror"
        placeholder="https://git.example.com/platform/connect-state.git"
        value={draft.gitRepository}
        onChange={set("gitRepository")}
        error={shown("gitRepository")}
        spellCheck={false}
        className="font-mono"
      />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Branch" optional description={`Default ${DEFAULT_GIT_BRANCH}`} placeholder={DEFAULT_GIT_BRANCH} value={draft.gitBranch} onChange={set("gitBranch")} error={shown("gitBranch")} spellCheck={false} className="font-mono" />
        <Field
          label="State file path"
          optional
          description="Relative to the repository root, a .json file"
          placeholder={defaultGitPath(draft.name.trim() || "<name>")}
          value={draft.gitPath}
          onChange={set("gitPath")}
          error={shown("gitPath")}
          spellCheck={false}
          className="font-mono"
        />
      </div>
      {gitCommit && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Last commit written: <code>{gitCommit.slice(0, 12)}</code>. Changing the repository, branch or path starts over from the branch&rsquo;s head.
        </p>
      )}
    </fieldset>
  );
}
