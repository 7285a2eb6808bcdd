import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { startJiraSimulator } from '../../local/jira-simulator/index.js';

type Composition = typeof import('../../lambdas/composition.js');

/**
 * The composition root as a new Lambda container has it: loaded in a module registry of its own, so
 * it reads the environment anew (set from `variables`) and has resolved nothing yet.
 */
async function coldStart(variables: Record<string, string>): Promise<Composition> {
  Object.assign(process.env, variables);
  let composition: Composition | undefined;
  await jest.isolateModulesAsync(async () => {
    composition = await import('../../lambdas/composition.js');
  });
  if (!composition) throw new Error('The composition root did not load.');
  return composition;
}

/** A site whose `serverInfo` answers whatever `answer` says, counting the calls. */
async function serveServerInfo(answer: { status: number; body: unknown }) {
  let calls = 0;
  const server = createServer((_request, response) => {
    calls += 1;
    response.writeHead(answer.status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('which Jira a Lambda container speaks to, with JIRA_DEPLOYMENT=auto', () => {
  beforeAll(() => {
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  });

  it.each(['cloud', 'datacenter'] as const)(
    'is %s against the simulator in that mode, asked of serverInfo once, and the login check speaks its API',
    async (deployment) => {
      // Prepare
      const jira = await startJiraSimulator({ deployment, users: 3 });
      try {
        const composition = await coldStart({ JIRA_BASE_URL: jira.url, JIRA_DEPLOYMENT: 'auto' });

        // Act: two first uses at once, a caller's login (its client picked by the answer), and a later use
        const firstUses = await Promise.all([composition.jiraDeployment(), composition.jiraDeployment()]);
        const caller = await composition.callerAuth().authorize(jira.admin.authorization, { level: 'admin' });
        const later = await composition.jiraDeployment();

        // Assess
        expect([...firstUses, later]).toEqual([deployment, deployment, deployment]);
        expect(caller.active).toBe(true);
        expect(jira.callCounts().serverInfo).toBe(1);
      } finally {
        await jira.stop();
      }
    },
  );

  it('is not asked when JIRA_DEPLOYMENT says which', async () => {
    // Prepare
    const jira = await startJiraSimulator({ deployment: 'datacenter', users: 3 });
    try {
      const composition = await coldStart({ JIRA_BASE_URL: jira.url, JIRA_DEPLOYMENT: 'datacenter' });

      // Act
      const deployment = await composition.jiraDeployment();

      // Assess
      expect(deployment).toBe('datacenter');
      expect(jira.callCounts().serverInfo ?? 0).toBe(0);
    } finally {
      await jira.stop();
    }
  });

  it('fails the call with the reason when Jira answers serverInfo neither way, logged once, and asks again next time', async () => {
    // Prepare: a site that is down, then comes back as Jira Cloud
    const answer = { status: 503, body: { errorMessages: ['Down for maintenance'] } };
    const site = await serveServerInfo(answer);
    const errorLines: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      errorLines.push(String(chunk));
      return true;
    });
    try {
      const composition = await coldStart({ JIRA_BASE_URL: site.url, JIRA_DEPLOYMENT: 'auto' });

      // Act
      const failedUses = await Promise.allSettled([composition.jiraDeployment(), composition.jiraDeployment()]);
      const login = composition.callerAuth().authorize('Basic YTpi', { level: 'user' });
      await expect(login).rejects.toThrow(/serverInfo failed \(it answered 503\)/);
      const logged = errorLines.map((line) => JSON.parse(line) as { level: string; message: string });
      Object.assign(answer, { status: 200, body: { deploymentType: 'Cloud', version: '1001.0.0' } });
      const afterwards = await composition.jiraDeployment();
      const cached = await composition.jiraDeployment();

      // Assess
      expect(failedUses.map((use) => use.status)).toEqual(['rejected', 'rejected']);
      expect(failedUses[0]).toMatchObject({
        reason: {
          name: 'UnknownJiraDeploymentError',
          message: expect.stringMatching(/^Could not tell which Jira .*serverInfo failed.*JIRA_DEPLOYMENT/),
        },
      });
      // One line for the two first uses, which shared one question; one for the login's.
      expect(logged).toEqual([
        expect.objectContaining({ level: 'ERROR', message: expect.stringContaining('serverInfo failed') }),
        expect.objectContaining({ level: 'ERROR', message: expect.stringContaining('serverInfo failed') }),
      ]);
      expect(afterwards).toBe('cloud');
      expect(cached).toBe('cloud');
      expect(site.calls()).toBe(3);
    } finally {
      stderr.mockRestore();
      await site.close();
    }
  });
});
