import { JiraRestClient } from '../../lambdas/adapters/jira/jira-rest-client.js';
import { JiraServiceDeskClient } from '../../lambdas/adapters/jira/jira-servicedesk-client.js';
import { type DeskCursor, syncServiceDeskStep } from '../../lambdas/domain/sync/sync-desk-customers.js';
import { syncUsersSegment } from '../../lambdas/domain/sync/sync-users-segment.js';
import { DynamoDbUserSyncStore } from '../../lambdas/adapters/dynamodb/dynamodb-user-sync-store.js';
import { type JiraSimulator, type SimulatedAccount, startJiraSimulator } from '../../local/jira-simulator/index.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';
import { testStores } from '../helpers/stores.js';

const eligible = (account: SimulatedAccount) =>
  account.active && account.emailAddress !== undefined && account.accountType !== 'app';

let server: TestTable;
beforeAll(async () => {
  server = await startTestTable();
});
afterAll(() => server.stop());

/**
 * One run as the workflow drives it: the users/search segment, then every desk step until done,
 * each step run twice (a Step Functions retry after the first attempt had written everything), and
 * the second attempt on a fresh store instance (another Lambda container, with no cache).
 */
async function runWithDesks(
  options: { customersInUserSearch: boolean; action: 'enable' | 'reconcile'; runId: string },
  world: {
    db: TestTable;
    jira: JiraSimulator;
  },
) {
  const stores = testStores(world.db);
  const { links, syncedContacts, settings } = stores;
  world.jira.setQuirks({ customersInUserSearch: options.customersInUserSearch });
  const jira = new JiraRestClient({ baseUrl: () => world.jira.url });
  const serviceDesks = new JiraServiceDeskClient({ baseUrl: () => world.jira.url });
  await syncUsersSegment(
    { jira, links, syncedContacts, settings },
    { runId: options.runId, action: options.action, startAt: 0 },
  );
  let cursor: Partial<DeskCursor> = {};
  let steps = 0;
  for (;;) {
    const first = await syncServiceDeskStep(
      { serviceDesks, links, syncedContacts, settings },
      { runId: options.runId, action: options.action, cursor, stepSize: 40 },
    );
    const otherContainer = new DynamoDbUserSyncStore(world.db.client, world.db.table);
    const retried = await syncServiceDeskStep(
      { serviceDesks, links, syncedContacts, settings: otherContainer },
      { runId: options.runId, action: options.action, cursor, stepSize: 40 },
    );
    expect(retried).toEqual(first);
    steps += 1;
    cursor = first;
    if (first.done) break;
  }
  return { summary: await settings.summary(options.runId), steps, stores };
}

describe('the service desk steps of a run', () => {
  let db: TestTable;
  let jira: JiraSimulator;

  beforeEach(async () => {
    db = await server.freshTable();
    jira = await startJiraSimulator({
      users: 6,
      customers: 90,
      apps: 1,
      inactive: 2,
      hiddenEmails: 2,
      serviceDesks: 2,
      sharedCustomerEvery: 3,
      seed: 23,
    });
    process.env.JIRA_USER_EMAIL = jira.service.email;
    process.env.JIRA_API_TOKEN = jira.service.apiToken;
  });
  afterEach(async () => {
    await jira.stop();
    await db.stop();
  });

  it('syncs each customer only the desks list once, counted once, whatever the retries', async () => {
    // Prepare
    const customers = jira.accounts().filter((account) => account.accountType === 'customer');
    const others = jira.accounts().filter((account) => account.accountType !== 'customer');
    const listings = ['1', '2'].flatMap((desk) => jira.serviceDeskCustomers(desk));
    // Act
    const { summary, steps, stores } = await runWithDesks(
      { customersInUserSearch: false, action: 'enable', runId: 'run-desks' },
      { db, jira },
    );
    // Assess
    expect(listings.length).toBeGreaterThan(customers.length);
    expect(steps).toBeGreaterThan(3);
    expect(summary.progress).toMatchObject({
      total: others.length + customers.length,
      processed: others.length + customers.length,
      created: others.filter(eligible).length + customers.filter(eligible).length,
      failed: 0,
      sources: { usersSearch: others.length, serviceDesks: customers.length },
    });
    const links = await stores.links.getLinks(customers.map((account) => account.accountId));
    expect([...links.values()].filter((link) => link.status === 'linked')).toHaveLength(
      customers.filter(eligible).length,
    );
  });

  it('leaves an account users/search listed to users/search: counted there, its type kept', async () => {
    // Prepare: the agent (a Jira user) is also a customer of desk 1
    const agent = jira
      .accounts()
      .find(
        (account) =>
          account.accountType === 'atlassian' &&
          eligible(account) &&
          account.accountId !== jira.accounts()[0]?.accountId,
      );
    if (!agent) throw new Error('The simulator has no agent.');
    jira.addServiceDeskCustomer('1', agent.accountId);
    // Act
    const { summary, stores } = await runWithDesks(
      { customersInUserSearch: true, action: 'enable', runId: 'run-listed' },
      { db, jira },
    );
    // Assess
    expect(summary.progress).toMatchObject({
      total: jira.accountCount(),
      sources: { usersSearch: jira.accountCount(), serviceDesks: 0 },
      failed: 0,
    });
    const link = await stores.links.getLink(agent.accountId);
    const contacts = await stores.syncedContacts.syncedContacts([link?.contactId ?? '']);
    expect(contacts.get(link?.contactId ?? '')?.jiraAccountType).toBe('atlassian');
  });
});
