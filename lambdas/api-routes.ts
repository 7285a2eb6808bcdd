/**
 * The API's routes and the handler behind each, read by both the CDK stack (`lib/`) and the local
 * gateway (`local/`), so the two can never route differently.
 */
export const API_HANDLERS = {
  health: 'handlers/health.ts',
  contactsApi: 'handlers/contacts-api.ts',
  companiesApi: 'handlers/companies-api.ts',
  userSyncSettings: 'handlers/user-sync-settings.ts',
} as const;

export type ApiHandlerName = keyof typeof API_HANDLERS;

export interface ApiRouteDefinition {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway's resource template. */
  resource: string;
  handler: ApiHandlerName;
}

const crud = (collection: string, handler: ApiHandlerName): ApiRouteDefinition[] => [
  { method: 'GET', resource: `/${collection}`, handler },
  { method: 'POST', resource: `/${collection}`, handler },
  { method: 'GET', resource: `/${collection}/{id}`, handler },
  { method: 'PATCH', resource: `/${collection}/{id}`, handler },
  { method: 'DELETE', resource: `/${collection}/{id}`, handler },
];

const ROUTES_WITHOUT_HEAD: readonly ApiRouteDefinition[] = [
  { method: 'GET', resource: '/health', handler: 'health' },
  ...crud('contacts', 'contactsApi'),
  ...crud('companies', 'companiesApi'),
  { method: 'GET', resource: '/settings/user-sync', handler: 'userSyncSettings' },
  { method: 'PUT', resource: '/settings/user-sync', handler: 'userSyncSettings' },
  { method: 'POST', resource: '/settings/user-sync/reconcile', handler: 'userSyncSettings' },
];

/** Every route, with `HEAD` wherever `GET` is (API Gateway does not answer HEAD for a GET by itself). */
export const API_ROUTES: readonly ApiRouteDefinition[] = ROUTES_WITHOUT_HEAD.flatMap((route) =>
  route.method === 'GET' ? [route, { ...route, method: 'HEAD' as const }] : [route],
);

/** The methods `resource` answers, as a 405's `Allow` header lists them. */
export function allowedMethods(resource: string): string[] {
  return API_ROUTES.filter((route) => route.resource === resource).map((route) => route.method);
}

/** Where the webhook is received; on AWS it goes straight to SQS, with no handler in front. */
export const WEBHOOK_RESOURCE = '/webhooks/jira';
