"use client";

import { useId, useState } from "react";
import { Button } from "./button";
import { configToRows, parseConfigJson, rowsToConfig, type ConfigRow } from "./config-fields";
import { ConfigRowInput } from "./config-row-input";
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
          {rows.map((row, index) => (
            <ConfigRowInput
              key={row.id}
              row={row}
              index={index}
              secretKeys={secretKeys}
              rowErrors={errors[row.key.trim()] ?? []}
              groupId={groupId}
              onChange={(next) => updateRows(rows.map((r) => (r.id === row.id ? next : r)))}
              onRemove={() => updateRows(rows.filter((r) => r.id !== row.id))}
            />
          ))}
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
