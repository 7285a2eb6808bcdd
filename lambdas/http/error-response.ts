import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  BadRequestError,
  ConflictError,
  DomainError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UpstreamError,
  ValidationError,
} from '../domain/errors.js';
import { jsonResponse } from './response.js';

/** The one place typed errors become status codes. */
const STATUS_BY_ERROR: ReadonlyArray<[new (...args: never[]) => DomainError, number]> = [
  [BadRequestError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [MethodNotAllowedError, 405],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [ValidationError, 422],
  [UpstreamError, 503],
];

export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof DomainError) {
    const status = STATUS_BY_ERROR.find(([type]) => error instanceof type)?.[1] ?? 500;
    return jsonResponse(status, { error: { code: error.code, message: error.message } });
  }
  return jsonResponse(500, {
    error: { code: 'INTERNAL', message: 'Something went wrong on our side. Try again; if it persists, contact the operators.' },
  });
}
