"use client";

import { useId, useState } from "react";
import { Button } from "./button";
import { inputClasses } from "./field";
import { JsonEditor } from "./json-editor";

/** What the API shows instead of a secret; sent back unchanged it means "keep the current secret". */
export const MASK = "(sensitive)";

// A hint for which inputs to draw as password fields; the server decides what is stored as a secret.
const SECRET_HINT = /pass(word|wd)|secret|token|credential|api[._-]?key|jaas\.config|user\.info|private[._-]?key/i;

export function looksSecret(key: string, secretKeys: readonly string[]): boolean {
  return secretKeys.includes(key) || (!key.endsWith(".class") && SECRET_HINT.test(key));
}

type Row = { id: number; key: string; value: string };

let nextRowId = 1;
const toRows = (config: Record<string, string>): Row[] => Object.entries(config).map(([key, value]) => ({ id: nextRowId++, key, value }));
const toConfig = (rows: Row[]): Record<string, string> => Object.fromEntries(rows.filter((r) => r.key.trim() !== "").map((r) => [r.key.trim(), r.value]));

/** Parses JSON text into a config map (string values; numbers and booleans turned into strings). */
export function parseConfigJson(text: string): { ok: true; config: Record<string, string> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : "Not valid JSON." };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: "The config must be a JSON object of keys and values." };
  const config: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return { ok: false, error: `"${key}" must be a string, number or boolean.` };
    config[key] = String(v);
  }
  return { ok: true, config };
}

export type ConfigEditorProps = {
  label: string;
  value: Record<string, string>;
  onChange: (config: Record<string, string>) => void;
  /** The cluster validator's errors by key. */
  errors?: Record<string, string[]>;
  /** Keys to draw as secrets (e.g. the validator's PASSWORD keys). */
  secretKeys?: readonly string[];
  /** Whether a "(sensitive)" value means "keep the stored secret". */
  hasStoredSecrets?: boolean;
};

/**
 * A connector config as a key/value form or as JSON (toggle; the text survives switching back as long
 * as it parses). Errors from the cluster's validator are shown at their keys.
 */
export function ConfigEditor({ label, value, onChange, errors = {}, secretKeys = [], hasStoredSecrets = false }: ConfigEditorProps) {
  const [mode, setMode] = useState<"form" | "json">("form");
  const [rows, setRows] = useState<Row[]>(() => toRows(value));
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const groupId = useId();

  function updateRows(next: Row[]) {
    setRows(next);
    onChange(toConfig(next));
  }

  function switchTo(next: "form" | "json") {
    if (next === mode) return;
    if (next === "json") {
      setText(JSON.stringify(toConfig(rows), null, 2));
      setJsonError(null);
      setMode("json");
      return;
    }
    const parsed = parseConfigJson(text);
    if (!parsed.ok) {
      setJsonError(`Fix the JSON before switching to the form: ${parsed.error}`);
      return;
    }
    setRows(toRows(parsed.config));
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
            const secret = looksSecret(row.key, secretKeys);
            const keepsStored = secret && hasStoredSecrets && row.value === MASK;
            const rowErrors = errors[row.key.trim()] ?? [];
            const errorId = `${groupId}-${row.id}-error`;
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
                    aria-describedby={rowErrors.length > 0 ? errorId : undefined}
                    onChange={(e) => {
                      const next = e.target.value === "" && hasStoredSecrets && secret && row.value === MASK ? MASK : e.target.value;
                      updateRows(rows.map((r) => (r.id === row.id ? { ...r, value: next } : r)));
                    }}
                    className={`${inputClasses} font-mono`}
                  />
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
            <Button onClick={() => setRows([...rows, { id: nextRowId++, key: "", value: "" }])}>Add key</Button>
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
