"use client";

import { Button } from "./button";
import { fieldKind, keepsStoredSecret, redactedHelp, typedSecretValue, type ConfigRow } from "./config-fields";
import { inputClasses } from "./field";

type ConfigRowInputProps = {
  row: ConfigRow;
  index: number;
  /** Keys to draw as secrets besides the engine's key patterns. */
  secretKeys: readonly string[];
  /** The cluster validator's errors for this row's key. */
  rowErrors: string[];
  groupId: string;
  onChange: (row: ConfigRow) => void;
  onRemove: () => void;
};

/** One key/value row of the config form: a secret as a password field, a redacted value with its help, the validator's errors. */
export function ConfigRowInput({ row, index, secretKeys, rowErrors, groupId, onChange, onRemove }: ConfigRowInputProps) {
  const kind = fieldKind(row, secretKeys);
  const secret = kind === "secret";
  const keepsStored = secret && keepsStoredSecret(row);
  const errorId = `${groupId}-${row.id}-error`;
  const helpId = `${groupId}-${row.id}-help`;
  const describedBy = [kind === "redacted" ? helpId : null, rowErrors.length > 0 ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)_auto] items-start gap-2">
      <input
        aria-label={`Key ${index + 1}`}
        value={row.key}
        placeholder="key, e.g. topics"
        spellCheck={false}
        onChange={(e) => onChange({ ...row, key: e.target.value })}
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
            onChange({ ...row, value: next });
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
      <Button aria-label={`Remove ${row.key || `key ${index + 1}`}`} onClick={onRemove} className="px-2">
        <span aria-hidden="true">✕</span>
      </Button>
    </div>
  );
}
