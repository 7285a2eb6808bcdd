import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RetryPolicy } from '../../lambdas/adapters/jira/retry-policy.js';
import { JiraServiceDeskClient } from '../../lambdas/adapters/jira/jira-servicedesk-client.js';
import { BurstLimiter } from '../../lambdas/adapters/jira/jsm-paging.js';
import type { JiraAccount } from '../../lambdas/domain/jira-account.js';
import { JiraRestClient } from '../../lambdas/adapters/jira/jira-rest-client.js';
import { type JiraSimulator, startJiraSimulator } from '../../local/jira-simulator/index.js';

/** Short backoff for transient failures; 429s are waited out as the simulator asks (1 s). */
const POLICY: RetryPolicy = {
  maxAttempts: 4,
  maxRateLimitedAttempts: 50,
  baseDelayMs: 2,
  maxDelayMs: 10,
  requestTimeoutMs: 5_000,
  budgetMs: 60_000,
};
const ENV_KEYS = ['JIRA_USER_EMAIL', 'JIRA_API_TOKEN', 'JIRA_API_TOKEN_SECRET_ARN'] as const;
const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
let jira: JiraSimulator;
/** One per container in the service, so one here: every client of this file shares the site's budget. */
const limiter = new BurstLimiter();

/** A desk's customers page by page, as the sync reads them: the next start adds what Jira returned. */
async function readDesk(client: JiraServiceDeskClient, deskId: string) {
  const accounts: JiraAccount[] = [];
  const pageSizes: number[] = [];
  for (let start = 0; ; ) {
    const page = await client.customers(deskId, start);
    pageSizes.push(page.returned);
    accounts.push(...page.values);
    start += page.returned;
    if (page.isLastPage || page.returned === 0) return { accounts, pageSizes };
  }
}

beforeAll(async () => {
  jira = await startJiraSimulator({
    users: 20,
    customers: 260,
    apps: 1,
    inactive: 2,
    hiddenEmails: 2,
    serviceDesks: 3,
    jsmPageCap: 50,
    customersInUserSearch: false,
    seed: 19,
  });
  for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
  delete process.env.JIRA_API_TOKEN_SECRET_ARN;
  process.env.JIRA_USER_EMAIL = jira.service.email;
  process.env.JIRA_API_TOKEN = jira.service.apiToken;
});

afterAll(async () => {
  for (const key of ENV_KEYS) {
    const value = savedEnv[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await jira.stop();
});

beforeEach(() => jira.resetCallCounts());

describe('JSM paging (start/limit until isLastPage)', () => {
  it('lists every service desk', async () => {
    // Prepare
    const client = new JiraServiceDeskClient({ baseUrl: () => jira.url, policy: POLICY, limiter });
    // Act
    const page = await client.serviceDesks(0);
    // Assess
    expect(page).toEqual({ returned: 3, values: ['1', '2', '3'], unreadable: 0, isLastPage: true });
  });

  it('reads every customer of a desk once, in pages of the size Jira returns (50), not the size asked (100)', async () => {
    // Prepare
    const client = new JiraServiceDeskClient({ baseUrl: () => jira.url, policy: POLICY, pageLimit: 100, limiter });
    const expected = jira.serviceDeskCustomers('1').map((account) => account.accountId);
    // Act
    const { accounts, pageSizes } = await readDesk(client, '1');
    // Assess
    expect(expected.length).toBeGreaterThan(100);
    expect(accounts.map((account) => account.accountId)).toEqual(expected);
    expect(pageSizes.slice(0, -1).every((size) => size === 50)).toBe(true);
    expect(jira.callCounts()['servicedesk/customer']).toBe(Math.ceil(expected.length / 50));
    // JSM's records carry no accountType: they are customers.
    expect(accounts.every((account) => account.accountType === 'customer')).toBe(true);
    const inactive = jira.serviceDeskCustomers('1').filter((account) => !account.active);
    for (const account of inactive)
      expect(accounts.find((read) => read.accountId === account.accountId)?.active).toBe(false);
  });

  it('a site without JSM has no service desks (a 404 is an empty list), and users/search may leave customers out', async () => {
    // Prepare
    const client = new JiraServiceDeskClient({ baseUrl: () => `${jira.url}/no-jsm-here`, policy: POLICY, limiter });
    const users = new JiraRestClient({ baseUrl: () => jira.url, syncPolicy: POLICY });
    // Act
    const none = await client.serviceDesks(0);
    const listed = await users.searchUsers(0, 1000);
    // Assess
    expect(none).toEqual({ returned: 0, values: [], unreadable: 0, isLastPage: true });
    expect(listed.accounts.length).toBeGreaterThan(0);
    expect(listed.accounts.some((account) => account.accountType === 'customer')).toBe(false);
  });
});

describe("JSM's burst limit (5 requests a second)", () => {
  it('stays under it: reading every desk meets no 429', async () => {
    // Prepare
    const client = new JiraServiceDeskClient({ baseUrl: () => jira.url, policy: POLICY, limiter });
    // Act
    for (const desk of ['1', '2', '3']) await readDesk(client, desk);
    // Assess
    expect(jira.callCounts()['servicedesk/customer']).toBeGreaterThan(5);
    expect(jira.faultCounts()['jsm-burst'] ?? 0).toBe(0);
  });

  it('waits out the 429 it meets when callers go past it, and every read still succeeds', async () => {
    // Prepare: a limiter that lets 15 requests start at once, far past the site's 5 a second
    const client = new JiraServiceDeskClient({
      baseUrl: () => jira.url,
      policy: POLICY,
      limiter: new BurstLimiter({ perSecond: 1000 }),
    });
    const expected = jira.serviceDeskCustomers('2').slice(0, 50);
    // Act
    const pages = await Promise.all(Array.from({ length: 15 }, () => client.customers('2', 0)));
    // Assess
    expect(jira.faultCounts()['jsm-burst']).toBeGreaterThan(0);
    for (const page of pages)
      expect(page.values.map((account) => account.accountId)).toEqual(expected.map((a) => a.accountId));
  }, 60_000);
});

describe('BurstLimiter', () => {
  it('lets at most perSecond requests start in any window', async () => {
    // Prepare: a clock the test moves
    let now = 0;
    const limiter = new BurstLimiter({ perSecond: 5, windowMs: 1000, now: () => now });
    // Act: five start at once; the sixth waits for the window to pass
    for (let i = 0; i < 5; i += 1) await limiter.take();
    let sixthStarted = false;
    const sixth = limiter.take().then(() => (sixthStarted = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const beforeWindow = sixthStarted;
    now = 1000;
    await sixth;
    // Assess
    expect(beforeWindow).toBe(false);
    expect(sixthStarted).toBe(true);
  });
});

describe('a portal sign-up through the control API', () => {
  it('adds the customer to the desk and sends jira:issue_created naming it, and no user_created', async () => {
    // Prepare: a webhook target that keeps what it receives
    const received: Array<{ event: string; body: Record<string, unknown> }> = [];
    const target = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const parsed = JSON.parse(body) as Record<string, unknown>;
        received.push({ event: String(parsed.webhookEvent), body: parsed });
        response.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', () => resolve()));
    jira.setWebhookTarget(`http://127.0.0.1:${(target.address() as AddressInfo).port}/webhooks/jira`);
    try {
      // Act
      const response = await fetch(`${jira.url}/simulator/portal-signups`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ displayName: 'Sign Up', emailAddress: 'sign.up@customer.example', serviceDeskId: '3' }),
      });
      const created = (await response.json()) as {
        customer: { accountId: string; accountType: string };
        issueKey: string;
      };
      const unknownDesk = await fetch(`${jira.url}/simulator/portal-signups`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ displayName: 'Nowhere', serviceDeskId: '99' }),
      });
      // Assess
      expect(response.status).toBe(201);
      expect(created).toMatchObject({ customer: { accountType: 'customer' }, issueKey: 'SUP3-1' });
      expect(unknownDesk.status).toBe(404);
      expect(jira.serviceDeskCustomers('3').map((account) => account.accountId)).toContain(created.customer.accountId);
      expect(received.map((delivery) => delivery.event)).toEqual(['jira:issue_created']);
      expect(received[0]?.body).toMatchObject({
        user: { accountId: created.customer.accountId },
        issue: {
          key: 'SUP3-1',
          fields: {
            reporter: { accountId: created.customer.accountId },
            creator: { accountId: created.customer.accountId },
          },
        },
      });
    } finally {
      jira.setWebhookTarget(undefined);
      await new Promise<void>((resolve) => target.close(() => resolve()));
    }
  });
});
