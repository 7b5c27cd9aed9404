"use client";

import { useId, type InputHTMLAttributes, type ReactNode } from "react";

/** The ids a control needs so its label, description and error are announced with it. */
export type FieldControlProps = {
  id: string;
  "aria-describedby": string | undefined;
  "aria-invalid": true | undefined;
};

export type FieldShellProps = {
  label: ReactNode;
  description?: ReactNode;
  /** Shown under the control and announced; the control is marked invalid while set. */
  error?: string | null;
  /** Shows "(optional)" after the label. */
  optional?: boolean;
  children: (control: FieldControlProps) => ReactNode;
};

/** Label, description and inline error around any control (select, textarea, JsonEditor…). */
export function FieldShell({ label, description, error, optional, children }: FieldShellProps) {
  const id = useId();
  const descriptionId = description ? `${id}-description` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [descriptionId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
        {optional && <span className="font-normal text-zinc-500 dark:text-zinc-400"> (optional)</span>}
      </label>
      {description && (
        <p id={descriptionId} className="text-xs text-zinc-600 dark:text-zinc-400">
          {description}
        </p>
      )}
      {children({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}
      {error && (
        <p id={errorId} className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

export const inputClasses =
  "w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm text-zinc-900 " +
  "placeholder:text-zinc-400 aria-invalid:border-red-600 " +
  "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600 " +
  "dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100 dark:aria-invalid:border-red-400 dark:focus-visible:outline-blue-400";

export type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & Omit<FieldShellProps, "children">;

/** A labelled text input with an optional description and inline error. */
export function Field({ label, description, error, optional, className, ...input }: FieldProps) {
  return (
    <FieldShell label={label} description={description} error={error} optional={optional}>
      {(control) => (
        <input {...input} {...control} className={className ? `${inputClasses} ${className}` : inputClasses} />
      )}
    </FieldShell>
  );
}

export type SelectFieldProps = Omit<FieldShellProps, "children"> & {
  value: string;
  onChange: (value: string) => void;
  /** The empty first choice, e.g. "Pick a team…". */
  placeholder: string;
  options: ReadonlyArray<{ id: string; name: string }>;
  required?: boolean;
};

/** A labelled <select> of named things (clusters, teams) with an empty first choice. */
export function SelectField({ value, onChange, placeholder, options, required, ...shell }: SelectFieldProps) {
  return (
    <FieldShell {...shell}>
      {(control) => (
        <select {...control} value={value} onChange={(e) => onChange(e.target.value)} className={inputClasses} required={required}>
          <option value="">{placeholder}</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}
