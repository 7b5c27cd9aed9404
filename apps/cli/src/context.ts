import { isAbsolute, join, relative, resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import type { ConnectClientOptions } from "@switchboard/connect-client/client";
import type { TopicAdmin, TopicAdminOptions } from "@switchboard/connect-client/topics";
import type { ApplyOptions } from "@switchboard/engine/apply";
import type { Problem } from "@switchboard/engine/model";
import type { ConnectPort } from "@switchboard/engine/port";

/** What the CLI needs of a Connect client: the engine's port, and closing its connections. */
export type CliConnect = ConnectPort & { close(): Promise<void> };

/** Everything the CLI touches of its process, so tests can run it in-process with captured streams. */
export type CliIo = {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: Record<string, string | undefined>;
  isTTY: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** Directory relative paths are resolved against; defaults to process.cwd(). */
  cwd?: string;
  /**
   * Subscribes to Ctrl-C while long work runs (apply stops starting new steps); returns the
   * unsubscribe function. Absent in tests. Outside a subscription Ctrl-C keeps its default (exit).
   */
  onInterrupt?: (handler: () => void) => () => void;
  /** Test seams; production builds the real REST and Kafka clients. */
  services?: {
    createConnect?: (opts: ConnectClientOptions) => CliConnect;
    createTopics?: (opts: TopicAdminOptions) => TopicAdmin;
    /** Overrides for applyPlan's timing (tests use a short settle time against an instant fake). */
    applyTiming?: Pick<ApplyOptions, "settleMs" | "pollIntervalMs">;
  };
};

/** Options every command understands. */
export type OutputOptions = { json?: boolean; color?: boolean; verbose?: boolean };

/** Resolves a user-given path against the directory the user called from. */
export function resolvePath(io: CliIo, path: string): string {
  return resolve(io.cwd ?? process.cwd(), path);
}

/**
 * Problems carry the absolute path the loader was given; users expect to see the path as they typed
 * it (`examples/state.json:3:5`), which also keeps CI logs free of runner-specific prefixes.
 */
export function displayProblems(problems: readonly Problem[], absolute: string, given: string): Problem[] {
  const show = (file: string): string => {
    if (file === absolute) return given;
    const rel = relative(absolute, file);
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? join(given, rel) : file;
  };
  return problems.map((p) => ({
    ...p,
    ...(p.location ? { location: { ...p.location, file: show(p.location.file) } } : {}),
    ...(p.related ? { related: { ...p.related, file: show(p.related.file) } } : {}),
    message: p.message.split(absolute).join(given),
  }));
}
