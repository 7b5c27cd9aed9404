"use client";

import { useMemo, type Ref } from "react";
import { tokenizeJson, type JsonSyntaxError, type JsonTokenKind } from "./json-syntax";

const TOKEN_CLASSES: Record<JsonTokenKind, string> = {
  key: "text-blue-800 dark:text-sky-300",
  string: "text-green-800 dark:text-green-300",
  number: "text-orange-700 dark:text-orange-300",
  keyword: "text-purple-700 dark:text-purple-300",
  punctuation: "text-zinc-500 dark:text-zinc-400",
  comment: "text-zinc-500 italic",
  text: "",
};

const ERROR_MARK = "underline decoration-wavy decoration-red-600 dark:decoration-red-400";

// Gutter, overlay and textarea must share font, size, line height and padding to line up.
export const SHARED = "m-0 p-2 font-mono text-sm leading-6 whitespace-pre";

/** The line numbers beside the JSON editor's text, the syntax error's line in bold. */
export function JsonGutter({ ref, lineCount, errorLine }: { ref: Ref<HTMLDivElement>; lineCount: number; errorLine: number | undefined }) {
  return (
    <div
      ref={ref}
      aria-hidden="true"
      className={`${SHARED} shrink-0 overflow-hidden border-r border-zinc-200 bg-zinc-50 text-right text-zinc-500 select-none dark:border-zinc-800 dark:bg-zinc-900`}
    >
      {Array.from({ length: lineCount }, (_, index) => (
        <div key={index} className={errorLine === index + 1 ? "font-bold text-red-700 dark:text-red-400" : ""}>
          {index + 1}
        </div>
      ))}
    </div>
  );
}

/** The highlighted copy of the text under the transparent textarea, the syntax error underlined. */
export function JsonHighlight({ ref, value, syntaxError }: { ref: Ref<HTMLPreElement>; value: string; syntaxError: JsonSyntaxError | null }) {
  const tokens = useMemo(() => tokenizeJson(value), [value]);
  const errorStart = syntaxError?.offset ?? -1;
  const errorEnd = syntaxError ? errorStart + Math.max(syntaxError.length, 1) : -1;
  const errorAtEnd = syntaxError !== null && errorStart >= value.length;
  return (
    <pre ref={ref} aria-hidden="true" className={`${SHARED} pointer-events-none absolute inset-0 overflow-hidden`}>
      {tokens.map((token) => {
        const marked = token.offset < errorEnd && token.offset + token.text.length > errorStart;
        const className = `${TOKEN_CLASSES[token.kind]} ${marked ? ERROR_MARK : ""}`.trim();
        return className ? (
          <span key={token.offset} className={className}>
            {token.text}
          </span>
        ) : (
          token.text
        );
      })}
      {errorAtEnd && <span className={ERROR_MARK}> </span>}
      {/* A trailing newline in the textarea still occupies a line. */}
      {"\n"}
    </pre>
  );
}
