/**
 * How the console's static files are answered by its handler (`handlers/console-site.ts`), which the
 * local gateway calls too: the page under `/console/`, a strict Content-Security-Policy on every
 * answer (nothing but its own files), and the API's JSON error shape for anything else.
 */

/** The console's static files (built by console/build.ts): file name, relative to `/console/`, to its text. */
export type ConsoleFiles = Readonly<Record<string, string>>;

/** The console's path on the API's origin. */
export const CONSOLE_PATH = '/console';

/** Whether the path is the console's (`/console`, `/console/…`). */
export function isConsolePath(path: string): boolean {
  return path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** Only the console's own files; no inline script or style, no framing, no forms posted elsewhere. */
export const CONSOLE_CSP =
  "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'";

export interface ConsoleAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The answer to `method path` for the console's files.
 * @param path the request path from `/console` on (`/console`, `/console/`, `/console/app.js`)
 */
export function consoleAnswer(options: { files: ConsoleFiles; method: string; path: string }): ConsoleAnswer {
  const { files, method, path } = options;
  const securityHeaders = {
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
  const error = (
    statusCode: number,
    code: string,
    message: string,
    extra: Record<string, string> = {},
  ): ConsoleAnswer => ({
    statusCode,
    headers: { 'Content-Type': 'application/json', ...securityHeaders, ...extra },
    body: JSON.stringify({ error: { code, message } }),
  });
  if (method !== 'GET' && method !== 'HEAD') {
    return error(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${path}: the console is read with GET.`, {
      Allow: 'GET, HEAD',
    });
  }
  // Relative, so it also holds behind API Gateway's stage prefix (/v1/console -> /v1/console/).
  if (path === CONSOLE_PATH)
    return { statusCode: 301, headers: { Location: 'console/', ...securityHeaders }, body: '' };
  const name = path === `${CONSOLE_PATH}/` ? 'index.html' : path.slice(CONSOLE_PATH.length + 1);
  const body = Object.hasOwn(files, name) ? files[name] : undefined;
  const contentType = CONTENT_TYPES[name.split('.').pop() ?? ''];
  if (body === undefined || !contentType || name.includes('/')) {
    return error(404, 'NOT_FOUND', `There is no console file ${path}; open ${CONSOLE_PATH}/.`);
  }
  return {
    statusCode: 200,
    headers: { 'Content-Type': contentType, ...securityHeaders },
    body: method === 'HEAD' ? '' : body,
  };
}
