import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  BadRequestError,
  ConflictError,
  DomainError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  TooManyRequestsError,
  UnauthorizedError,
  UpstreamError,
  ValidationError,
} from '../domain/errors.js';
import { type ErrorCode, errorBody } from './error-body.js';
import { jsonResponse } from './response.js';

/** The one place typed errors become status codes. */
export const STATUS_BY_ERROR: ReadonlyArray<[new (...args: never[]) => DomainError, number]> = [
  [BadRequestError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [MethodNotAllowedError, 405],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [ValidationError, 422],
  [TooManyRequestsError, 429],
  [UpstreamError, 503],
];

export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof DomainError) {
    const status = STATUS_BY_ERROR.find(([type]) => error instanceof type)?.[1] ?? 500;
    // Every DomainError's code is one of ERROR_STATUS's, with this status (test/unit/error-codes.test.ts).
    return jsonResponse(status, errorBody(error.code as ErrorCode, error.message), {
      ...retryAfter(error),
      ...allow(error),
    });
  }
  return jsonResponse(
    500,
    errorBody('INTERNAL', 'Something went wrong on our side. Try again; if it persists, contact the operators.'),
  );
}

/** `Allow` on a 405: the methods the resource offers. */
function allow(error: DomainError): Record<string, string> {
  return error instanceof MethodNotAllowedError && error.allow.length ? { Allow: error.allow.join(', ') } : {};
}

/** `Retry-After` when the error knows how long to wait (Jira said so, or a limit refills). */
function retryAfter(error: DomainError): Record<string, string> {
  const seconds =
    error instanceof UpstreamError || error instanceof TooManyRequestsError ? error.retryAfterSeconds : undefined;
  return seconds === undefined ? {} : { 'Retry-After': String(Math.max(1, Math.ceil(seconds))) };
}
