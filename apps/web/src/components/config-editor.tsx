"use client";

import { useId, useState } from "react";
import { Button } from "./button";
import { inputClasses } from "./field";
import { configToRows, fieldKind, keepsStoredSecret, parseConfigJson, redactedHelp, rowsToConfig, typedSecretValue, type ConfigRow } from "./config-fields";
import { JsonEditor } from "./json-editor";

let nextRowId = 1;
const newRowId = () => nextRowId++;

export type ConfigEditorProps = {
  label: string;
  value: Record<string, string>;
  onChange: (config: Record<string, string>) => void;
  /** The cluster validator's errors by key. */
  errors?: Record<string, string[]>;
  /** Keys to draw as secrets besides the engine's key patterns: keys stored as secret, the validator's PASSWORD keys. */
  secretKeys?: readonly string[];
};

/**
 * A connector config as a key/value form or as JSON (toggle; the text survives switching back as long
 * as it parses). Errors from the cluster's validator are shown at their keys. A stored secret comes
 * as "(sensitive)" and is drawn as an empty "unchanged" password field; a value whose credentials
 * the API hid (`jdbc:postgresql://app:(sensitive)@db/x`) is shown as is. Both are sent back
 * unchanged unless edited, which keeps what is stored.
 */
export function ConfigEditor({ label, value, onChange, errors = {}, secretKeys = [] }: ConfigEditorProps) {
  const [mode, setMode] = useState<"form" | "json">("form");
  const [rows, setRows] = useState<ConfigRow[]>(() => configToRows(value, newRowId));
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const groupId = useId();

  function updateRows(next: ConfigRow[]) {
    setRows(next);
    onChange(rowsToConfig(next));
  }

  function switchTo(next: "form" | "json") {
    if (next === mode) return;
    if (next === "json") {
      setText(JSON.stringify(rowsToConfig(rows), null, 2));
      setJsonError(null);
      setMode("json");
      return;
    }
    const parsed = parseConfigJson(text);
    if (!parsed.ok) {
      setJsonError(`Fix the JSON before switching to the form: ${parsed.error}`);
      return;
    }
    setRows(configToRows(parsed.config, newRowId));
    setMode("form");
  }

  function changeText(next: string) {
    setText(next);
    const parsed = parseConfigJson(next);
    setJsonError(parsed.ok ? null : parsed.error);
    if (parsed.ok) onChange(parsed.config);
  }

  const unplaced = Object.entries(errors).filter(([key]) => !rows.some((r) => r.key.trim() === key));

  return (
    <fieldset className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <legend className="text-sm font-medium">{label}</legend>
        <div role="group" aria-label={`${label}: editor`} className="inline-flex overflow-hidden rounded-md border border-zinc-300 text-xs dark:border-zinc-600">
          {(["form", "json"] as const).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={mode === m}
              onClick={() => switchTo(m)}
              className={`px-2.5 py-1 focus-visible:outline-2 focus-visible:outline-blue-600 ${mode === m ? "bg-zinc-800 text-white dark:bg-zinc-200 dark:text-zinc-900" : "bg-white hover:bg-zinc-100 dark:bg-zinc-900 dark:hover:bg-zinc-800"}`}
            >
              {m === "form" ? "Form" : "JSON"}
            </button>
          ))}
        </div>
      </div>

      {mode === "json" ? (
        <JsonEditor label={`${label} (JSON)`} value={text} onChange={changeText} error={jsonError} rows={Math.min(Math.max(text.split("\n").length + 1, 8), 24)} />
      ) : (
        <div className="flex flex-col gap-2">
          {rows.length === 0 && <p className="text-sm text-zinc-600 dark:text-zinc-400">No keys yet. Add one below, or switch to JSON to paste a config.</p>}
          {rows.map((row, index) => {
            const kind = fieldKind(row, secretKeys);
            const secret = kind === "secret";
            const keepsStored = secret && keepsStoredSecret(row);
            const rowErrors = errors[row.key.trim()] ?? [];
            const errorId = `${groupId}-${row.id}-error`;
            const helpId = `${groupId}-${row.id}-help`;
            const describedBy = [kind === "redacted" ? helpId : null, rowErrors.length > 0 ? errorId : null].filter(Boolean).join(" ") || undefined;
            return (
              <div key={row.id} className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)_auto] items-start gap-2">
                <input
                  aria-label={`Key ${index + 1}`}
                  value={row.key}
                  placeholder="key, e.g. topics"
                  spellCheck={false}
                  onChange={(e) => updateRows(rows.map((r) => (r.id === row.id ? { ...r, key: e.target.value } : r)))}
                  className={`${inputClasses} font-mono`}
                />
                <div className="flex flex-col gap-1">
                  <input
                    aria-label={`Value of ${row.key || `key ${index + 1}`}`}
                    type={secret ? "password" : "text"}
                    autoComplete={secret ? "new-password" : "off"}
                    spellCheck={false}
                    value={keepsStored ? "" : row.value}
                    placeholder={keepsStored ? "unchanged (type to replace)" : secret ? "secret value or ${provider:path:key}" : ""}
                    aria-invalid={rowErrors.length > 0 || undefined}
                    aria-describedby={describedBy}
                    onChange={(e) => {
                      const next = secret ? typedSecretValue(row, e.target.value) : e.target.value;
                      updateRows(rows.map((r) => (r.id === row.id ? { ...r, value: next } : r)));
                    }}
                    className={`${inputClasses} font-mono`}
                  />
                  {kind === "redacted" && (
                    <p id={helpId} className="text-xs text-zinc-600 dark:text-zinc-400">
                      {redactedHelp(row)}
                    </p>
                  )}
                  {rowErrors.length > 0 && (
                    <p id={errorId} className="text-xs text-red-700 dark:text-red-400">
                      {rowErrors.join(" ")}
                    </p>
                  )}
                </div>
                <Button aria-label={`Remove ${row.key || `key ${index + 1}`}`} onClick={() => updateRows(rows.filter((r) => r.id !== row.id))} className="px-2">
                  <span aria-hidden="true">✕</span>
                </Button>
              </div>
            );
          })}
          <div>
            <Button onClick={() => setRows([...rows, { id: newRowId(), key: "", value: "", stored: null }])}>Add key</Button>
          </div>
        </div>
      )}

      {unplaced.length > 0 && (
        <ul className="list-disc pl-5 text-sm text-red-700 dark:text-red-400" aria-label="Validator errors">
          {unplaced.map(([key, messages]) => (
            <li key={key}>
              <code>{key}</code>: {messages.join(" ")}
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
