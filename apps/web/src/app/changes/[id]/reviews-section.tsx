"use client";

import { useId } from "react";
import { Button } from "../../../components/button";
import { inputClasses } from "../../../components/field";
import { RelativeTime } from "../../../components/relative-time";
import type { RouterOutputs } from "../../../trpc/types";
import { reviewStanding } from "./change-request-display";
import type { ChangeRequestActions } from "./use-change-request-actions";

type Detail = RouterOutputs["changeRequest"]["byId"];

const DECISION: Record<string, { label: string; className: string }> = {
  approve: { label: "approved", className: "bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-200" },
  reject: { label: "requested changes (rejected)", className: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200" },
  comment: { label: "commented", className: "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200" },
};

/** The reviews so far, whether each counts toward approval, and the form to add one. */
export function ReviewsSection({ cr, actions }: { cr: Detail; actions: ChangeRequestActions }) {
  const { comment, setComment, commentError, sendReview, sending } = actions;
  const p = cr.permissions;
  const writerIds = cr.writers.map((w) => w.id);
  const commentId = useId();
  return (
    <section aria-labelledby="reviews-title" className="flex flex-col gap-3">
      <h2 id="reviews-title" className="text-base font-semibold">
        Reviews
      </h2>
      {cr.reviews.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No reviews yet.</p>
      ) : (
        <ol aria-label="Reviews" className="flex flex-col gap-2">
          {cr.reviews.map((r) => {
            const standing = reviewStanding(r, writerIds);
            return (
              <li key={r.id} className={`rounded-lg border border-zinc-200 bg-white px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900 ${r.dismissed ? "opacity-70" : ""}`}>
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{r.reviewer.name}</span>
                  <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${DECISION[r.decision]?.className ?? ""}`}>{DECISION[r.decision]?.label ?? r.decision}</span>
                  <span className="text-xs text-zinc-600 dark:text-zinc-400">
                    revision {r.revision} · <RelativeTime value={r.createdAt} />
                  </span>
                  {standing && (
                    <span className={`rounded border px-1.5 py-0.5 text-xs ${standing.counts ? "border-green-700/40 text-green-900 dark:text-green-200" : "border-dashed border-zinc-400"}`}>
                      {standing.counts && <span aria-hidden="true">✓ </span>}
                      {standing.text}
                    </span>
                  )}
                </p>
                {r.comment && <p className="mt-1 whitespace-pre-wrap">{r.comment}</p>}
              </li>
            );
          })}
        </ol>
      )}
      {p.canComment.allowed && (
        <div className="flex flex-col gap-2">
          <label htmlFor={commentId} className="text-sm font-medium">
            Add a review comment
          </label>
          <textarea
            id={commentId}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                sendReview("comment");
              }
            }}
            rows={3}
            aria-invalid={commentError ? true : undefined}
            aria-describedby={commentError ? `${commentId}-error` : undefined}
            className={inputClasses}
          />
          {commentError && (
            <p id={`${commentId}-error`} className="text-sm text-red-700 dark:text-red-400">
              {commentError}
            </p>
          )}
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => sendReview("comment")} loading={sending("comment")}>
              Comment
            </Button>
            {p.canApprove.allowed && (
              <Button onClick={() => sendReview("approve")} loading={sending("approve")}>
                Approve{comment.trim() ? " with comment" : ""}
              </Button>
            )}
            {p.canReject.allowed && (
              <Button variant="danger" onClick={() => sendReview("reject")} loading={sending("reject")}>
                Reject
              </Button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
