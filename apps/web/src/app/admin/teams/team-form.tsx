"use client";

import { useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { Field } from "../../../components/field";

const TEAM_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/;

/** A team's name and description, checked as typed; used to create and to edit. */
export function TeamForm({ initial, onSubmit, pending, error, submitLabel, onCancel }: { initial: { name: string; description: string }; onSubmit: (v: { name: string; description: string }) => void; pending: boolean; error: unknown; submitLabel: string; onCancel?: () => void }) {
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const nameError = name !== "" && !TEAM_NAME.test(name.trim()) ? "Use letters, digits, space, dot, dash and underscore." : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === "" || nameError) return;
    onSubmit({ name: name.trim(), description: description.trim() });
  };
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} error={nameError} required />
        <Field label="Description" optional value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
      </div>
      <ErrorMessage error={error} />
      <div className="flex gap-2">
        <Button type="submit" variant="primary" loading={pending} disabled={name.trim() === "" || nameError !== null}>
          {submitLabel}
        </Button>
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
      </div>
    </form>
  );
}
