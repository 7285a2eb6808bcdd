import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SYNC_RETRY_POLICY } from '../../lambdas/adapters/jira/retry-policy.js';
import { lambdaContext } from '../../local/lambda-context.js';

// As in Lambda with active tracing, except that Node's HTTP modules are left unpatched for the
// rest of this test worker. Set before the handlers load: they build the tracer.
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
process.env._HANDLER = 'index.handler';
process.env.POWERTOOLS_TRACE_ENABLED = 'true';
// Automatic mode, as on Lambda (test/helpers/setup-env.ts turns it off for every other test file).
delete process.env.AWS_XRAY_MANUAL_MODE;
// The X-Ray SDK under Powertools Tracer: a root segment stands in for the one Lambda opens.
const { default: xray } = await import('aws-xray-sdk-core');
process.env.POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS = 'false';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
const { jiraGet } = await import('../../lambdas/adapters/jira/jira-http.js');
const { inSubsegment, tracer } = await import('../../lambdas/shared/powertools.js');
const { taskHandler } = await import('../../lambdas/shared/task-handler.js');

/** A (sub)segment as X-Ray receives it. */
interface TraceDocument {
  name: string;
  annotations?: Record<string, unknown>;
  fault?: boolean;
  end_time?: number;
  subsegments?: TraceDocument[];
}

/** Runs `work` under a fresh root segment, as one Lambda invocation; answers what X-Ray would get. */
async function traced(work: () => Promise<unknown>): Promise<TraceDocument> {
  const root = new xray.Segment('contact-sync-test');
  await tracer.provider.getNamespace().runPromise(async () => {
    tracer.setSegment(root);
    await work();
  });
  return JSON.parse(root.format()) as TraceDocument;
}

describe('tracing on', () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const status = request.url?.startsWith('/rest/api/3/user?') ? 404 : 200;
      response.writeHead(status, { 'Content-Type': 'application/json' }).end('[]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is on in Lambda', () => {
    expect(tracer.isTracingEnabled()).toBe(true);
  });

  it('one invocation shows the handler and, inside it, each Jira call with its status', async () => {
    // Prepare
    const task = taskHandler(async () => {
      const page = await jiraGet(`${baseUrl}/rest/api/3/users/search?startAt=0`, 'Basic eDp5', {
        policy: SYNC_RETRY_POLICY,
      });
      const user = await jiraGet(`${baseUrl}/rest/api/3/user?accountId=a%3A1`, 'Basic eDp5', {
        policy: SYNC_RETRY_POLICY,
      });
      return { statuses: [page.status, user.status] };
    });

    // Act
    const root = await traced(() => task({}, lambdaContext('sync-users-segment')));

    // Assess
    const [invocation, ...others] = root.subsegments ?? [];
    expect(others).toEqual([]);
    expect(invocation?.name).toBe('## index.handler');
    expect(invocation?.annotations).toEqual({ ColdStart: expect.any(Boolean), Service: 'contact-sync' });
    expect(invocation?.end_time).toEqual(expect.any(Number));
    const calls = (invocation?.subsegments ?? []).map((call) => ({
      name: call.name,
      annotations: call.annotations,
      closed: call.end_time !== undefined,
    }));
    expect(calls).toEqual([
      { name: '## jira GET /rest/api/3/users/search', annotations: { JiraStatus: 200 }, closed: true },
      { name: '## jira GET /rest/api/3/user', annotations: { JiraStatus: 404 }, closed: true },
    ]);
  });

  it('a failing subsegment is closed, marked and throws on', async () => {
    // Act
    const root = await traced(() =>
      expect(
        inSubsegment('## failing', async () => {
          throw new Error('Jira could not be reached');
        }),
      ).rejects.toThrow('Jira could not be reached'),
    );

    // Assess
    const [failing] = root.subsegments ?? [];
    expect(failing?.name).toBe('## failing');
    expect(failing?.end_time).toEqual(expect.any(Number));
    expect(failing?.fault).toBe(true);
  });
});
