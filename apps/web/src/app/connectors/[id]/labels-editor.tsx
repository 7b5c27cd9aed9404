"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { inputClasses } from "../../../components/field";
import { LabelChips } from "../../../components/label-chips";
import { useTRPC } from "../../../trpc/react";
import { normaliseLabel } from "../../board-params";

/**
 * The connector's labels (`key` or `key=value`), editable by those who may act for its team. Labels
 * live only in Switchboard, so saving them is immediate: no change request, nothing on the cluster.
 */
export function LabelsEditor({ connectorId, labels: saved, canEdit }: { connectorId: string; labels: string[]; canEdit: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const [labels, setLabels] = useState(saved);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const save = useMutation(trpc.connector.setLabels.mutationOptions({ onSuccess: (r) => { setLabels(r.labels); router.refresh(); } }));
  const boardLink = (label: string) => `/?label=${encodeURIComponent(label)}`;

  if (!canEdit) {
    return labels.length === 0 ? (
      <p className="text-sm text-zinc-600 dark:text-zinc-400">No labels.</p>
    ) : (
      <ul className="flex flex-wrap gap-2 text-sm">
        {labels.map((l) => (
          <li key={l}>
            <Link href={boardLink(l)} className="font-mono text-blue-800 underline dark:text-blue-300">
              {l}
            </Link>
          </li>
        ))}
      </ul>
    );
  }

  const add = () => {
    if (text.trim() === "") return;
    const label = normaliseLabel(text);
    if (!label) return setError('Write key or key=value: letters, digits, "." and "-".');
    const key = label.split("=")[0];
    setError(null);
    setText("");
    // One value per key: a new value replaces the old one.
    setLabels([...labels.filter((l) => l.split("=")[0] !== key), label].sort());
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ id: connectorId, labels });
  };
  const dirty = JSON.stringify(labels) !== JSON.stringify(saved);

  return (
    <form onSubmit={onSubmit} className="flex max-w-xl flex-col gap-2" noValidate>
      <LabelChips labels={labels} onRemove={(label) => setLabels(labels.filter((l) => l !== label))} />
      <div className="flex items-end gap-2">
        <div className="flex flex-col gap-1">
          <label htmlFor={id} className="text-sm font-medium">
            Add a label <span className="font-normal text-zinc-500 dark:text-zinc-400">(key or key=value, Enter)</span>
          </label>
          <input
            id={id}
            value={text}
            placeholder="e.g. env=prod"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                add();
              }
            }}
            aria-invalid={error ? true : undefined}
            className={`${inputClasses} w-56`}
          />
        </div>
        <Button onClick={add}>Add</Button>
        <Button type="submit" variant="primary" loading={save.isPending} disabled={!dirty}>
          Save labels
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <ErrorMessage error={save.error} />
    </form>
  );
}
