"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "../../components/button";
import { ErrorMessage } from "../../components/error-message";
import { useTRPC } from "../../trpc/react";

/** Downloads the cluster's stored definitions as a canonical state file (secrets masked). */
export function ExportStateButton({ clusterId, clusterName }: { clusterId: string; clusterName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function download() {
    setBusy(true);
    setError(null);
    try {
      const file = await queryClient.fetchQuery({ ...trpc.changeRequest.exportStateFile.queryOptions({ clusterId }), staleTime: 0 });
      const url = URL.createObjectURL(new Blob([file.text], { type: "application/json" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = file.fileName;
      link.click();
      URL.revokeObjectURL(url);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="inline-flex flex-col gap-1">
      <Button onClick={() => void download()} loading={busy} title="Secret values are written as (sensitive); importing the file keeps the stored secrets.">
        Export {clusterName} state file
      </Button>
      {error !== null && <ErrorMessage error={error} />}
    </span>
  );
}
