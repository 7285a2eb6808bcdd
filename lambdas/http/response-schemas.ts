import { z } from 'zod';
import { type ErrorCode, type ErrorStatus, errorCodesOf } from './error-body.js';

/**
 * What the API answers, as zod schemas: the OpenAPI document is generated from them, the console's
 * types are inferred from them, and the handlers' answers are typed by them (`response-bodies.ts`).
 * It imports no domain module, so the console's type check reads it alone. Strict objects, so the
 * document says exactly which fields an answer has, and a field nobody described fails the replay
 * test (`test/e2e/openapi.test.ts`).
 */

/** An ISO 8601 instant, as `Date.prototype.toISOString` writes it. */
const instant = z.iso.datetime();
const count = z.number().int().min(0);

export const jiraUserSchema = z
  .strictObject({
    accountId: z.string().meta({ description: "The Jira account's id; on Data Center the user's key." }),
    accountType: z.enum(['atlassian', 'customer', 'app']),
  })
  .meta({ description: 'The Jira account the contact is synced with.' });

export const contactSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    companyIds: z.array(z.string()),
    tags: z.array(z.string()).meta({ description: 'A synced contact carries "Jira User" first.' }),
    jiraUser: jiraUserSchema.nullable().meta({ description: 'null for a regular contact.' }),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ title: 'Contact', description: 'A CRM contact: regular, or synced with a Jira account.' });

export const companySchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    domain: z.string().nullable(),
    jsmOrganization: z
      .strictObject({ id: z.string() })
      .nullable()
      .meta({ description: 'The JSM organization a synced company follows; null for a regular company.' }),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ title: 'Company', description: 'A company that contacts can belong to.' });

/** One page of a listing: `nextCursor` is opaque, and null on the last page. */
function pageOf<T extends z.ZodType>(item: T, title: string) {
  return z
    .strictObject({
      items: z.array(item),
      nextCursor: z.string().nullable().meta({ description: 'Pass as ?cursor= for the next page; null on the last.' }),
    })
    .meta({ title });
}

export const contactPageSchema = pageOf(contactSchema, 'ContactPage');
export const companyPageSchema = pageOf(companySchema, 'CompanyPage');

const skippedBySchema = z.strictObject({ hiddenEmail: count, app: count, inactive: count, other: count });

const organizationProgressSchema = z
  .strictObject({
    read: count,
    created: count,
    linked: count,
    renamed: count,
    unlinked: count,
    membershipsAdded: count,
    membershipsRemoved: count,
    unreadable: count,
  })
  .meta({ title: 'OrganizationProgress', description: 'What the run did with JSM organizations.' });

export const syncProgressSchema = z
  .strictObject({
    total: count,
    processed: count,
    created: count,
    linked: count,
    skipped: count,
    failed: count,
    skippedBy: skippedBySchema,
    updated: count.optional().meta({ description: 'A reconcile only: contacts that followed Jira.' }),
    unlinked: count.optional().meta({ description: 'A reconcile only: contacts made regular.' }),
    sources: z
      .strictObject({ usersSearch: count, serviceDesks: count })
      .optional()
      .meta({
        description:
          'Where the accounts came from, each counted once by the first source that listed it ' +
          "(serviceDesks: customers no users/search page listed). Absent from runs older than JSM's reading.",
      }),
    organizations: organizationProgressSchema
      .optional()
      .meta({ description: 'Present once the run has read JSM organizations.' }),
    estimatedTotal: count
      .nullable()
      .meta({ description: 'How many records the run will read, measured at its start; null until measured.' }),
    etaSeconds: z
      .number()
      .min(0)
      .nullable()
      .meta({ description: "Seconds left at the run's own pace; null when unknown." }),
  })
  .meta({ title: 'SyncProgress', description: 'The counts of the running or last run.' });

export const syncFailureSchema = z.strictObject({ accountId: z.string(), reason: z.string() });

export const syncStateSchema = z.enum(['DISABLED', 'ENABLING', 'ENABLED', 'DISABLING', 'RECONCILING']);

export const reconcileRunSchema = z.strictObject({
  startedAt: instant,
  finishedAt: instant.nullable(),
  progress: syncProgressSchema,
  error: z.string().nullable(),
});

export const userSyncViewSchema = z
  .strictObject({
    enabled: z.boolean().meta({ description: 'Stays true while reconciling.' }),
    state: syncStateSchema,
    progress: syncProgressSchema,
    failures: z
      .array(syncFailureSchema)
      .max(100)
      .meta({ description: 'Up to 100 accounts the last run could not give a contact; empty when failed is 0.' }),
    lastReconcile: reconcileRunSchema.nullable(),
    updatedAt: instant.nullable(),
    error: z.string().nullable().meta({ description: 'Why the last run stopped early, if it did.' }),
  })
  .meta({ title: 'UserSyncView', description: "User syncing's state and progress." });

export const healthSchema = z.strictObject({
  status: z.literal('ok'),
  jiraDeployment: z.literal('datacenter').optional().meta({
    description:
      'Present when the service runs against Jira Data Center (sign in with a personal access token, or username and password).',
  }),
});

export const webhookAcceptedSchema = z.strictObject({
  accepted: z.literal(true),
  messageId: z.string().meta({ description: "The queue's id for the delivery." }),
});

/** `GET /openapi.json`: the document itself, checked by an OpenAPI validator rather than here. */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.literal('3.0.3'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/** The contract's error body, its code one of those answered with `status`. */
export function errorBodySchema(status: ErrorStatus) {
  const [first, ...rest] = errorCodesOf(status);
  if (!first) throw new Error(`No error code is answered with ${status}.`);
  return z
    .strictObject({
      error: z.strictObject({
        code: z.enum([first, ...rest] as [ErrorCode, ...ErrorCode[]]),
        message: z.string().meta({ description: 'What went wrong, in words a person can act on.' }),
      }),
    })
    .meta({ title: `Error${status}` });
}

export type ContactBody = z.infer<typeof contactSchema>;
export type CompanyBody = z.infer<typeof companySchema>;
export type PageBody<T> = { items: T[]; nextCursor: string | null };
export type SyncProgressBody = z.infer<typeof syncProgressSchema>;
export type SyncFailureBody = z.infer<typeof syncFailureSchema>;
export type SyncStateBody = z.infer<typeof syncStateSchema>;
export type ReconcileRunBody = z.infer<typeof reconcileRunSchema>;
export type UserSyncViewBody = z.infer<typeof userSyncViewSchema>;
