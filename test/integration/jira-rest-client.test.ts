import { JiraRestClient } from '../../lambdas/adapters/jira/jira-rest-client.js';
import type { RetryPolicy } from '../../lambdas/adapters/jira/backoff.js';
import type { JiraAccount } from '../../lambdas/domain/jira-account.js';
import { UpstreamError } from '../../lambdas/domain/errors.js';
import { startJiraSimulator, type JiraSimulator } from '../../local/jira-simulator/index.js';

/** Short waits, so backoff is exercised without slowing the suite. */
const FAST_POLICY: RetryPolicy = { maxAttempts: 4, maxRateLimitedAttempts: 20, baseDelayMs: 2, maxDelayMs: 10 };
const ENV_KEYS = ['JIRA_USER_EMAIL', 'JIRA_API_TOKEN', 'JIRA_API_TOKEN_SECRET_ARN'] as const;

let jira: JiraSimulator;
let client: JiraRestClient;
const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

async function allAccounts(pageSize: number): Promise<{ accounts: JiraAccount[]; pages: number }> {
  const accounts: JiraAccount[] = [];
  let pages = 0;
  for (let startAt = 0; ; startAt += pageSize) {
    const page = await client.searchUsers(startAt, pageSize);
    pages += 1;
    accounts.push(...page);
    if (page.length < pageSize) return { accounts, pages };
  }
}

beforeAll(async () => {
  jira = await startJiraSimulator({ users: 2500, customers: 300, seed: 11 });
  for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
  delete process.env.JIRA_API_TOKEN_SECRET_ARN;
  process.env.JIRA_USER_EMAIL = jira.service.email;
  process.env.JIRA_API_TOKEN = jira.service.apiToken;
  client = new JiraRestClient(() => jira.url, FAST_POLICY);
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
    expect(pages).toBe(Math.ceil(expected.length / 1000));
    expect(jira.callCounts()).toEqual({ 'users/search': pages });
  });

  it('reads one account, undefined when Jira does not know it', async () => {
    // Prepare
    const hidden = jira.accounts().find((account) => account.accountType !== 'app' && account.active && !account.emailAddress);
    const known = jira.accounts().find((account) => account.accountType === 'customer' && account.emailAddress);

    // Act
    const hiddenUser = await client.getUser(hidden?.accountId ?? '');
    const knownUser = await client.getUser(known?.accountId ?? '');
    const unknown = await client.getUser('712020:00000000-0000-4000-8000-000000000000');

    // Assess
    expect(hiddenUser?.accountId).toBe(hidden?.accountId);
    expect(hiddenUser?.emailAddress).toBeUndefined();
    expect(knownUser).toEqual(expect.objectContaining({ accountId: known?.accountId, accountType: 'customer', emailAddress: known?.emailAddress }));
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
  });

  it('waits as long as Retry-After says', async () => {
    // Prepare
    jira.setRateLimit({ every: 1, retryAfterSeconds: 1 });
    setTimeout(() => jira.setRateLimit(undefined), 50);

    // Act
    const started = Date.now();
    const page = await client.searchUsers(0, 10);

    // Assess
    expect(page).toHaveLength(10);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(jira.callCounts()['users/search']).toBe(2);
  });

  it('backs off on 503 and succeeds when Jira recovers', async () => {
    // Prepare
    jira.failNext(FAST_POLICY.maxAttempts - 1, 503);

    // Act
    const page = await client.searchUsers(0, 5);

    // Assess
    expect(page).toHaveLength(5);
    expect(jira.callCounts()['users/search']).toBe(FAST_POLICY.maxAttempts);
  });

  it('gives up with an UpstreamError when Jira keeps failing', async () => {
    // Prepare
    jira.failNext(FAST_POLICY.maxAttempts + 5, 503);

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
    expect(admin).toEqual({ accountId: adminId, displayName: jira.getAccount(adminId ?? '')?.displayName });
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
});
