import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UpstreamError,
  ValidationError,
} from '../../lambdas/domain/errors.js';
import { newContactSchema } from '../../lambdas/http/contact-schemas.js';
import { errorResponse } from '../../lambdas/http/error-response.js';
import {
  DEFAULT_PAGE_SIZE,
  MAX_API_BODY_BYTES,
  MAX_PAGE_SIZE,
  pageRequest,
  parseBody,
  pathId,
} from '../../lambdas/http/request.js';
import { jsonResponse } from '../../lambdas/http/response.js';
import { routeByMethod } from '../../lambdas/http/route-by-method.js';

function event(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: '/contacts',
    resource: '/contacts',
    body: null,
    isBase64Encoded: false,
    headers: {},
    multiValueHeaders: {},
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

describe('parseBody', () => {
  it('returns the validated body', () => {
    // Act
    const body = parseBody(event({ body: '{"name":" Ada "}' }), newContactSchema);
    // Assess
    expect(body).toEqual({ name: 'Ada' });
  });

  it('reads a base64-encoded body', () => {
    // Prepare
    const body = Buffer.from('{"name":"Ada"}').toString('base64');
    // Act
    const parsed = parseBody(event({ body, isBase64Encoded: true }), newContactSchema);
    // Assess
    expect(parsed).toEqual({ name: 'Ada' });
  });

  it.each([
    ['no body', null, BadRequestError, /needs a JSON body/],
    ['a blank body', '  ', BadRequestError, /needs a JSON body/],
    ['text that is not JSON', 'name=Ada', BadRequestError, /not valid JSON/],
    ['truncated JSON', '{"name":', BadRequestError, /not valid JSON/],
    ['JSON of the wrong shape', '"Ada"', ValidationError, /object/i],
    ['JSON that breaks a rule', '{"name":""}', ValidationError, /name: must not be empty/],
  ])('refuses %s', (_what, body, type, message) => {
    // Act
    const parse = () => parseBody(event({ body }), newContactSchema);
    // Assess
    expect(parse).toThrow(type);
    expect(parse).toThrow(message);
  });

  it('refuses a body over 64 KiB before reading it, counting bytes rather than characters', () => {
    // Prepare: 30,000 three-byte characters are 90,000 bytes
    const body = JSON.stringify({ name: 'Ada', phone: '€'.repeat(30_000) });
    // Act
    const parse = () => parseBody(event({ body }), newContactSchema);
    // Assess
    expect(body.length).toBeLessThan(MAX_API_BODY_BYTES);
    expect(parse).toThrow(PayloadTooLargeError);
    expect(parse).toThrow(/larger than 64 KiB/);
  });
});

describe('pageRequest', () => {
  it('defaults the page size', () => {
    // Act / Assess
    expect(pageRequest(event())).toEqual({ limit: DEFAULT_PAGE_SIZE });
  });

  it('reads limit and cursor', () => {
    // Act
    const page = pageRequest(event({ queryStringParameters: { limit: '7', cursor: 'abc' } }));
    // Assess
    expect(page).toEqual({ limit: 7, cursor: 'abc' });
  });

  it('leaves the parameters the route reads itself', () => {
    // Act
    const page = pageRequest(event({ queryStringParameters: { email: 'a@b.c', limit: '2' } }), ['email']);
    // Assess
    expect(page).toEqual({ limit: 2 });
  });

  it.each([
    ['a zero limit', { limit: '0' }, /limit is 1 to/],
    ['a limit over the maximum', { limit: String(MAX_PAGE_SIZE + 1) }, /limit is 1 to 100/],
    ['a limit that is not a number', { limit: 'ten' }, /Invalid paging/],
    ['a fractional limit', { limit: '2.5' }, /Invalid paging/],
    ['a hexadecimal limit', { limit: '0x10' }, /whole number written in digits/],
    ['a limit in exponent notation', { limit: '1e1' }, /whole number written in digits/],
    ['a limit with a sign', { limit: '+5' }, /whole number written in digits/],
    ['a limit with spaces', { limit: ' 5' }, /whole number written in digits/],
    ['a negative limit', { limit: '-1' }, /whole number written in digits/],
    ['an empty cursor', { cursor: '' }, /Invalid paging/],
    ['an unknown parameter', { sort: 'name' }, /Unknown query parameter: sort/],
  ])('refuses %s with 400', (_what, query, message) => {
    // Act
    const read = () => pageRequest(event({ queryStringParameters: query }));
    // Assess
    expect(read).toThrow(BadRequestError);
    expect(read).toThrow(message);
  });
});

describe('pathId', () => {
  it('returns a well-formed id', () => {
    // Act / Assess
    expect(pathId(event({ pathParameters: { id: 'f47ac10b-58cc-4372-a567-0e02b2c3d479' } }), 'contact')).toBe(
      'f47ac10b-58cc-4372-a567-0e02b2c3d479',
    );
  });

  it('treats an id that cannot exist as not found', () => {
    // Act
    const read = () => pathId(event({ pathParameters: { id: 'a#b' } }), 'contact');
    // Assess
    expect(read).toThrow(NotFoundError);
    expect(read).toThrow('No contact has the id a#b.');
  });
});

describe('routeByMethod', () => {
  const routes = routeByMethod({
    'GET /contacts': async () => jsonResponse(200, { read: true }),
    'POST /contacts': async () => jsonResponse(201, {}),
  });

  it('answers HEAD with the GET route', async () => {
    // Act
    const response = await routes(event({ httpMethod: 'HEAD' }), undefined);
    // Assess
    expect(response.statusCode).toBe(200);
  });

  it('refuses a method the resource does not offer with 405 and an Allow header', async () => {
    // Act
    const refusal = await routes(event({ httpMethod: 'PUT' }), undefined).catch((error: unknown) => error);
    const response = errorResponse(refusal);
    // Assess
    expect(refusal).toBeInstanceOf(MethodNotAllowedError);
    expect(response.statusCode).toBe(405);
    expect(response.headers).toMatchObject({ Allow: 'GET, POST, HEAD' });
    expect(JSON.parse(response.body).error.message).toBe('PUT is not supported on /contacts: use GET, POST, HEAD.');
  });
});

describe('errorResponse', () => {
  it.each([
    [new BadRequestError('m'), 400, 'BAD_REQUEST'],
    [new UnauthorizedError('m'), 401, 'UNAUTHORIZED'],
    [new ForbiddenError('m'), 403, 'FORBIDDEN'],
    [new NotFoundError('m'), 404, 'NOT_FOUND'],
    [new MethodNotAllowedError('m'), 405, 'METHOD_NOT_ALLOWED'],
    [new ConflictError('m'), 409, 'CONFLICT'],
    [new PayloadTooLargeError('m'), 413, 'PAYLOAD_TOO_LARGE'],
    [new ValidationError('m'), 422, 'VALIDATION_FAILED'],
    [new UpstreamError('m'), 503, 'UPSTREAM_UNAVAILABLE'],
  ])('maps %p to %i with the contract error body', (error, status, code) => {
    // Act
    const response = errorResponse(error);
    // Assess
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toEqual({ error: { code, message: 'm' } });
  });

  it('answers 500 without leaking an unexpected error', () => {
    // Act
    const response = errorResponse(new Error('secret table name'));
    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'INTERNAL' } });
  });
});
