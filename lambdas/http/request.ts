import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import { BadRequestError, NotFoundError, PayloadTooLargeError, ValidationError } from '../domain/errors.js';
import type { PageRequest } from '../domain/page.js';

/** A CRM request body is a small JSON object; anything larger is a mistake. */
export const MAX_API_BODY_BYTES = 64 * 1024;

/** The one message every 413 of the API gives, naming the limit. */
export const API_BODY_TOO_LARGE_MESSAGE = `The request body is larger than ${MAX_API_BODY_BYTES / 1024} KiB: send at most ${MAX_API_BODY_BYTES / 1024} KiB.`;
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

function rawBody(event: APIGatewayProxyEvent): string {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

/** Reads the JSON body and validates it against `schema` (400 not JSON, 413 too big, 422 invalid). */
export function parseBody<T>(event: APIGatewayProxyEvent, schema: z.ZodType<T>): T {
  const text = rawBody(event);
  if (Buffer.byteLength(text) > MAX_API_BODY_BYTES) {
    throw new PayloadTooLargeError(API_BODY_TOO_LARGE_MESSAGE);
  }
  if (!text.trim()) throw new BadRequestError('The request needs a JSON body.');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BadRequestError('The request body is not valid JSON.');
  }
  return validate(json, schema);
}

export function validate<T>(value: unknown, schema: z.ZodType<T>): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(describeIssues(result.error));
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** A query parameter a route reads itself: one that breaks its rule makes a request that cannot be read (400). */
export function queryParameter<T>(name: string, value: string, schema: z.ZodType<T>): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadRequestError(`Invalid query parameter ${name}: ${describeIssues(result.error)}.`);
}

/** What an `{id}` path parameter may be. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9-]+$/);

/** The `{id}` path parameter; an id that cannot exist is simply not found. */
export function pathId(event: APIGatewayProxyEvent, what: string): string {
  const id = event.pathParameters?.id;
  const result = idSchema.safeParse(id);
  if (!result.success) throw new NotFoundError(`No ${what} has the id ${String(id)}.`);
  return result.data;
}

/** A decimal integer as people write it: digits only, so `0x10`, `1e1`, ` 5` and `+5` are refused. */
const decimalLimit = z
  .string()
  .regex(/^[0-9]{1,4}$/, { error: 'must be a whole number written in digits' })
  .transform(Number)
  .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE));

/** `?limit=` and `?cursor=` of a listing. */
export const pageSchema = z.strictObject({
  limit: decimalLimit.default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).max(4096).optional(),
});

/** `?limit=` and `?cursor=`; other query parameters are named by the caller, not here. */
export function pageRequest(event: APIGatewayProxyEvent, allowed: readonly string[] = []): PageRequest {
  const query = { ...(event.queryStringParameters ?? {}) };
  const unknown = Object.keys(query).filter((name) => !['limit', 'cursor', ...allowed].includes(name));
  if (unknown.length) throw new BadRequestError(`Unknown query parameter: ${unknown.join(', ')}.`);
  for (const name of allowed) delete query[name];
  const result = pageSchema.safeParse(query);
  if (!result.success)
    throw new BadRequestError(
      `Invalid paging: ${describeIssues(result.error)}. limit is 1 to ${MAX_PAGE_SIZE}, in digits.`,
    );
  return result.data;
}
