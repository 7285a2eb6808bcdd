import { JiraDataCenterClient } from '../../lambdas/adapters/jira/datacenter/dc-rest-client.js';
import { JiraServiceDeskClient } from '../../lambdas/adapters/jira/jira-servicedesk-client.js';
import { BurstLimiter } from '../../lambdas/adapters/jira/jsm-paging.js';
import { type RunSizeDependencies, estimateRunSize } from '../../lambdas/domain/sync/run-size.js';
import { type JiraSimulator, startJiraSimulator } from '../../local/jira-simulator/index.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';
import { testStores } from '../helpers/stores.js';

/**
 * A run's size against Jira Data Center (the simulator's Data Center mode): no positions to probe,
 * so the users part is the application roles' count, and the desks' customers are added as on Cloud.
 */
describe("a run's size on Data Center", () => {
  let db: TestTable;
  let jira: JiraSimulator;

  beforeAll(async () => {
    db = await startTestTable();
    jira = await startJiraSimulator({
      deployment: 'datacenter',
      users: 12,
      inactive: 2,
      customers: 30,
      serviceDesks: 2,
      seed: 31,
      // JSM's burst limit is the client's own test's; here it would only slow the estimates down.
      jsmBurstLimit: 0,
    });
    // A personal access token: no email, sent as Bearer.
    process.env.JIRA_USER_EMAIL = '';
    process.env.JIRA_API_TOKEN = jira.service.apiToken;
  });
  afterAll(async () => {
    await jira.stop();
    await db.stop();
  });

  const estimate = (runId: string, deps: Partial<RunSizeDependencies> = {}) => {
    const stores = testStores(db);
    return estimateRunSize(
      {
        jira: new JiraDataCenterClient({ baseUrl: () => jira.url }),
        serviceDesks: new JiraServiceDeskClient({
          baseUrl: () => jira.url,
          limiter: new BurstLimiter({ perSecond: 100 }),
        }),
        countLinkedAccounts: () => stores.links.countLinked(),
        settings: stores.settings,
        ...deps,
      },
      { runId, action: 'enable' },
    );
  };
  const desks = () => ['1', '2'].map((deskId) => ({ deskId, estimate: jira.serviceDeskCustomers(deskId).length }));
  const deskCustomers = () => desks().reduce((sum, desk) => sum + desk.estimate, 0);
  const estimatedTotal = async (runId: string) => (await testStores(db).settings.summary(runId)).estimatedTotal;

  it("is the largest application role's user count, in one call, plus each desk's customers", async () => {
    // Prepare
    const activeJiraUsers = jira
      .accounts()
      .filter((account) => account.active && account.accountType === 'atlassian').length;
    jira.resetCallCounts();
    // Act
    const measured = await estimate('run-roles');
    // Assess: Software's count (every active Jira user), not Software's and Service Management's summed
    expect(measured).toEqual({ source: 'users', estimate: activeJiraUsers, serviceDesks: desks() });
    expect(jira.callCounts().applicationrole).toBe(1);
    expect(deskCustomers()).toBeGreaterThan(0);
    expect(await estimatedTotal('run-roles')).toBe(activeJiraUsers + deskCustomers());
  });

  it('leaves the users part unknown when applicationrole fails or is not offered, and still measures the desks', async () => {
    // Prepare: the service user has lost Administer (403); another directory offers no count
    const messages: string[] = [];
    const log = (message: string) => messages.push(message);
    const client = new JiraDataCenterClient({ baseUrl: () => jira.url });
    const withoutCount: RunSizeDependencies['jira'] = {
      listsByPosition: false,
      searchUsers: (startAt, maxResults) => client.searchUsers(startAt, maxResults),
    };
    jira.failNext(1, 403);
    // Act
    const refused = await estimate('run-refused', { log });
    const absent = await estimate('run-absent', { jira: withoutCount, log });
    // Assess
    expect(jira.faultCounts()['403']).toBe(1);
    expect(refused).toEqual({ source: 'users', estimate: null, serviceDesks: desks() });
    expect(absent).toEqual({ source: 'users', estimate: null, serviceDesks: desks() });
    expect(await estimatedTotal('run-refused')).toBe(deskCustomers());
    expect(await estimatedTotal('run-absent')).toBe(deskCustomers());
    expect(messages).toEqual([
      'Jira could not count its users: that part of the estimate stays unknown.',
      'Jira could not count its users: that part of the estimate stays unknown.',
    ]);
  });
});
