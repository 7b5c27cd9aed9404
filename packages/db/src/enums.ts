/**
 * The schema's enums as non-empty arrays (for `z.enum(...)` in the API) and types. SQLite stores them
 * as text; the Prisma client validates the values.
 */
import {
  ChangeAction,
  ChangeRequestStatus,
  ContactKind,
  DeploymentStatus,
  DesiredState,
  HealthState,
  IncidentState,
  JobStatus,
  NotificationChannel,
  NotificationStatus,
  ReviewDecision,
  Role,
} from "./generated/prisma/enums";

export type {
  ChangeAction,
  ChangeRequestStatus,
  ContactKind,
  DeploymentStatus,
  DesiredState,
  HealthState,
  IncidentState,
  JobStatus,
  NotificationChannel,
  NotificationStatus,
  ReviewDecision,
  Role,
};

function values<T extends Record<string, string>>(e: T): [T[keyof T], ...T[keyof T][]] {
  return Object.values(e) as [T[keyof T], ...T[keyof T][]];
}

export const ROLES = values(Role);
export const DESIRED_STATES = values(DesiredState);
export const CONTACT_KINDS = values(ContactKind);
export const CHANGE_REQUEST_STATUSES = values(ChangeRequestStatus);
export const CHANGE_ACTIONS = values(ChangeAction);
export const REVIEW_DECISIONS = values(ReviewDecision);
export const DEPLOYMENT_STATUSES = values(DeploymentStatus);
export const JOB_STATUSES = values(JobStatus);
export const HEALTH_STATES = values(HealthState);
export const INCIDENT_STATES = values(IncidentState);
export const NOTIFICATION_CHANNELS = values(NotificationChannel);
export const NOTIFICATION_STATUSES = values(NotificationStatus);
