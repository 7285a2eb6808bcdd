/**
 * Typed errors the domain and the edge raise. Each carries a stable code; the HTTP edge maps
 * the class to a status code in one place (`lambdas/http/error-response.ts`).
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request could not be read at all: not JSON, a bad query parameter, a tampered cursor. */
export class BadRequestError extends DomainError {
  readonly code = 'BAD_REQUEST';
}

/** The request was read but its content breaks a rule: wrong type, empty name, invalid email. */
export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

/** The change conflicts with the current state: a synced contact's Jira fields, a running sync. */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

export class UnauthorizedError extends DomainError {
  readonly code = 'UNAUTHORIZED';
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

/** The resource exists but does not offer this method; `allow` lists those it offers (the `Allow` header). */
export class MethodNotAllowedError extends DomainError {
  readonly code = 'METHOD_NOT_ALLOWED';
  readonly allow: readonly string[];
  constructor(message: string, options: { allow?: readonly string[] } = {}) {
    super(message);
    this.allow = options.allow ?? [];
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}

/** Jira (or another dependency) could not answer; the caller may retry later. */
export class UpstreamError extends DomainError {
  readonly code = 'UPSTREAM_UNAVAILABLE';
  /** How long Jira asked us to wait, when it said so (for the caller's `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, options: { retryAfterSeconds?: number } = {}) {
    super(message);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The caller spent its allowance (failed logins from one address); it may retry after the wait. */
export class TooManyRequestsError extends DomainError {
  readonly code = 'TOO_MANY_REQUESTS';
  readonly retryAfterSeconds: number;
  constructor(message: string, options: { retryAfterSeconds: number }) {
    super(message);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
