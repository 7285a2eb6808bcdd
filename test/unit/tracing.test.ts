import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { NotFoundError } from '../../lambdas/domain/errors.js';
import { SYNC_RETRY_POLICY } from '../../lambdas/adapters/jira/retry-policy.js';
import { lambdaContext } from '../../local/lambda-context.js';

// Outside Lambda (no AWS_EXECUTION_ENV), as in every test and `npm start`: the tracer is off, as
// the local runtime also says. Set before the handlers load: they build the logger and tracer.
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const { jiraGet, jiraSubsegmentName } = await import('../../lambdas/adapters/jira/jira-http.js');
const { handler: health } = await import('../../lambdas/handlers/health.js');
const { apiHandler } = await import('../../lambdas/http/api-handler.js');
const { jsonResponse } = await import('../../lambdas/http/response.js');
const { inSubsegment, tracer } = await import('../../lambdas/shared/powertools.js');
const { taskHandler } = await import('../../lambdas/shared/task-handler.js');

const getEvent = (resource: string): APIGatewayProxyEvent =>
  ({
    httpMethod: 'GET',
    path: resource,
    resource,
    headers: {},
    requestContext: {},
  }) as unknown as APIGatewayProxyEvent;

describe('handlers with the tracer in their middy chain, tracing off', () => {
  it('is off outside Lambda', () => {
    expect(tracer.isTracingEnabled()).toBe(false);
  });

  it('an API handler answers', async () => {
    // Act
    const response = await health(getEvent('/health'), lambdaContext('health'));

    // Assess
    expect(response).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
  });

  it.each([
    ['a typed error becomes its status', new NotFoundError('No contact c-1.'), 404, 'NOT_FOUND'],
    ['anything else becomes 500', new Error('boom'), 500, 'INTERNAL'],
  ])('an API handler: %s, in the contract`s error body', async (_case, error, status, code) => {
    // Prepare
    const failing = apiHandler('public', async () => {
      throw error;
    });

    // Act
    const response = await failing(getEvent('/contacts/{id}'), lambdaContext('contacts'));

    // Assess
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('a task handler returns its work`s result', async () => {
    // Prepare
    const task = taskHandler(async (input: { n: number }) => ({ n: input.n + 1 }));

    // Act
    const output = await task({ n: 1 }, lambdaContext('task'));

    // Assess
    expect(output).toEqual({ n: 2 });
  });
});

describe('a subsegment, tracing off', () => {
  it('runs the work and returns its result, with no subsegment', async () => {
    // Act
    const seen: unknown[] = [];
    const result = await inSubsegment('## work', async (subsegment) => {
      seen.push(subsegment);
      return jsonResponse(200, { ok: true });
    });

    // Assess
    expect(result.statusCode).toBe(200);
    expect(seen).toEqual([undefined]);
  });

  it('throws the work`s error on', async () => {
    await expect(
      inSubsegment('## work', async () => {
        throw new NotFoundError('gone');
      }),
    ).rejects.toThrow(NotFoundError);
  });
});

describe('a Jira call`s subsegment', () => {
  let server: Server;
  let baseUrl: string;
  const paths: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['https://acme.atlassian.net/rest/api/3/users/search?startAt=0&maxResults=1000', '/rest/api/3/users/search'],
    ['https://api.atlassian.com/ex/jira/1a2b-3c/rest/api/3/user?accountId=a%3A1', '/rest/api/3/user'],
  ])('is named by the resource, without site, cloud id or query: %s', (url, resource) => {
    expect(jiraSubsegmentName(url)).toBe(`## jira GET ${resource}`);
  });

  it('calls Jira through and answers Jira`s response', async () => {
    // Act
    const response = await jiraGet(`${baseUrl}/rest/api/3/users/search?startAt=0`, 'Basic eDp5', {
      policy: SYNC_RETRY_POLICY,
    });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
    expect(paths).toEqual(['/rest/api/3/users/search?startAt=0']);
  });
});
