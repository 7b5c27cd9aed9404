"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../../trpc/react";

export type ReviewDecision = "approve" | "reject" | "comment";
export type ConfirmKind = "deploy" | "retry" | "cancel";

/**
 * The change request page's actions and the state they share: the review comment (the sidebar's
 * Approve sends it too) and which confirmation dialog is open. Every action refetches the change
 * request's queries when it succeeds.
 */
export function useChangeRequestActions(id: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState("");
  const [commentError, setCommentError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<null | ConfirmKind>(null);

  const refreshAll = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.changeRequest.pathKey() });
  };
  const closeAndRefresh = async () => {
    setConfirm(null);
    await refreshAll();
  };
  const submit = useMutation(trpc.changeRequest.submit.mutationOptions({ onSuccess: refreshAll }));
  const review = useMutation(trpc.changeRequest.review.mutationOptions({ onSuccess: async () => { setComment(""); await refreshAll(); } }));
  const deploy = useMutation(trpc.changeRequest.deploy.mutationOptions({ onSuccess: closeAndRefresh }));
  const retry = useMutation(trpc.changeRequest.retryDeploy.mutationOptions({ onSuccess: closeAndRefresh }));
  const cancel = useMutation(trpc.changeRequest.cancel.mutationOptions({ onSuccess: closeAndRefresh }));
  const refresh = useMutation(trpc.changeRequest.refresh.mutationOptions({ onSuccess: refreshAll }));
  const lastError = submit.error ?? review.error ?? deploy.error ?? retry.error ?? cancel.error ?? refresh.error;

  function sendReview(decision: ReviewDecision) {
    if (decision !== "approve" && comment.trim() === "") {
      setCommentError(decision === "reject" ? "Say why you reject it: the author needs to know what to change." : "Write a comment first.");
      return;
    }
    setCommentError(null);
    review.mutate({ id, decision, comment });
  }
  /** Whether `decision` is the review being sent. */
  const sending = (decision: ReviewDecision) => review.isPending && review.variables?.decision === decision;

  return { comment, setComment, commentError, confirm, setConfirm, submit, review, deploy, retry, cancel, refresh, lastError, sendReview, sending };
}

export type ChangeRequestActions = ReturnType<typeof useChangeRequestActions>;
