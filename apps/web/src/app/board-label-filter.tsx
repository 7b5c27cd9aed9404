"use client";

import { useId, useState } from "react";
import { inputClasses } from "../components/field";
import { LabelChips } from "../components/label-chips";
import { MAX_LABEL_FILTERS, normaliseLabel } from "./board-params";

/** Label filters: type `key` or `key=value` and press Enter; every filter must match. */
export function BoardLabelFilter({ labels, onChange }: { labels: string[]; onChange: (labels: string[] | undefined) => void }) {
  const id = useId();
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const add = () => {
    const label = normaliseLabel(text);
    if (!label) return setError('Write key or key=value (letters, digits, "." and "-").');
    if (labels.length >= MAX_LABEL_FILTERS) return setError(`At most ${MAX_LABEL_FILTERS} label filters.`);
    setError(null);
    setText("");
    if (!labels.includes(label)) onChange([...labels, label]);
  };
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        Label <span className="font-normal text-zinc-500 dark:text-zinc-400">(key or key=value, Enter)</span>
      </label>
      <input
        id={id}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            add();
          }
        }}
        placeholder="e.g. env=prod"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`${inputClasses} w-44`}
      />
      {error && (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <LabelChips labels={labels} onRemove={(label) => onChange(labels.filter((l) => l !== label).length > 0 ? labels.filter((l) => l !== label) : undefined)} />
    </div>
  );
}
