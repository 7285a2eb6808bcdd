import { DynamoDbAccountLinkStore } from '../../lambdas/adapters/dynamodb/dynamodb-account-link-store.js';
import { DynamoDbCompanyStore } from '../../lambdas/adapters/dynamodb/dynamodb-company-store.js';
import { DynamoDbMembershipStore } from '../../lambdas/adapters/dynamodb/dynamodb-membership-store.js';
import { DynamoDbSyncedCompanyStore } from '../../lambdas/adapters/dynamodb/dynamodb-synced-company-store.js';
import { DynamoDbUserSyncStore } from '../../lambdas/adapters/dynamodb/dynamodb-user-sync-store.js';
import { JiraOrganizationsClient } from '../../lambdas/adapters/jira/jira-organizations-client.js';
import type { Company } from '../../lambdas/domain/company.js';
import {
  type OrganizationCursor,
  type OrganizationSyncDependencies,
  syncOrganizationsStep,
} from '../../lambdas/domain/sync/sync-organizations.js';
import { BurstLimiter } from '../../lambdas/adapters/jira/jsm-paging.js';
import { type JiraSimulator, startJiraSimulator } from '../../local/jira-simulator/index.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';

const ENV_KEYS = ['JIRA_USER_EMAIL', 'JIRA_API_TOKEN', 'JIRA_API_TOKEN_SECRET_ARN'] as const;
const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

let jira: JiraSimulator;
let dynamo: TestTable;
let deps: OrganizationSyncDependencies;
let settings: DynamoDbUserSyncStore;
let companies: DynamoDbCompanyStore;

beforeAll(async () => {
  jira = await startJiraSimulator({ users: 5, customers: 10, seed: 3 });
  jira.organizations.setQuirks({ burstLimit: false });
  for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
  delete process.env.JIRA_API_TOKEN_SECRET_ARN;
  process.env.JIRA_USER_EMAIL = jira.service.email;
  process.env.JIRA_API_TOKEN = jira.service.apiToken;
  dynamo = await startTestTable();
  settings = new DynamoDbUserSyncStore(dynamo.client, dynamo.table);
  companies = new DynamoDbCompanyStore(dynamo.client, dynamo.table);
  deps = {
    // JSM's burst limit is the client's test (jira-organizations-client): off here, the steps are this one's.
    directory: new JiraOrganizationsClient({ baseUrl: () => jira.url, limiter: new BurstLimiter({ perSecond: 1000 }) }),
    companies: new DynamoDbSyncedCompanyStore(dynamo.client, dynamo.table),
    memberships: new DynamoDbMembershipStore(dynamo.client, dynamo.table),
    links: new DynamoDbAccountLinkStore(dynamo.client, dynamo.table),
    settings,
  };
});

afterAll(async () => {
  await dynamo.stop();
  await jira.stop();
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

/** Calls the step as the state machine does, until its cursor is null; answers the cursors it returned. */
async function runSteps(runId: string, action: 'enable' | 'reconcile'): Promise<OrganizationCursor[]> {
  const cursors: OrganizationCursor[] = [];
  let cursor: OrganizationCursor = null;
  do {
    cursor = await syncOrganizationsStep(deps, { runId, action, cursor, memberPagesPerCall: 2 });
    cursors.push(cursor);
  } while (cursor !== null);
  return cursors;
}

describe('the organization step, against the simulator and the embedded DynamoDB', () => {
  it('splits a page of large organizations over bounded calls, and the sweep still sees every organization', async () => {
    // Prepare: 7 organizations, 3 a page; each with 4 members, 3 a page (two member pages each)
    const members = jira
      .accounts()
      .filter((account) => account.accountType === 'customer')
      .slice(0, 4)
      .map((account) => account.accountId);
    const ids = Array.from(
      { length: 7 },
      (_, index) => jira.organizations.create({ name: `Org ${index}`, members }).id,
    );
    jira.organizations.setQuirks({ pageCap: 3 });

    // Act
    const enabled = await runSteps('run-enable', 'enable');
    jira.organizations.delete(ids[6] ?? '');
    const reconciled = await runSteps('run-reconcile', 'reconcile');

    // Assess: one organization a call (two member pages each), seven calls for the enable
    expect(enabled).toEqual(['org:0:1', 'org:0:2', 'org:3', 'org:3:1', 'org:3:2', 'org:6', null]);
    expect(reconciled.at(-2)).toBe('sweep:');
    const all = (await companies.listCompanies({ limit: 100 })).items;
    expect(all).toHaveLength(7);
    const followed = (company: Company) => company.jsmOrganization?.id;
    expect(all.filter(followed).map(followed).sort()).toEqual(ids.slice(0, 6).sort());
    expect((await settings.summary('run-enable')).progress.organizations).toMatchObject({ read: 7, created: 7 });
    expect((await settings.summary('run-reconcile')).progress.organizations).toMatchObject({
      read: 6,
      created: 0,
      unlinked: 1,
    });
  }, 60_000);
});
