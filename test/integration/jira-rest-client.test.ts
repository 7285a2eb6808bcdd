import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JiraRestClient, readUsers } from '../../lambdas/adapters/jira/jira-rest-client.js';
import type { RetryPolicy } from '../../lambdas/adapters/jira/retry-policy.js';
import type { JiraAccount } from '../../lambdas/domain/jira-account.js';
import { UpstreamError } from '../../lambdas/domain/errors.js';
import { startJiraSimulator, type JiraSimulator } from '../../local/jira-simulator/index.js';

/** Short waits, so backoff is exercised without slowing the suite. */
const FAST_POLICY: RetryPolicy = {
  maxAttempts: 4,
  maxRateLimitedAttempts: 20,
  baseDelayMs: 2,
  maxDelayMs: 10,
  requestTimeoutMs: 5_000,
  budgetMs: 30_000,
};
const ENV_KEYS = ['JIRA_USER_EMAIL', 'JIRA_API_TOKEN', 'JIRA_API_TOKEN_SECRET_ARN'] as const;

let jira: JiraSimulator;
let client: JiraRestClient;
const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

/** Pages until an empty page, moving on by what each page returned. */
async function allAccounts(pageSize: number): Promise<{ accounts: JiraAccount[]; pages: number }> {
  const accounts: JiraAccount[] = [];
  let pages = 0;
  for (let startAt = 0; ; ) {
    const page = await client.searchUsers(startAt, pageSize);
    pages += 1;
    if (page.returned === 0) return { accounts, pages };
    accounts.push(...page.accounts);
    startAt += page.returned;
  }
}

beforeAll(async () => {
  jira = await startJiraSimulator({ users: 2500, customers: 300, seed: 11 });
  for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
  delete process.env.JIRA_API_TOKEN_SECRET_ARN;
  process.env.JIRA_USER_EMAIL = jira.service.email;
  process.env.JIRA_API_TOKEN = jira.service.apiToken;
  client = new JiraRestClient({
    baseUrl: () => jira.url,
    syncPolicy: FAST_POLICY,
    loginPolicy: { ...FAST_POLICY, maxAttempts: 2, maxRateLimitedAttempts: 2, budgetMs: 2_000 },
  });
});

afterAll(async () => {
  for (const key of ENV_KEYS) {
    const value = savedEnv[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await jira.stop();
});

beforeEach(() => {
  jira.setRateLimit(undefined);
  jira.failNext(0);
  jira.resetCallCounts();
});

describe('JiraRestClient against the Jira simulator', () => {
  it('pages through every account with the service credentials', async () => {
    // Prepare
    const expected = jira.accounts().map((account) => account.accountId);

    // Act
    const { accounts, pages } = await allAccounts(1000);

    // Assess
    expect(accounts.map((account) => account.accountId)).toEqual(expected);
    // Only an empty page ends the list: one call more than the pages holding accounts.
    expect(pages).toBe(Math.ceil(expected.length / 1000) + 1);
    expect(jira.callCounts()).toEqual({ 'users/search': pages });
  });

  it('reads one account, undefined when Jira does not know it', async () => {
    // Prepare
    const hidden = jira
      .accounts()
      .find((account) => account.accountType !== 'app' && account.active && !account.emailAddress);
    const known = jira.accounts().find((account) => account.accountType === 'customer' && account.emailAddress);

    // Act
    const hiddenUser = await client.getUser(hidden?.accountId ?? '');
    const knownUser = await client.getUser(known?.accountId ?? '');
    const unknown = await client.getUser('712020:00000000-0000-4000-8000-000000000000');

    // Assess
    expect(hiddenUser?.accountId).toBe(hidden?.accountId);
    expect(hiddenUser?.emailAddress).toBeUndefined();
    expect(knownUser).toEqual(
      expect.objectContaining({
        accountId: known?.accountId,
        accountType: 'customer',
        emailAddress: known?.emailAddress,
      }),
    );
    expect(unknown).toBeUndefined();
  });

  it('follows 429 Retry-After and still lists every account', async () => {
    // Prepare
    jira.setRateLimit({ every: 2, retryAfterSeconds: 0 });

    // Act
    const { accounts, pages } = await allAccounts(500);

    // Assess
    expect(accounts).toHaveLength(jira.accountCount());
    // Calls 2, 4, 6, ... were refused and asked again: every page but the first took two calls.
    expect(jira.callCounts()['users/search']).toBe(pages * 2 - 1);
    expect(new Set(accounts.map((account) => account.accountId)).size).toBe(accounts.length);
  });

  it('waits as long as Retry-After says', async () => {
    // Prepare: every second call is refused with Retry-After: 1; the first call goes through
    jira.setRateLimit({ every: 2, retryAfterSeconds: 1 });
    await client.searchUsers(0, 1);

    // Act: refused once, then asked again after the wait
    const started = Date.now();
    const page = await client.searchUsers(0, 10);

    // Assess
    expect(page.accounts).toHaveLength(10);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(jira.callCounts()['users/search']).toBe(3);
  });

  it('backs off on 503 and succeeds when Jira recovers', async () => {
    // Prepare
    jira.failNext(FAST_POLICY.maxAttempts - 1, 503);

    // Act
    const page = await client.searchUsers(0, 5);

    // Assess
    expect(page.accounts).toHaveLength(5);
    expect(jira.callCounts()['users/search']).toBe(FAST_POLICY.maxAttempts);
  });

  it('gives up with an UpstreamError when Jira keeps failing', async () => {
    // Prepare
    jira.failNext(FAST_POLICY.maxAttempts + 5, 502);

    // Act
    const outcome = client.searchUsers(0, 5);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(UpstreamError);
    expect(jira.callCounts()['users/search']).toBe(FAST_POLICY.maxAttempts);
  });

  it('tells who calls with their own credentials, undefined for wrong ones', async () => {
    // Prepare
    const wrong = `Basic ${Buffer.from(`${jira.agent.email}:wrong-token`).toString('base64')}`;
    const adminId = jira.accounts()[0]?.accountId;
    const agentId = jira.accounts()[1]?.accountId;

    // Act
    const admin = await client.whoIs(jira.admin.authorization);
    const agent = await client.whoIs(jira.agent.authorization);
    const nobody = await client.whoIs(wrong);

    // Assess
    expect(admin).toEqual({
      accountId: adminId,
      displayName: jira.getAccount(adminId ?? '')?.displayName,
      accountType: 'atlassian',
      active: true,
    });
    expect(agent?.accountId).toBe(agentId);
    expect(nobody).toBeUndefined();
  });

  it('knows who administers Jira', async () => {
    // Prepare
    const wrong = `Basic ${Buffer.from('nobody@example.com:token').toString('base64')}`;

    // Act
    const admin = await client.isAdministrator(jira.admin.authorization);
    const agent = await client.isAdministrator(jira.agent.authorization);
    const nobody = await client.isAdministrator(wrong);

    // Assess
    expect(admin).toBe(true);
    expect(agent).toBe(false);
    expect(nobody).toBe(false);
    expect(jira.callCounts()).toEqual({ mypermissions: 3 });
  });

  it('asks ADMINISTER and USER_PICKER in one request', async () => {
    // Prepare: a customer with a working token, and an agent whose "Browse users and groups" is revoked
    const customer = jira.accounts().find((account) => account.accountType === 'customer');
    const customerToken = jira.issueToken(customer?.accountId ?? '');
    const agentId = jira.accounts()[1]?.accountId ?? '';
    // Act
    const admin = await client.permissions(jira.admin.authorization);
    const agent = await client.permissions(jira.agent.authorization);
    jira.setPermission(agentId, 'USER_PICKER', false);
    const revoked = await client.permissions(jira.agent.authorization);
    jira.setPermission(agentId, 'USER_PICKER', true);
    const asCustomer = await client.permissions(customerToken.authorization);
    const customerSelf = await client.whoIs(customerToken.authorization);
    // Assess
    expect(admin).toEqual({ administer: true, browseUsers: true });
    expect(agent).toEqual({ administer: false, browseUsers: true });
    expect(revoked).toEqual({ administer: false, browseUsers: false });
    expect(asCustomer).toEqual({ administer: false, browseUsers: false });
    expect(customerSelf).toMatchObject({ accountId: customer?.accountId, accountType: 'customer', active: true });
    expect(jira.callCounts()).toMatchObject({ mypermissions: 4 });
  });

  it('asks again with a smaller page when users/search answers 409 (a request past 10 s)', async () => {
    // Prepare
    jira.failNext(2, 409);

    // Act
    const page = await client.searchUsers(0, 1000);

    // Assess: 1000, then 500, then 250 answered
    expect(page.returned).toBe(250);
    expect(page.accounts.map((account) => account.accountId)).toEqual(
      jira
        .accounts()
        .slice(0, 250)
        .map((account) => account.accountId),
    );
    expect(jira.callCounts()['users/search']).toBe(3);
  });

  it('asks a one-record page again as it is when users/search answers 409, a few times at most', async () => {
    // Prepare
    jira.failNext(2, 409);

    // Act
    const probe = await client.searchUsers(5, 1);
    jira.failNext(10, 409);
    const refused = await client.searchUsers(5, 1).catch((error: unknown) => error);
    jira.failNext(0, 409);

    // Assess: never asked for more than one record
    expect(probe.returned).toBe(1);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect(jira.callCounts()['users/search']).toBe(3 + 4);
  });

  it('fails before its deadline instead of waiting past it, saying how long Jira asked to wait', async () => {
    // Prepare: Jira asks for 30 s; the caller has 5 s left
    jira.setRateLimit({ every: 1, retryAfterSeconds: 30 });
    const bounded = client.until(Date.now() + 5_000);

    // Act
    const started = Date.now();
    const outcome = await bounded.searchUsers(0, 10).catch((error: unknown) => error);

    // Assess
    expect(outcome).toBeInstanceOf(UpstreamError);
    expect((outcome as UpstreamError).retryAfterSeconds).toBe(30);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails a login check fast when Jira is busy, passing on its Retry-After', async () => {
    // Prepare
    jira.setRateLimit({ every: 1, retryAfterSeconds: 20 });

    // Act
    const outcome = await client.whoIs(jira.admin.authorization).catch((error: unknown) => error);

    // Assess: no 20 s wait, one call
    expect(outcome).toBeInstanceOf(UpstreamError);
    expect((outcome as UpstreamError).retryAfterSeconds).toBe(20);
    expect(jira.callCounts().myself).toBe(1);
  });

  it('reaches Jira through a base URL with a path (scoped tokens: api.atlassian.com/ex/jira/<cloudId>)', async () => {
    // Prepare: a gateway that serves Jira under /ex/jira/<cloudId>, as api.atlassian.com does
    const cloudId = '11111111-2222-3333-4444-555555555555';
    const prefix = `/ex/jira/${cloudId}`;
    const seen: string[] = [];
    const gateway = createServer((request, response) => {
      const url = request.url ?? '';
      seen.push(url);
      if (!url.startsWith(`${prefix}/rest/`)) {
        response.writeHead(404).end();
        return;
      }
      fetch(`${jira.url}${url.slice(prefix.length)}`, {
        headers: { Authorization: String(request.headers.authorization) },
      })
        .then(async (upstream) =>
          response.writeHead(upstream.status, { 'Content-Type': 'application/json' }).end(await upstream.text()),
        )
        .catch(() => response.writeHead(502).end());
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const scoped = new JiraRestClient({
      baseUrl: () => `http://127.0.0.1:${(gateway.address() as AddressInfo).port}${prefix}`,
      syncPolicy: FAST_POLICY,
    });

    try {
      // Act
      const page = await scoped.searchUsers(0, 5);
      const admin = await scoped.whoIs(jira.admin.authorization);

      // Assess
      expect(page.accounts).toHaveLength(5);
      expect(admin?.accountId).toBe(jira.accounts()[0]?.accountId);
      expect(seen.every((url) => url.startsWith(`${prefix}/rest/api/3/`))).toBe(true);
    } finally {
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
    }
  });
});

describe('readUsers', () => {
  it('reads null and missing fields as Jira means them; a record it cannot use is counted, the page served', () => {
    // Prepare: records as Jira Cloud's spec allows them
    const records = [
      { accountId: 'a-1', accountType: 'atlassian', displayName: 'Ada', emailAddress: null, active: true },
      { accountId: 'a-2', accountType: 'customer', displayName: null, emailAddress: 'b@example.com' },
      { accountId: 'a-3' },
      { accountType: 'atlassian', name: 'dc-style', key: 'JIRAUSER1' },
      null,
      { accountId: 'unknown', accountType: 'unknown' },
    ];

    // Act
    const page = readUsers(records);

    // Assess
    expect(page.returned).toBe(6);
    expect(page.unreadable).toBe(2);
    expect(page.accounts).toEqual([
      { accountId: 'a-1', accountType: 'atlassian', displayName: 'Ada', emailAddress: undefined, active: true },
      {
        accountId: 'a-2',
        accountType: 'customer',
        displayName: undefined,
        emailAddress: 'b@example.com',
        active: true,
      },
      { accountId: 'a-3', accountType: 'unknown', displayName: undefined, emailAddress: undefined, active: true },
      { accountId: 'unknown', accountType: 'unknown', displayName: undefined, emailAddress: undefined, active: true },
    ]);
  });
});
