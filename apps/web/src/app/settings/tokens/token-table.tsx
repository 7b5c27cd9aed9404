"use client";

import { Button } from "../../../components/button";
import { DataTable, DataTableHead } from "../../../components/data-table";
import { RelativeTime } from "../../../components/relative-time";
import { statusOf, type TokenRow } from "./token-rows";

/** A table of tokens, with a Revoke button on each active one. */
export function TokenTable({ caption, tokens, teamNames, showUser, onRevoke }: { caption: string; tokens: TokenRow[]; teamNames: Map<string, string>; showUser: boolean; onRevoke: (t: TokenRow) => void }) {
  return (
    <DataTable caption={caption}>
      <DataTableHead>
        <tr>
          <th scope="col">Name</th>
          {showUser && <th scope="col">User</th>}
          <th scope="col">Token</th>
          <th scope="col">Role</th>
          <th scope="col">Teams</th>
          <th scope="col">Expires</th>
          <th scope="col">Last used</th>
          <th scope="col">Status</th>
        </tr>
      </DataTableHead>
      <tbody>
        {tokens.map((t) => {
          const status = statusOf(t);
          return (
            <tr key={t.id} className={status === "active" ? "" : "text-zinc-500"}>
              <th scope="row" className="font-medium">
                {t.name}
              </th>
              {showUser && <td>{t.user.email}</td>}
              <td>
                <code className="font-mono text-xs">{t.prefix}_…</code>
              </td>
              <td>{t.role}</td>
              <td>{t.teamIds.length === 0 ? "all of the user's" : t.teamIds.map((id) => teamNames.get(id) ?? id).join(", ")}</td>
              <td>
                <RelativeTime value={t.expiresAt} />
              </td>
              <td>{t.lastUsedAt ? <RelativeTime value={t.lastUsedAt} /> : "never"}</td>
              <td>
                <span className="mr-2 text-xs">{status === "active" ? "Active" : status === "revoked" ? "Revoked" : "Expired"}</span>
                {status === "active" && (
                  <Button className="px-2 py-0.5 text-xs" variant="danger" onClick={() => onRevoke(t)}>
                    Revoke<span className="sr-only"> {t.name}</span>
                  </Button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </DataTable>
  );
}
