/**
 * The contract's error body, `{"error": {"code": "…", "message": "…"}}`: the one shape of every
 * error the service answers, whoever answers it (a handler, API Gateway's own responses and
 * integration templates, the local gateway). No imports, so the CDK app loads it for nothing.
 */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** The error body, as an object (a handler's `jsonResponse`, the local webhook route). */
export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** The error body as JSON text (API Gateway's templates, a raw HTTP answer). */
export function errorBodyJson(code: string, message: string): string {
  return JSON.stringify(errorBody(code, message));
}
