"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { ErrorMessage } from "../../../components/error-message";
import { Field } from "../../../components/field";
import { useTRPC } from "../../../trpc/react";
import { ROLES, roleSelectClasses, type Role } from "./user-roles";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The new-user form: email, name, role and an initial password. */
export function CreateUser({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [password, setPassword] = useState("");
  const roleId = useId();
  const create = useMutation(trpc.user.create.mutationOptions({ onSuccess: async () => { await queryClient.invalidateQueries({ queryKey: trpc.user.list.queryKey() }); onDone(); } }));
  const errors = {
    email: email !== "" && !EMAIL.test(email.trim()) ? "Enter a valid email address." : null,
    password: password !== "" && password.length < 8 ? "At least 8 characters." : null,
  };
  const ready = EMAIL.test(email.trim()) && name.trim() !== "" && password.length >= 8;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) create.mutate({ email: email.trim(), name: name.trim(), role, password });
  };
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-950">
      <h2 className="text-base font-semibold">New user</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} required />
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} required />
        <div className="flex flex-col gap-1">
          <label htmlFor={roleId} className="text-sm font-medium">
            Role
          </label>
          <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as Role)} className={`${roleSelectClasses} py-1.5`}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <Field label="Initial password" description="At least 8 characters; users signing in through single sign-on do not need it" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} required />
      </div>
      <ErrorMessage error={create.error} />
      <div className="flex gap-2">
        <Button type="submit" variant="primary" loading={create.isPending} disabled={!ready}>
          Create user
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}
