import type { OpenAPIV3 } from 'openapi-types';
import { z } from 'zod';
import {
  DESCRIBED_API_ROUTES,
  type DocumentedParameter,
  GATEWAY_ROUTES,
  type NamedSchema,
  type RouteDescription,
} from '../api-routes.js';
import { SERVICE_NAME } from '../shared/service-identity.js';
import { ERROR_STATUS, type ErrorStatus } from './error-body.js';
import { errorBodySchema, syncFailureSchema, syncProgressSchema } from './response-schemas.js';

/**
 * OpenAPI 3.0.3, not 3.1: API Gateway's importer and most generators and validators read 3.0, and
 * zod writes its `openapi-3.0` dialect (`nullable`, no `const`).
 */
export const OPENAPI_VERSION = '3.0.3';

const SCHEMAS = '#/components/schemas/';

/** Names of the answers every route may give, in `components.responses`. */
const ERROR_RESPONSE_NAMES: Readonly<Record<ErrorStatus, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  408: 'RequestTimeout',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'ValidationFailed',
  429: 'TooManyRequests',
  431: 'RequestHeaderFieldsTooLarge',
  500: 'Internal',
  503: 'Unavailable',
};

const ERROR_DESCRIPTIONS: Readonly<Record<ErrorStatus, string>> = {
  400: 'The request cannot be read: not JSON, an unknown or invalid query parameter, a tampered cursor.',
  401: 'No Authorization header, or Jira did not accept it.',
  403: 'Jira accepted the login, but the account may not do this.',
  404: 'No such item, or no such route.',
  405: 'The route exists, but not with this method (any route of this document).',
  408: 'The request took too long to arrive.',
  409: 'The change conflicts with the current state: a synced field, a change already running.',
  413: 'The request body is too large.',
  415: 'The body is not declared as application/json.',
  422: 'The body was read but breaks a rule: the message names each field and why.',
  429: 'Too many requests (or failed logins): wait as Retry-After says.',
  431: 'The request headers are too large (any route of this document).',
  500: 'Something went wrong on our side.',
  503: 'Jira could not answer the login check in time, or (GET /health) the local store is down.',
};

const SECURITY_SCHEMES: Record<string, OpenAPIV3.SecuritySchemeObject> = {
  jiraBasic: {
    type: 'http',
    scheme: 'basic',
    description: 'Your Jira login: Jira Cloud email and API token (or Data Center username and password).',
  },
  jiraBearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'A Jira Data Center personal access token.',
  },
};

/**
 * Parts of answers that get a name of their own, for generated clients. Never a part that may be
 * null: OpenAPI 3.0 cannot say "this reference, or null" (`nullable` needs a `type` beside it).
 */
const NAMED_PARTS: readonly NamedSchema[] = [
  { name: 'SyncProgress', schema: syncProgressSchema },
  { name: 'SyncFailure', schema: syncFailureSchema },
];

/** A route the document cannot describe (a missing description, an undocumented path parameter). */
export class RouteDescriptionError extends Error {}

/**
 * The OpenAPI document of every route of `api-routes.ts`, generated from the zod schemas the
 * handlers check requests with and shape answers with. Refuses a route without a description.
 */
export function buildOpenApiDocument(
  routes: readonly RouteDescription[] = [...DESCRIBED_API_ROUTES, ...GATEWAY_ROUTES],
): OpenAPIV3.Document {
  const requests = new SchemaCatalog('input');
  const responses = new SchemaCatalog('output');
  const paths: OpenAPIV3.PathsObject = {};
  for (const route of routes) {
    const path = paths[route.resource] ?? {};
    paths[route.resource] = path;
    const method = route.method.toLowerCase() as OpenAPIV3.HttpMethods;
    if (path[method]) throw new RouteDescriptionError(`${route.method} ${route.resource} is listed twice.`);
    path[method] = operationOf(route, { requests, responses });
  }
  for (const { name, schema } of NAMED_PARTS) responses.add(name, schema);
  const errorStatuses = [...new Set(Object.values(ERROR_STATUS))];
  for (const status of errorStatuses) responses.add(`Error${status}`, errorBodySchema(status));
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: SERVICE_NAME,
      version: '1',
      description:
        'CRM contacts kept in step with Jira users and JSM customers. Every error, whatever its status, is ' +
        '{"error": {"code", "message"}}. Any path may also answer 404 (no such route), 405 (not with this ' +
        'method), 408 and 431, as in components.responses.',
    },
    // Relative: the document is served from the API's root, locally and under API Gateway's stage.
    servers: [{ url: '.', description: 'Where this document is served from.' }],
    paths,
    components: {
      schemas: { ...requests.schemas(), ...responses.schemas() },
      responses: Object.fromEntries(
        errorStatuses.map((status) => [ERROR_RESPONSE_NAMES[status], errorResponse(status)]),
      ),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

function operationOf(
  route: RouteDescription,
  catalogs: { requests: SchemaCatalog; responses: SchemaCatalog },
): OpenAPIV3.OperationObject {
  const name = `${route.method} ${route.resource}`;
  if (!route.description?.trim() || !route.summary?.trim()) {
    throw new RouteDescriptionError(`${name} has no summary or description: say what it does in api-routes.ts.`);
  }
  const parameters = [
    ...pathParameters(route, name),
    ...parametersOf('query', route.query),
    ...parametersOf('header', route.headers),
  ];
  const success: OpenAPIV3.ResponsesObject = {};
  for (const [status, answer] of Object.entries(route.success)) {
    success[status] = {
      description: answer.description,
      ...(answer.json && { content: { 'application/json': { schema: catalogs.responses.ref(answer.json) } } }),
      ...(answer.html && { content: { 'text/html': { schema: { type: 'string' } } } }),
    };
  }
  const errors = [...new Set([...errorsOf(route), ...(route.errors ?? [])])].sort((a, b) => a - b);
  return {
    operationId: operationId(route),
    summary: route.summary,
    description: route.description,
    ...(parameters.length && { parameters }),
    ...(route.requestBody && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: catalogs.requests.ref(route.requestBody) } },
      },
    }),
    responses: {
      ...success,
      ...Object.fromEntries(
        errors.map((status) => [status, { $ref: `#/components/responses/${ERROR_RESPONSE_NAMES[status]}` }]),
      ),
    },
    security: route.access === 'public' ? [] : [{ jiraBasic: [] }, { jiraBearer: [] }],
  };
}

/** The statuses a route answers by its kind (see `RouteDescription.errors`). */
function errorsOf(route: RouteDescription): ErrorStatus[] {
  const errors: ErrorStatus[] = [429, 500];
  if (route.access !== 'public') errors.push(401, 403, 503);
  if (route.requestBody) errors.push(400, 413);
  // A handler checks the body it read against its schema; API Gateway's own routes answer 400 instead.
  if (route.requestBody && 'handler' in route) errors.push(422);
  if (route.query) errors.push(400);
  if (route.path) errors.push(400, 404);
  return errors;
}

function pathParameters(route: RouteDescription, name: string): OpenAPIV3.ParameterObject[] {
  const names = [...route.resource.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  const documented = Object.keys(route.path ?? {});
  const missing = names.filter((parameter) => !documented.includes(parameter));
  const extra = documented.filter((parameter) => !names.includes(parameter));
  if (missing.length || extra.length) {
    throw new RouteDescriptionError(`${name}: describe exactly its path parameters ${names.join(', ') || '(none)'}.`);
  }
  return parametersOf('path', route.path);
}

function parametersOf(
  where: 'path' | 'query' | 'header',
  parameters: Readonly<Record<string, DocumentedParameter>> | undefined,
): OpenAPIV3.ParameterObject[] {
  return Object.entries(parameters ?? {}).map(([name, { schema, description }]) => {
    const json = asOpenApi(z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output' }));
    return {
      name,
      in: where,
      description,
      // Optional in zod (or given a default) means the caller may leave it out.
      required: where === 'path' || !schema.safeParse(undefined).success,
      schema: json,
    };
  });
}

function errorResponse(status: ErrorStatus): OpenAPIV3.ResponseObject {
  return {
    description: ERROR_DESCRIPTIONS[status],
    content: { 'application/json': { schema: { $ref: `${SCHEMAS}Error${status}` } } },
  };
}

/** `listContacts`, `readContact`, `changeUserSync`: unique and stable, for generated clients. */
function operationId(route: RouteDescription): string {
  const words = route.summary
    .replace(/'s\b/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words
    .map((word, index) => (index === 0 ? word.toLowerCase() : word[0]?.toUpperCase() + word.slice(1)))
    .join('');
}

/**
 * Named zod schemas, converted together so a schema used inside another (a contact in a page)
 * becomes a `$ref` to its component. Requests are described as callers send them (`input`),
 * answers as the service writes them (`output`).
 */
class SchemaCatalog {
  private readonly registry = z.registry<{ id: string }>();
  private readonly names = new Map<string, z.ZodType>();

  constructor(private readonly io: 'input' | 'output') {}

  add(name: string, schema: z.ZodType): void {
    const known = this.names.get(name);
    if (known && known !== schema) throw new RouteDescriptionError(`Two different schemas are named ${name}.`);
    if (known) return;
    this.names.set(name, schema);
    this.registry.add(schema, { id: name });
  }

  ref({ name, schema }: NamedSchema): OpenAPIV3.ReferenceObject {
    this.add(name, schema);
    return { $ref: `${SCHEMAS}${name}` };
  }

  schemas(): Record<string, OpenAPIV3.SchemaObject> {
    const { schemas } = z.toJSONSchema(this.registry, {
      target: 'openapi-3.0',
      io: this.io,
      uri: (id) => `${SCHEMAS}${id}`,
    });
    return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, asOpenApi(schema)]));
  }
}

/** A Schema Object of OpenAPI 3.0, which has no `$id` or `$schema`. */
function asOpenApi(schema: z.core.JSONSchema.BaseSchema): OpenAPIV3.SchemaObject {
  const { $id: _id, $schema: _dialect, ...rest } = schema;
  return rest as OpenAPIV3.SchemaObject;
}
