/**
 * The console's only way out: the same API, on the same origin, with the signed-in user's own
 * Jira credentials (HTTP Basic) on every call.
 */

/**
 * The API's root: the console lives at `<api>/console/`, so the API is one level up (and keeps API
 * Gateway's stage prefix).
 */
const API_ROOT = new URL('../', window.location.href);

export interface Credentials {
  email: string;
  apiToken: string;
}

/** An answer other than 2xx, with the API's own words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Basic email:API token (Cloud) or username:password (Data Center); a personal access token alone is Bearer. */
function basic({ email, apiToken }: Credentials): string {
  if (!email) return `Bearer ${apiToken}`;
  const bytes = new TextEncoder().encode(`${email}:${apiToken}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

export type Api = <T>(path: string, options?: { method?: string; body?: unknown }) => Promise<T>;

/** An API client for one user. */
export function apiFor(credentials: Credentials): Api {
  const authorization = basic(credentials);
  return async <T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(new URL(path.replace(/^\//, ''), API_ROOT), {
        method: options.method ?? 'GET',
        headers: {
          Authorization: authorization,
          ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The service could not be reached. Check that it is running, then try again.');
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's page): fall back to the status below.
    }
    if (!response.ok) {
      const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiError(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? `The service answered ${response.status}.`,
      );
    }
    return body as T;
  };
}

/** The message to show for any failure. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
