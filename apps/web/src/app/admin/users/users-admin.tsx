"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Button } from "../../../components/button";
import { DataTable, DataTableHead } from "../../../components/data-table";
import { ErrorMessage } from "../../../components/error-message";
import { Field } from "../../../components/field";
import { RelativeTime } from "../../../components/relative-time";
import { useTRPC } from "../../../trpc/react";

const ROLES = ["viewer", "owner", "approver", "admin"] as const;
type Role = (typeof ROLES)[number];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const selectClasses = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm disabled:opacity-60 dark:border-zinc-600 dark:bg-zinc-900";

function CreateUser({ onDone }: { onDone: () => void }) {
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
          <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as Role)} className={`${selectClasses} py-1.5`}>
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

/** Users: create, change role, disable or enable. Admins cannot demote or disable themselves (the API refuses too). */
export function UsersAdmin({ meId }: { meId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.user.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const update = useMutation(trpc.user.update.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.user.list.queryKey() }) }));
  const busy = (id: string) => update.isPending && update.variables?.id === id;

  return (
    <section aria-labelledby="users-title" className="flex flex-col gap-4">
      <div className="flex items-center justify-between">
        <h1 id="users-title" className="text-xl font-semibold">
          Users
        </h1>
        {!creating && (
          <Button variant="primary" onClick={() => setCreating(true)}>
            New user
          </Button>
        )}
      </div>
      {creating && <CreateUser onDone={() => setCreating(false)} />}
      <ErrorMessage error={users.error ?? update.error} />
      {!users.data ? (
        !users.error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading users…</p>
      ) : (
        <DataTable caption="Users">
          <DataTableHead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
            </tr>
          </DataTableHead>
          <tbody>
            {users.data.map((u) => {
              const self = u.id === meId;
              return (
                <tr key={u.id} className={u.disabled ? "text-zinc-500" : ""}>
                  <th scope="row" className="font-medium">
                    {u.name} {self && <span className="text-xs font-normal text-zinc-500">(you)</span>}
                  </th>
                  <td>{u.email}</td>
                  <td>
                    <label className="sr-only" htmlFor={`role-${u.id}`}>
                      Role of {u.name}
                    </label>
                    <select
                      id={`role-${u.id}`}
                      value={u.role}
                      disabled={self || busy(u.id)}
                      title={self ? "You cannot change your own role; ask another admin." : undefined}
                      onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}
                      className={selectClasses}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <span className="mr-2 text-xs">{u.disabled ? "Disabled" : "Active"}</span>
                    {!self && (
                      <Button className="px-2 py-0.5 text-xs" variant={u.disabled ? "secondary" : "danger"} loading={busy(u.id)} onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })}>
                        {u.disabled ? "Enable" : "Disable"}
                        <span className="sr-only"> {u.name}</span>
                      </Button>
                    )}
                  </td>
                  <td>
                    <RelativeTime value={u.createdAt} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </DataTable>
      )}
    </section>
  );
}
