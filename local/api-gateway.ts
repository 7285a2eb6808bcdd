import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { API_ROUTES, type ApiRouteDefinition, WEBHOOK_RESOURCE } from '../lambdas/api-routes.js';
import { type ErrorCode, errorBodyJson } from '../lambdas/http/error-body.js';
import { API_BODY_TOO_LARGE_MESSAGE, MAX_API_BODY_BYTES } from '../lambdas/http/request.js';
import { MAX_WEBHOOK_BYTES } from '../lambdas/webhook/webhook-request-schema.js';
import { CONSOLE_PATH, isConsolePath } from '../lambdas/http/console-answer.js';
import { localConsoleHandler } from './console-route.js';
import { lambdaContext } from './lambda-context.js';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** A route served by the gateway itself rather than a Lambda (the webhook's direct SQS integration). */
export type RawRoute = (request: {
  body: Buffer;
  headers: Record<string, string>;
}) => Promise<{ statusCode: number; body: unknown }>;

export interface LocalGatewayOptions {
  port: number;
  handlers: Record<ApiRouteDefinition['handler'], ProxyHandler>;
  rawRoutes: Record<string, RawRoute>;
  /**
   * The local store, as the gateway needs to know it: while it is down every route that needs it
   * answers 503 `STORE_UNAVAILABLE` with `Retry-After`, and so does a request that failed because it
   * went down meanwhile (a 5xx while it was down), instead of a bare 500.
   */
  store?: GatewayStore;
  /** `METHOD /path` of the raw routes that work without the store (the webhook: the queue keeps it on disk itself). */
  storeIndependentRoutes?: ReadonlySet<string>;
}

/** See `LocalGatewayOptions.store`. */
export interface GatewayStore {
  readonly available: boolean;
  /** Why it is down, in a sentence a person reads. */
  readonly problem: string | undefined;
  wasDownSince(since: number): boolean;
}

/** How long a client should wait before trying again while the store restarts (it takes about a second). */
const STORE_RETRY_AFTER_SECONDS = 5;

interface CompiledRoute extends ApiRouteDefinition {
  pattern: RegExp;
  parameterNames: string[];
}

function compile(route: ApiRouteDefinition): CompiledRoute {
  const parameterNames: string[] = [];
  const source = route.resource.replace(/\{(\w+)\}/g, (_match, name: string) => {
    parameterNames.push(name);
    return '([^/]+)';
  });
  return { ...route, pattern: new RegExp(`^${source}/?$`), parameterNames };
}

/** Node's own limit on a request's headers, named here so the answer can say it. */
const MAX_HEADER_KIB = 16;

/**
 * Stands in for API Gateway: turns HTTP requests into proxy events for the same handlers that
 * deploy, with the same route table (`lambdas/api-routes.ts`).
 */
export class LocalGateway {
  private readonly routes: CompiledRoute[] = API_ROUTES.map(compile);
  private readonly server: Server;

  constructor(private readonly options: LocalGatewayOptions) {
    this.server = createServer({ maxHeaderSize: MAX_HEADER_KIB * 1024 }, (request, response) => {
      const startedAt = Date.now();
      this.serve(request, response).catch((error: unknown) => {
        if (response.headersSent) return;
        const { store } = options;
        if (store?.wasDownSince(startedAt)) sendStoreUnavailable(response, store);
        else send(response, 500, errorBodyJson('INTERNAL', String(error)));
      });
    });
    this.server.keepAliveTimeout = 5000;
    // Requests Node refuses before any route sees them get the contract's JSON body too.
    this.server.on('clientError', answerClientError);
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Stops taking requests and waits for the ones in progress. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    // The webhook takes what SQS takes (its route says so itself); every other request the API's 64 KiB.
    const webhook = url.pathname === WEBHOOK_RESOURCE;
    const body = await readBody(request, webhook ? MAX_WEBHOOK_BYTES + 1 : MAX_API_BODY_BYTES);
    if (body === 'too-large') {
      const message = webhook ? 'A webhook delivery may be at most 256 KiB.' : API_BODY_TOO_LARGE_MESSAGE;
      send(response, 413, errorBodyJson('PAYLOAD_TOO_LARGE', message));
      request.resume();
      return;
    }
    const headers = flatHeaders(request);
    if (isConsolePath(url.pathname)) {
      // Every method reaches the console's handler, which answers 405 itself for all but GET and HEAD.
      const file = url.pathname.slice(CONSOLE_PATH.length + 1);
      const method = request.method ?? 'GET';
      const route = file
        ? { method, resource: `${CONSOLE_PATH}/{file}`, parameterNames: ['file'] }
        : { method, resource: CONSOLE_PATH, parameterNames: [] };
      const event = proxyEvent(request, url, route, file ? { file } : {}, headers, body);
      const result = await localConsoleHandler(event);
      send(response, result.statusCode, result.body, result.headers as Record<string, string> | undefined);
      return;
    }
    const key = `${request.method} ${url.pathname}`;
    const store = this.options.storeIndependentRoutes?.has(key) ? undefined : this.options.store;
    if (store && !store.available) {
      sendStoreUnavailable(response, store);
      return;
    }
    const startedAt = Date.now();
    // A 5xx while the store was down is the outage's: said so, not as a bare 500.
    const answer = (status: number, text: string, extraHeaders?: Record<string, string>): void => {
      if (store && status >= 500 && store.wasDownSince(startedAt)) sendStoreUnavailable(response, store);
      else send(response, status, text, extraHeaders);
    };
    const raw = this.options.rawRoutes[key];
    if (raw) {
      const result = await raw({ body, headers });
      answer(result.statusCode, JSON.stringify(result.body));
      return;
    }
    const matches = this.routes
      .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
      .filter((candidate) => candidate.match !== null);
    const found = matches.find(({ route }) => route.method === request.method);
    if (!found?.match) {
      const allow = [
        ...matches.map(({ route }) => route.method),
        ...Object.keys(this.options.rawRoutes)
          .filter((key) => key.endsWith(` ${url.pathname}`))
          .map((key) => key.split(' ')[0] ?? ''),
      ];
      if (allow.length) {
        send(
          response,
          405,
          errorBodyJson(
            'METHOD_NOT_ALLOWED',
            `${request.method} is not supported on ${url.pathname}: use ${allow.join(', ')}.`,
          ),
          { Allow: allow.join(', ') },
        );
      } else {
        send(response, 404, errorBodyJson('NOT_FOUND', `There is no route ${url.pathname}.`));
      }
      return;
    }
    const { route, match } = found;
    const pathParameters = decodePathParameters(route.parameterNames, match);
    if (!pathParameters) {
      send(response, 400, errorBodyJson('BAD_REQUEST', `The path ${url.pathname} is not valid percent-encoding.`));
      return;
    }
    const event = proxyEvent(request, url, route, pathParameters, headers, body);
    const result = await this.options.handlers[route.handler](event, lambdaContext(route.handler, 29_000));
    answer(result.statusCode, result.body, result.headers as Record<string, string> | undefined);
  }
}

function proxyEvent(
  request: IncomingMessage,
  url: URL,
  route: { method: string; resource: string; parameterNames: string[] },
  pathParameters: Record<string, string>,
  headers: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEvent {
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) multiQuery[name] = [...(multiQuery[name] ?? []), value];
  const query = Object.fromEntries(
    Object.entries(multiQuery).map(([name, values]) => [name, values[values.length - 1] ?? '']),
  );
  const hasQuery = Object.keys(query).length > 0;
  return {
    httpMethod: route.method,
    path: url.pathname,
    resource: route.resource,
    pathParameters: route.parameterNames.length ? pathParameters : null,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    body: body.length ? body.toString('utf8') : null,
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: undefined,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: route.method,
      identity: {
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: url.pathname,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: route.resource,
      resourcePath: route.resource,
    },
  };
}

/** The `{name}` values of a matched path, or undefined when one is not valid percent-encoding (a client's mistake). */
function decodePathParameters(names: string[], match: RegExpExecArray): Record<string, string> | undefined {
  try {
    return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]));
  } catch {
    return undefined;
  }
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return 'too-large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Node's parser refused the request (headers too large, a method it does not know): answer in JSON, then close. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, code, message]: [number, ErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'REQUEST_HEADER_FIELDS_TOO_LARGE',
          `The request headers are larger than ${MAX_HEADER_KIB} KiB in all; send smaller ones.`,
        ]
      : error.code === 'HPE_INVALID_METHOD'
        ? [405, 'METHOD_NOT_ALLOWED', 'Unknown HTTP method: use GET, POST, PUT, PATCH or DELETE, in capitals.']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'REQUEST_TIMEOUT', 'The request took too long to arrive; send it again.']
          : [400, 'BAD_REQUEST', 'The request is not valid HTTP.'];
  const body = errorBodyJson(code, message);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n` +
      body,
  );
}

function sendStoreUnavailable(response: ServerResponse, store: GatewayStore): void {
  const problem = store.problem ?? 'The embedded store stopped while this request ran; it has been restarted.';
  send(response, 503, errorBodyJson('STORE_UNAVAILABLE', `${problem} Try again in a few seconds.`), {
    'Retry-After': String(STORE_RETRY_AFTER_SECONDS),
  });
}

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(status === 204 ? undefined : body);
}
