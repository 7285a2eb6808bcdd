import type { RetryPolicy } from '../../lambdas/adapters/jira/retry-policy.js';
import { JiraOrganizationsClient } from '../../lambdas/adapters/jira/jira-organizations-client.js';
import { BurstLimiter } from '../../lambdas/adapters/jira/jsm-paging.js';
import { type JiraSimulator, startJiraSimulator } from '../../local/jira-simulator/index.js';

const FAST_POLICY: RetryPolicy = {
  maxAttempts: 4,
  maxRateLimitedAttempts: 20,
  baseDelayMs: 2,
  maxDelayMs: 10,
  requestTimeoutMs: 5_000,
  budgetMs: 30_000,
};
const ENV_KEYS = ['JIRA_USER_EMAIL', 'JIRA_API_TOKEN', 'JIRA_API_TOKEN_SECRET_ARN'] as const;
const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

let jira: JiraSimulator;

beforeAll(async () => {
  jira = await startJiraSimulator({ users: 10, customers: 40, seed: 5 });
  for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
  delete process.env.JIRA_API_TOKEN_SECRET_ARN;
  process.env.JIRA_USER_EMAIL = jira.service.email;
  process.env.JIRA_API_TOKEN = jira.service.apiToken;
});

afterAll(async () => {
  await jira.stop();
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

const client = (limiter = new BurstLimiter()) =>
  new JiraOrganizationsClient({ baseUrl: () => jira.url, policy: FAST_POLICY, limiter });

describe('JiraOrganizationsClient against the simulator', () => {
  it('reads every organization and every member by start/limit until isLastPage, moving on by what Jira returned', async () => {
    // Prepare: pages capped well below the limit asked for
    const customers = jira.accounts().filter((account) => account.accountType === 'customer' && account.active);
    for (let index = 0; index < 12; index += 1) jira.organizations.create({ name: `Org ${index}` });
    const big = jira.organizations.create({
      name: 'Big Org',
      members: customers.slice(0, 17).map((account) => account.accountId),
    });
    jira.organizations.setQuirks({ pageCap: 5, burstLimit: false });
    const reader = client();
    // Act
    const names: string[] = [];
    let organizationPages = 0;
    for (let start = 0; ; ) {
      const page = await reader.organizationsPage(start);
      organizationPages += 1;
      names.push(...page.values.map((organization) => organization.name));
      if (page.isLastPage) break;
      start += page.returned;
    }
    const members: string[] = [];
    for (let start = 0; ; ) {
      const page = await reader.membersPage(big.id, start);
      members.push(...page.values);
      if (page.isLastPage) break;
      start += page.returned;
    }
    // Assess
    expect(names).toHaveLength(13);
    expect(new Set(names).size).toBe(13);
    expect(organizationPages).toBe(3);
    expect(members).toEqual(customers.slice(0, 17).map((account) => account.accountId));
  });

  it('stays under the burst limit of 5 a second, and waits out the 429 of a second reader', async () => {
    // Prepare: the burst limit on; two containers' readers, each pacing only itself
    jira.organizations.setQuirks({ pageCap: 50, burstLimit: true });
    jira.resetCallCounts();
    const alone = client();
    // Act: one reader alone never meets the limit
    for (let call = 0; call < 12; call += 1) await alone.organizationsPage(0);
    const faultsAlone = jira.faultCounts()['429'] ?? 0;
    // Act: two readers together go over it, are told to wait, and still get every page
    const [a, b] = [client(), client()];
    const pages = await Promise.all(Array.from({ length: 8 }, (_, call) => (call % 2 ? a : b).organizationsPage(0)));
    // Assess
    expect(faultsAlone).toBe(0);
    expect(pages.every((page) => page.values.length === 13)).toBe(true);
    expect(jira.faultCounts()['429'] ?? 0).toBeGreaterThan(0);
  }, 30_000);

  it('counts a record without an id as unreadable, never a failed page', async () => {
    // Prepare
    jira.organizations.setQuirks({ pageCap: 50, burstLimit: false });
    const organization = jira.organizations.create({ name: 'Hidden Members' });
    jira.organizations.addMembers(organization.id, [jira.accounts()[0]?.accountId ?? '']);
    // Act
    const page = await client().membersPage(organization.id, 0);
    const missing = client().membersPage('999999', 0);
    // Assess
    expect(page).toMatchObject({ values: [jira.accounts()[0]?.accountId], unreadable: 0, isLastPage: true });
    await expect(missing).rejects.toThrow(/404/);
  });
});
