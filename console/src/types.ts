/**
 * The API's shapes, inferred from the very zod schemas the API checks requests with and shapes its
 * answers with, the ones its OpenAPI document is generated from (type-only: nothing of the service
 * is bundled into the page), so the console and the API cannot drift apart.
 */
import type { z } from 'zod';
import type {
  companyChangesSchema,
  contactChangesSchema,
  newCompanySchema,
  newContactSchema,
} from '../../lambdas/http/contact-schemas.js';
import type {
  CompanyBody,
  ContactBody,
  PageBody,
  ReconcileRunBody,
  SyncFailureBody,
  SyncProgressBody,
  SyncStateBody,
  UserSyncViewBody,
} from '../../lambdas/http/response-schemas.js';
import type { userSyncRequestSchema } from '../../lambdas/http/user-sync-schemas.js';

export type Contact = ContactBody;
export type Company = CompanyBody;
export type Page<T> = PageBody<T>;
export type SyncState = SyncStateBody;
export type SyncFailure = SyncFailureBody;
export type SkippedBy = SyncProgressBody['skippedBy'];
/** `updated` and `unlinked` come with a reconcile's progress only. */
export type SyncProgress = SyncProgressBody;
export type ReconcileRun = ReconcileRunBody;
export type UserSyncView = UserSyncViewBody;

/** Request bodies, as callers send them. */
export type NewContact = z.input<typeof newContactSchema>;
export type ContactChanges = z.input<typeof contactChangesSchema>;
export type NewCompany = z.input<typeof newCompanySchema>;
export type CompanyChanges = z.input<typeof companyChangesSchema>;
export type UserSyncRequest = z.input<typeof userSyncRequestSchema>;
