import { loadDesired, type LoadFormat } from "@switchboard/engine/load";
import type { DesiredSet, Problem } from "@switchboard/engine/model";
import { displayProblems, resolvePath, type CliIo } from "./context";

export type Loaded =
  | { ok: true; desired: DesiredSet; format: LoadFormat; show: (problems: readonly Problem[]) => Problem[] }
  | { ok: false; problems: Problem[] };

/**
 * Loads a state file or directory given on the command line. Relative paths resolve against the
 * caller's directory; problems name the path as the user typed it.
 */
export async function loadFromArgument(io: CliIo, given: string): Promise<Loaded> {
  const absolute = resolvePath(io, given);
  const show = (problems: readonly Problem[]) => displayProblems(problems, absolute, given);
  const result = await loadDesired(absolute);
  if (!result.ok) return { ok: false, problems: show(result.problems) };
  return { ok: true, desired: result.desired, format: result.format, show };
}
