"use client";

/**
 * A JSON editor without an editor framework: a plain <textarea> (native undo, selection, IME,
 * screen readers) over a highlighted <pre> that mirrors its text, plus a line-number gutter.
 * Chosen over CodeMirror to keep the bundle small and the control a real form field.
 */
import { applyEdits, format } from "jsonc-parser";
import { useId, useMemo, useRef, type KeyboardEvent, type ReactNode } from "react";
import { Button } from "./button";
import { JsonGutter, JsonHighlight, SHARED } from "./json-editor-layers";
import { findJsonSyntaxError } from "./json-syntax";

export type JsonEditorProps = {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  /** Called on Ctrl/Cmd+Enter; without it the surrounding form is submitted. */
  onSubmit?: () => void;
  description?: ReactNode;
  /** An error from elsewhere (e.g. the cluster's validator), shown under the syntax error. */
  error?: string | null;
  rows?: number;
  readOnly?: boolean;
  name?: string;
};

/** Edits a JSON document with highlighting, line numbers, inline syntax errors and keyboard submit. */
export function JsonEditor({
  label,
  value,
  onChange,
  onSubmit,
  description,
  error,
  rows = 16,
  readOnly = false,
  name,
}: JsonEditorProps) {
  const id = useId();
  const gutterRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLPreElement>(null);
  const syntaxError = useMemo(() => findJsonSyntaxError(value), [value]);
  const lineCount = value.split("\n").length;

  const descriptionId = description ? `${id}-description` : undefined;
  const syntaxErrorId = `${id}-syntax`;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [descriptionId, syntaxErrorId, errorId].filter(Boolean).join(" ");

  function syncScroll(textarea: HTMLTextAreaElement) {
    if (overlayRef.current) {
      overlayRef.current.scrollTop = textarea.scrollTop;
      overlayRef.current.scrollLeft = textarea.scrollLeft;
    }
    if (gutterRef.current) gutterRef.current.scrollTop = textarea.scrollTop;
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (onSubmit) onSubmit();
      else event.currentTarget.form?.requestSubmit();
    }
  }

  function formatDocument() {
    const edits = format(value, undefined, { tabSize: 2, insertSpaces: true, eol: "\n" });
    onChange(applyEdits(value, edits));
  }

  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-end justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium">
          {label}
        </label>
        {!readOnly && (
          <Button onClick={formatDocument} disabled={syntaxError !== null} className="px-2 py-0.5 text-xs">
            Format
          </Button>
        )}
      </div>
      {description && (
        <p id={descriptionId} className="text-xs text-zinc-600 dark:text-zinc-400">
          {description}
        </p>
      )}
      <div
        className={`flex overflow-hidden rounded-md border bg-white focus-within:outline-2 focus-within:outline-offset-1 focus-within:outline-blue-600 dark:bg-zinc-950 dark:focus-within:outline-blue-400 ${
          syntaxError || error ? "border-red-600 dark:border-red-400" : "border-zinc-300 dark:border-zinc-600"
        }`}
      >
        <JsonGutter ref={gutterRef} lineCount={lineCount} errorLine={syntaxError?.line} />
        <div className="relative min-w-0 flex-1">
          <JsonHighlight ref={overlayRef} value={value} syntaxError={syntaxError} />
          <textarea
            id={id}
            name={name}
            value={value}
            rows={rows}
            readOnly={readOnly}
            wrap="off"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            autoCorrect="off"
            aria-invalid={syntaxError || error ? true : undefined}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.target.value)}
            onScroll={(event) => syncScroll(event.currentTarget)}
            onKeyDown={handleKeyDown}
            className={`${SHARED} relative block w-full resize-y overflow-auto bg-transparent text-transparent caret-zinc-900 outline-none selection:bg-blue-300/50 dark:caret-zinc-100`}
          />
        </div>
      </div>
      <p id={syntaxErrorId} aria-live="polite" className="min-h-5 text-sm text-red-700 dark:text-red-400">
        {syntaxError && `Line ${syntaxError.line}, column ${syntaxError.column}: ${syntaxError.message}`}
      </p>
      {error && (
        <p id={errorId} className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Enter</kbd> submits. Tab moves to the next field.
      </p>
    </div>
  );
}
