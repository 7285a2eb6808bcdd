import { JiraRestClient } from '../../lambdas/adapters/jira/jira-rest-client.js';
import { JiraServiceDeskClient } from '../../lambdas/adapters/jira/jira-servicedesk-client.js';
import { BurstLimiter } from '../../lambdas/adapters/jira/jsm-paging.js';
import type { ServiceDeskDirectory } from '../../lambdas/domain/service-desk.js';
import { type RunSizeDependencies, estimateRunSize } from '../../lambdas/domain/sync/run-size.js';
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

/**
 * A small site with two desks, every third customer on both. One seed for every block: the same
 * service credentials, since the functions read their environment once.
 */
async function startDeskSite(customers: number): Promise<JiraSimulator> {
  const jira = await startJiraSimulator({
    users: 6,
    customers,
    apps: 1,
    inactive: 2,
    hiddenEmails: 2,
    serviceDesks: 2,
    sharedCustomerEvery: 3,
    seed: 23,
  });
  process.env.JIRA_USER_EMAIL = jira.service.email;
  process.env.JIRA_API_TOKEN = jira.service.apiToken;
  return jira;
}

describe('the service desk steps of a run', () => {
  let db: TestTable;
  let jira: JiraSimulator;

  beforeEach(async () => {
    db = await server.freshTable();
    jira = await startDeskSite(90);
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

describe("a run's size with the service desks' customers", () => {
  let db: TestTable;
  let jira: JiraSimulator;

  beforeEach(async () => {
    db = await server.freshTable();
    jira = await startDeskSite(60);
  });
  afterEach(async () => {
    await jira.stop();
    await db.stop();
  });

  const estimate = (runId: string, deps: Partial<RunSizeDependencies> = {}) => {
    const stores = testStores(db);
    return estimateRunSize(
      {
        jira: new JiraRestClient({ baseUrl: () => jira.url }),
        serviceDesks: new JiraServiceDeskClient({ baseUrl: () => jira.url }),
        countLinkedAccounts: () => stores.links.countLinked(),
        settings: stores.settings,
        ...deps,
      },
      { runId, action: 'enable' },
    );
  };
  const deskListings = () => ['1', '2'].map((desk) => jira.serviceDeskCustomers(desk).length);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

  it("is users/search's length plus each desk's customer count, JSM's pages capped or not", async () => {
    // Prepare
    jira.setQuirks({ customersInUserSearch: false });
    const usersSearch = jira.accounts().filter((account) => account.accountType !== 'customer').length;
    const customerCalls = () => jira.callCounts()['servicedesk/customer'] ?? 0;
    // Act
    const plain = await estimate('run-plain');
    const probes = customerCalls();
    // JSM's page caps, at a burst limit the simulator does not enforce (keeps the test short)
    jira.setQuirks({ jsmPageCap: 1, jsmBurstLimit: 0 });
    const fast = new JiraServiceDeskClient({ baseUrl: () => jira.url, limiter: new BurstLimiter({ perSecond: 100 }) });
    const capped = await estimate('run-capped', { serviceDesks: fast });
    jira.setQuirks({ jsmPageCap: 7 });
    const cappedSeven = await estimate('run-capped-7', { serviceDesks: fast });
    // Assess
    const [first = 0, second = 0] = deskListings();
    expect(first).toBeGreaterThan(1);
    expect(second).toBeGreaterThan(1);
    const expected = {
      source: 'users',
      estimate: usersSearch,
      serviceDesks: [
        { deskId: '1', estimate: first },
        { deskId: '2', estimate: second },
      ],
    };
    expect(plain).toEqual(expected);
    expect(capped).toEqual(expected);
    expect(cappedSeven).toEqual(expected);
    // At most about 2·log₂(N) calls a desk, far fewer than reading the customers.
    expect(probes).toBeLessThan(2 * (Math.ceil(Math.log2(first)) + Math.ceil(Math.log2(second))) + 8);
    const settings = testStores(db).settings;
    for (const runId of ['run-plain', 'run-capped', 'run-capped-7'])
      expect((await settings.summary(runId)).estimatedTotal).toBe(usersSearch + first + second);
  });

  it('counts customers users/search lists too twice at first, then converges on the distinct accounts', async () => {
    // Prepare
    jira.setQuirks({ customersInUserSearch: true });
    // Act
    await estimate('run-twice');
    const atStart = (await testStores(db).settings.summary('run-twice')).estimatedTotal;
    const { summary } = await runWithDesks(
      { customersInUserSearch: true, action: 'enable', runId: 'run-twice' },
      { db, jira },
    );
    // Assess
    expect(atStart).toBe(jira.accountCount() + sum(deskListings()));
    expect(summary.progress.total).toBe(jira.accountCount());
    expect(summary.estimatedTotal).toBe(jira.accountCount());
  });

  it('keeps what a desk step learned when the estimate reaches that desk later (a tiny site)', async () => {
    // Act: the run reads everything before the estimate gets to the desks
    const { summary } = await runWithDesks(
      { customersInUserSearch: false, action: 'enable', runId: 'run-late' },
      { db, jira },
    );
    await estimate('run-late');
    // Assess
    const after = await testStores(db).settings.summary('run-late');
    const customers = jira.accounts().filter((account) => account.accountType === 'customer');
    expect(sum(deskListings())).toBeGreaterThan(customers.length);
    expect(summary.estimatedTotal).toBe(customers.length);
    expect(after.estimatedTotal).toBe(jira.accountCount());
    expect(after.progress.total).toBe(jira.accountCount());
  });

  it('leaves a desk JSM fails on unmeasured, never failing the estimate', async () => {
    // Prepare: desk 2's customer list fails; another run's JSM cannot be reached at all
    jira.setQuirks({ customersInUserSearch: false });
    const client = new JiraServiceDeskClient({ baseUrl: () => jira.url });
    const failingDesk: ServiceDeskDirectory = {
      serviceDesks: (start) => client.serviceDesks(start),
      customers: async (deskId, start, options) => {
        if (deskId === '2') throw new Error('Jira answered 500 to servicedesk/2/customer.');
        return client.customers(deskId, start, options);
      },
    };
    const messages: string[] = [];
    const log = (message: string) => messages.push(message);
    const usersSearch = jira.accounts().filter((account) => account.accountType !== 'customer').length;
    // Act
    const oneDesk = await estimate('run-one-desk', { serviceDesks: failingDesk, log });
    const noJsm = await estimate('run-no-jsm', {
      serviceDesks: new JiraServiceDeskClient({ baseUrl: () => 'http://127.0.0.1:9' }).until(Date.now()),
      log,
    });
    // Assess
    const [first = 0] = deskListings();
    expect(oneDesk).toEqual({
      source: 'users',
      estimate: usersSearch,
      serviceDesks: [{ deskId: '1', estimate: first }],
    });
    expect(noJsm).toEqual({ source: 'users', estimate: usersSearch, serviceDesks: [] });
    const settings = testStores(db).settings;
    expect((await settings.summary('run-one-desk')).estimatedTotal).toBe(usersSearch + first);
    expect((await settings.summary('run-no-jsm')).estimatedTotal).toBe(usersSearch);
    expect(messages).toHaveLength(2);
  });
});
