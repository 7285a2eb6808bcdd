import { z } from 'zod';
import type { ErrorStatus } from './http/error-body.js';
import {
  companyChangesSchema,
  contactChangesSchema,
  emailQuerySchema,
  newCompanySchema,
  newContactSchema,
} from './http/contact-schemas.js';
import { idSchema, pageSchema } from './http/request.js';
import {
  companyPageSchema,
  companySchema,
  contactPageSchema,
  contactSchema,
  healthSchema,
  openApiDocumentSchema,
  userSyncViewSchema,
  webhookAcceptedSchema,
} from './http/response-schemas.js';
import { userSyncRequestSchema } from './http/user-sync-schemas.js';
import { webhookEnvelopeSchema } from './webhook/webhook-request-schema.js';
import { WEBHOOK_HEADERS } from './webhook/webhook-message.js';

/**
 * The API's routes, the handler behind each and what each does: read by the CDK stack (`lib/`),
 * the local gateway (`local/`) and the OpenAPI document (`http/openapi-document.ts`), so the three
 * can never differ.
 */
export const API_HANDLERS = {
  health: 'handlers/health.ts',
  openApiDocument: 'handlers/openapi-document.ts',
  contactsApi: 'handlers/contacts-api.ts',
  companiesApi: 'handlers/companies-api.ts',
  userSyncSettings: 'handlers/user-sync-settings.ts',
} as const;

export type ApiHandlerName = keyof typeof API_HANDLERS;

/** A JSON body, by the name it has among the document's schemas. */
export interface NamedSchema {
  readonly name: string;
  readonly schema: z.ZodType;
}

/** A request parameter: its schema is the one the handler reads it with. */
export interface DocumentedParameter {
  readonly schema: z.ZodType;
  readonly description: string;
}

export interface SuccessAnswer {
  readonly description: string;
  /** A JSON body; none for a 204. */
  readonly json?: NamedSchema;
  /** An HTML page instead (the console). */
  readonly html?: true;
}

/** What a route does, as the OpenAPI document tells it. */
export interface RouteDescription {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway's resource template. */
  readonly resource: string;
  /** Who may call it: anyone, a Jira user who may browse users, or a Jira administrator. */
  readonly access: 'public' | 'user' | 'admin';
  /** One line. */
  readonly summary: string;
  /** What it does and answers, for a person integrating with it (required: no route goes undescribed). */
  readonly description: string;
  /** Each `{name}` of the resource; the document refuses a route that leaves one out. */
  readonly path?: Readonly<Record<string, DocumentedParameter>>;
  readonly query?: Readonly<Record<string, DocumentedParameter>>;
  readonly headers?: Readonly<Record<string, DocumentedParameter>>;
  readonly requestBody?: NamedSchema;
  readonly success: Readonly<Partial<Record<200 | 201 | 202 | 204, SuccessAnswer>>>;
  /**
   * Errors of this route beyond those the document adds by itself: 429 and 500 for every route;
   * 401, 403 and 503 for a signed-in one; 400 and 413 with a body (and 422 behind a handler); 400 with a query; 400 and 404
   * with an `{id}`.
   */
  readonly errors?: readonly ErrorStatus[];
}

export interface ApiRouteDefinition extends RouteDescription {
  handler: ApiHandlerName;
}

const contact: NamedSchema = { name: 'Contact', schema: contactSchema };
const company: NamedSchema = { name: 'Company', schema: companySchema };
const userSyncView: NamedSchema = { name: 'UserSyncView', schema: userSyncViewSchema };

const paging = {
  limit: { schema: pageSchema.shape.limit, description: 'Items on a page.' },
  cursor: { schema: pageSchema.shape.cursor, description: "The previous page's nextCursor." },
} as const;

/** An id that cannot exist is simply not found (404). */
const idPath = { id: { schema: idSchema, description: "The item's id." } };

/** Every route as the OpenAPI document describes it (HEAD, the same as GET without a body, is added below). */
export const DESCRIBED_API_ROUTES: readonly ApiRouteDefinition[] = [
  {
    method: 'GET',
    resource: '/health',
    handler: 'health',
    access: 'public',
    summary: 'Liveness',
    description: 'Answers without asking Jira. Locally it also checks the embedded store: 503 while it is down.',
    success: { 200: { description: 'The service is up.', json: { name: 'Health', schema: healthSchema } } },
    errors: [503],
  },
  {
    method: 'GET',
    resource: '/openapi.json',
    handler: 'openApiDocument',
    access: 'public',
    summary: 'This document',
    description: 'The API described as an OpenAPI 3.0.3 document, generated from the schemas that check requests.',
    success: {
      200: { description: 'The document.', json: { name: 'OpenApiDocument', schema: openApiDocumentSchema } },
    },
  },
  {
    method: 'GET',
    resource: '/contacts',
    handler: 'contactsApi',
    access: 'user',
    summary: 'List contacts',
    description:
      'Newest first, a page at a time. With ?email=, the contacts with that email: case, Unicode normalization ' +
      'and IDNA domains do not matter.',
    query: { email: { schema: emailQuerySchema.optional(), description: 'The email to find.' }, ...paging },
    success: { 200: { description: 'A page of contacts.', json: { name: 'ContactPage', schema: contactPageSchema } } },
  },
  {
    method: 'POST',
    resource: '/contacts',
    handler: 'contactsApi',
    access: 'user',
    summary: 'Create a contact',
    description: 'Creates a regular contact. Unknown fields are refused (422), so a typo never passes silently.',
    requestBody: { name: 'NewContact', schema: newContactSchema },
    success: { 201: { description: 'The new contact.', json: contact } },
  },
  {
    method: 'GET',
    resource: '/contacts/{id}',
    handler: 'contactsApi',
    access: 'user',
    path: idPath,
    summary: 'Read a contact',
    description: 'One contact, regular or synced.',
    success: { 200: { description: 'The contact.', json: contact } },
  },
  {
    method: 'PATCH',
    resource: '/contacts/{id}',
    handler: 'contactsApi',
    access: 'user',
    path: idPath,
    summary: 'Change a contact',
    description: "Changes the fields given. A synced contact's name and email belong to Jira: changing them is 409.",
    requestBody: { name: 'ContactChanges', schema: contactChangesSchema },
    success: { 200: { description: 'The changed contact.', json: contact } },
    errors: [409],
  },
  {
    method: 'DELETE',
    resource: '/contacts/{id}',
    handler: 'contactsApi',
    access: 'user',
    path: idPath,
    summary: 'Delete a contact',
    description: 'Deletes a regular contact. A synced contact is deleted with its Jira account, not here (409).',
    success: { 204: { description: 'Deleted.' } },
    errors: [409],
  },
  {
    method: 'GET',
    resource: '/companies',
    handler: 'companiesApi',
    access: 'user',
    summary: 'List companies',
    description: 'Newest first, a page at a time.',
    query: paging,
    success: { 200: { description: 'A page of companies.', json: { name: 'CompanyPage', schema: companyPageSchema } } },
  },
  {
    method: 'POST',
    resource: '/companies',
    handler: 'companiesApi',
    access: 'user',
    summary: 'Create a company',
    description: 'Creates a regular company.',
    requestBody: { name: 'NewCompany', schema: newCompanySchema },
    success: { 201: { description: 'The new company.', json: company } },
  },
  {
    method: 'GET',
    resource: '/companies/{id}',
    handler: 'companiesApi',
    access: 'user',
    path: idPath,
    summary: 'Read a company',
    description: 'One company, regular or synced from a JSM organization.',
    success: { 200: { description: 'The company.', json: company } },
  },
  {
    method: 'PATCH',
    resource: '/companies/{id}',
    handler: 'companiesApi',
    access: 'user',
    path: idPath,
    summary: 'Change a company',
    description: "Changes the fields given. A synced company's name follows JSM: changing it is 409.",
    requestBody: { name: 'CompanyChanges', schema: companyChangesSchema },
    success: { 200: { description: 'The changed company.', json: company } },
    errors: [409],
  },
  {
    method: 'DELETE',
    resource: '/companies/{id}',
    handler: 'companiesApi',
    access: 'user',
    path: idPath,
    summary: 'Delete a company',
    description: 'Deletes a regular company. A company synced from a JSM organization cannot be deleted (409).',
    success: { 204: { description: 'Deleted.' } },
    errors: [409],
  },
  {
    method: 'GET',
    resource: '/settings/user-sync',
    handler: 'userSyncSettings',
    access: 'admin',
    summary: "User syncing's state",
    description: 'Whether Jira users and JSM customers are synced, and the progress of the running or last run.',
    success: { 200: { description: 'The state and progress.', json: userSyncView } },
  },
  {
    method: 'PUT',
    resource: '/settings/user-sync',
    handler: 'userSyncSettings',
    access: 'admin',
    summary: 'Turn user syncing on or off',
    description:
      'Starts the change and answers at once. Asking for the current wish again is harmless (and retries the ' +
      'accounts of failures); asking for the opposite while a change runs is 409.',
    requestBody: { name: 'UserSyncRequest', schema: userSyncRequestSchema },
    success: { 202: { description: 'The new state.', json: userSyncView } },
    errors: [409],
  },
  {
    method: 'POST',
    resource: '/settings/user-sync/reconcile',
    handler: 'userSyncSettings',
    access: 'admin',
    summary: 'Reconcile now',
    description: 'Starts a reconcile run: every contact follows Jira again. 409 unless syncing is ENABLED and idle.',
    success: { 202: { description: 'RECONCILING.', json: userSyncView } },
    errors: [409],
  },
];

/** Every route, with `HEAD` wherever `GET` is (API Gateway does not answer HEAD for a GET by itself). */
export const API_ROUTES: readonly ApiRouteDefinition[] = DESCRIBED_API_ROUTES.flatMap((route) =>
  route.method === 'GET' ? [route, { ...route, method: 'HEAD' as const }] : [route],
);

/** The methods `resource` answers, as a 405's `Allow` header lists them. */
export function allowedMethods(resource: string): string[] {
  return API_ROUTES.filter((route) => route.resource === resource).map((route) => route.method);
}

/** Where the webhook is received; on AWS it goes straight to SQS, with no handler in front. */
export const WEBHOOK_RESOURCE = '/webhooks/jira';

/** Routes API Gateway answers by itself (the webhook into SQS) or that serve the console's files. */
export const GATEWAY_ROUTES: readonly RouteDescription[] = [
  {
    method: 'POST',
    resource: WEBHOOK_RESOURCE,
    access: 'public',
    summary: 'Receive a Jira webhook delivery',
    description:
      'Accepts any delivery into the queue once it is durably there. user_created, user_updated and user_deleted ' +
      'are applied; jira:issue_created, jira:issue_updated and comment_created give the accounts they name a ' +
      'contact; other events are ignored. Authenticated by its X-Hub-Signature: a delivery with a missing or ' +
      'wrong signature changes nothing, ever.',
    headers: {
      [WEBHOOK_HEADERS.signature]: {
        schema: z.string().optional(),
        description: 'sha256=<hex HMAC-SHA256 of the raw body with the webhook secret>.',
      },
      [WEBHOOK_HEADERS.deliveryId]: {
        schema: z.string().optional(),
        description: "Jira Cloud's id of the delivery; a repeated one is applied once.",
      },
    },
    requestBody: { name: 'JiraWebhookDelivery', schema: webhookEnvelopeSchema },
    success: {
      202: { description: 'Durably queued.', json: { name: 'WebhookAccepted', schema: webhookAcceptedSchema } },
    },
    errors: [400, 413, 415],
  },
  {
    method: 'GET',
    resource: '/console/',
    access: 'public',
    summary: 'The admin console',
    description: "A web page; every API call it makes carries the signed-in user's own Jira credentials.",
    success: { 200: { description: 'The page.', html: true } },
  },
];
