"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "../../../components/button";
import { DataTable, DataTableHead } from "../../../components/data-table";
import { ErrorMessage } from "../../../components/error-message";
import { RelativeTime } from "../../../components/relative-time";
import { useTRPC } from "../../../trpc/react";
import { CreateUser } from "./create-user-form";
import { ROLES, roleSelectClasses, type Role } from "./user-roles";

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
                      className={roleSelectClasses}
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
