export type ChangeStatus =
  | "draft"
  | "in_review"
  | "approved"
  | "rejected"
  | "deploying"
  | "deployed"
  | "failed"
  | "cancelled";

const STYLES: Record<ChangeStatus, { label: string; className: string }> = {
  draft: { label: "Draft", className: "bg-zinc-100 text-zinc-800 border-zinc-500/40 dark:bg-zinc-800 dark:text-zinc-200" },
  in_review: {
    label: "In review",
    className: "bg-amber-100 text-amber-900 border-amber-700/40 dark:bg-amber-950 dark:text-amber-200",
  },
  approved: {
    label: "Approved",
    className: "bg-green-100 text-green-900 border-green-700/40 dark:bg-green-950 dark:text-green-200",
  },
  rejected: { label: "Rejected", className: "bg-red-100 text-red-900 border-red-700/40 dark:bg-red-950 dark:text-red-200" },
  deploying: {
    label: "Deploying",
    className: "bg-blue-100 text-blue-900 border-blue-700/40 dark:bg-blue-950 dark:text-blue-200",
  },
  deployed: {
    label: "Deployed",
    className: "bg-emerald-100 text-emerald-900 border-emerald-700/40 dark:bg-emerald-950 dark:text-emerald-200",
  },
  failed: { label: "Failed", className: "bg-red-100 text-red-900 border-red-700/40 dark:bg-red-950 dark:text-red-200" },
  cancelled: {
    label: "Cancelled",
    className: "border-dashed bg-white text-zinc-700 border-zinc-500 dark:bg-zinc-900 dark:text-zinc-300",
  },
};

/** The status of a change request, as a word on a coloured pill (like a pull request's state). */
export function ChangeStatusBadge({ status }: { status: ChangeStatus }) {
  const style = STYLES[status];
  return (
    <span
      className={`inline-flex items-center rounded-full border px-2 py-0.5 text-xs font-medium whitespace-nowrap ${style.className}`}
    >
      {style.label}
    </span>
  );
}
