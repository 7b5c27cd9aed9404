import { closest, distance } from "fastest-levenshtein";
import type { Problem, SourceLocation } from "./model";

/** `file:line:column`, the form editors and terminals turn into links. */
export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/**
 * One problem as the CLI prints it: `state.json:14:7: unknown field "pausd" (did you mean "paused"?)`,
 * then `  hint: ...` on a second line when there is a hint. Without a location the connector name
 * (when known and not already in the message) stands in for it.
 */
export function formatProblem(p: Problem): string {
  let head: string;
  if (p.location) head = `${formatLocation(p.location)}: ${p.message}`;
  else if (p.connector && !p.message.startsWith(`connector "${p.connector}"`)) head = `${p.connector}: ${p.message}`;
  else head = p.message;
  return p.hint ? `${head}\n  hint: ${p.hint}` : head;
}

/** Problems in reading order: by file, line, column; problems without a place last. Does not mutate. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => compareLocations(a.p.location, b.p.location) || a.i - b.i)
    .map(({ p }) => p);
}

function compareLocations(a: SourceLocation | undefined, b: SourceLocation | undefined): number {
  if (!a || !b) return (a ? 0 : 1) - (b ? 0 : 1);
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

/**
 * The candidate closest to `word`, when it is close enough to be a likely typo: at most 2 edits,
 * or at most a third of the word's length for long words. Undefined otherwise.
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, [...candidates]);
  const d = distance(word, best);
  return d > 0 && (d <= 2 || d <= Math.floor(word.length / 3)) ? best : undefined;
}

/** ` (did you mean "x"?)` or the empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const s = suggest(word, candidates);
  return s === undefined ? "" : ` (did you mean "${s}"?)`;
}
