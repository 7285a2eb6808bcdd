/**
 * Every error code the service answers with, and its status: the one list that the handlers'
 * answers, API Gateway's own responses, the local gateway and the OpenAPI document's enums share.
 * No imports, so the CDK app loads it for nothing.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  TOO_MANY_REQUESTS: 429,
  REQUEST_HEADER_FIELDS_TOO_LARGE: 431,
  INTERNAL: 500,
  /** API Gateway could not hand a webhook delivery to SQS. */
  QUEUE_UNAVAILABLE: 500,
  /** The local embedded store is down (`GET /health`). */
  STORE_UNAVAILABLE: 503,
  UPSTREAM_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

/** The codes answered with `status`, in the table's order. */
export function errorCodesOf(status: ErrorStatus): ErrorCode[] {
  return (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((code) => ERROR_STATUS[code] === status);
}

/**
 * The contract's error body, `{"error": {"code": "…", "message": "…"}}`: the one shape of every
 * error the service answers, whoever answers it (a handler, API Gateway's own responses and
 * integration templates, the local gateway).
 */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

/** The error body, as an object (a handler's `jsonResponse`, the local webhook route). */
export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** The error body as JSON text (API Gateway's templates, a raw HTTP answer). */
export function errorBodyJson(code: ErrorCode, message: string): string {
  return JSON.stringify(errorBody(code, message));
}
