export { ROLES, type Role } from "../../../components/roles";

/** The look of a role select, in the new-user form and in each user's row. */
export const roleSelectClasses = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm disabled:opacity-60 dark:border-zinc-600 dark:bg-zinc-900";
