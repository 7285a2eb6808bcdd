import type { Contact } from '../../lambdas/domain/contact.js';
import type { UserSyncView } from '../../lambdas/domain/sync/user-sync-runs.js';
import type { SimulatedAccount } from '../../local/jira-simulator/index.js';
import { listAll, reconcileNow } from '../helpers/api.js';
import { eventually, request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';
import { enableUserSync, postDelivery, settled, signedDelivery } from '../helpers/webhooks.js';

const eligible = (account: SimulatedAccount) =>
  account.active && account.emailAddress !== undefined && account.accountType !== 'app';

/**
 * JSM customers as JSM lists them, over HTTP: `users/search` leaves portal-only customers out (as
 * no source says it lists them), JSM pages are capped at 50, and three service desks share some
 * customers. Customers come from the desks, each synced and counted once.
 */
describe('JSM customers from every service desk', () => {
  let service: TestService;
  let enabled: UserSyncView;
  const allContacts = () => listAll<Contact>(service.url, service.admin, 'contacts');
  const synced = (contacts: Contact[]) => contacts.filter((contact) => contact.jiraUser !== null);

  beforeAll(async () => {
    service = await startTestService({
      simulator: {
        users: 40,
        customers: 230,
        apps: 2,
        inactive: 4,
        hiddenEmails: 4,
        serviceDesks: 3,
        customersInUserSearch: false,
        jsmPageCap: 50,
        seed: 19,
      },
    });
    await enableUserSync(service);
    enabled = (await request<UserSyncView>(service.url, 'GET', '/settings/user-sync', { auth: service.admin })).body;
  }, 120_000);
  afterAll(async () => {
    await service.stop();
  });

  it('syncs every customer once, typed customer, though users/search lists none', async () => {
    // Prepare
    const customers = service.jira.accounts().filter((account) => account.accountType === 'customer');
    const eligibleCustomers = customers.filter(eligible);
    const users = service.jira.accounts().filter((account) => account.accountType === 'atlassian');
    // Act
    const contacts = synced(await allContacts());
    // Assess
    expect(enabled).toMatchObject({ state: 'ENABLED', failures: [], progress: { failed: 0 } });
    const customerContacts = contacts.filter((contact) => contact.jiraUser?.accountType === 'customer');
    expect(customerContacts.map((contact) => contact.jiraUser?.accountId).sort()).toEqual(
      eligibleCustomers.map((account) => account.accountId).sort(),
    );
    expect(contacts).toHaveLength(eligibleCustomers.length + users.filter(eligible).length);
    expect(new Set(contacts.map((contact) => contact.jiraUser?.accountId)).size).toBe(contacts.length);
    expect(customerContacts.every((contact) => contact.tags.includes('Jira User'))).toBe(true);
  });

  it('counts an account on two desks once, and says where each account came from', () => {
    // Prepare
    const desks = service.jira.serviceDesks();
    const listings = desks.flatMap((desk) => service.jira.serviceDeskCustomers(desk.id).map((a) => a.accountId));
    const distinctCustomers = new Set(listings).size;
    const listedByUsersSearch = service.jira.accounts().filter((account) => account.accountType !== 'customer').length;
    // Assess
    expect(desks).toHaveLength(3);
    expect(listings.length).toBeGreaterThan(distinctCustomers); // some customers are on two desks
    expect(enabled.progress).toMatchObject({
      total: listedByUsersSearch + distinctCustomers,
      processed: listedByUsersSearch + distinctCustomers,
      sources: { usersSearch: listedByUsersSearch, serviceDesks: distinctCustomers },
    });
    const { created = 0, linked = 0, skipped = 0, failed = 0, processed } = enabled.progress;
    expect(created + linked + skipped + failed).toBe(processed);
    // Every JSM page was read within the burst limit: no 429 from the desks.
    expect(service.jira.faultCounts()['jsm-burst'] ?? 0).toBe(0);
  });

  it("ends with the run's estimate at the real total: each desk's part is what it added", async () => {
    // Prepare
    const desks = service.jira.serviceDesks();
    const listings = desks.flatMap((desk) => service.jira.serviceDeskCustomers(desk.id).map((a) => a.accountId));
    const listedByUsersSearch = service.jira.accounts().filter((account) => account.accountType !== 'customer').length;
    // Act: the measurement runs beside the run and may end after it
    const estimatedTotal = await eventually(async () => {
      const view = (await request<UserSyncView>(service.url, 'GET', '/settings/user-sync', { auth: service.admin }))
        .body;
      return view.progress.estimatedTotal === view.progress.total ? view.progress.estimatedTotal : undefined;
    });
    // Assess
    expect(estimatedTotal).toBe(listedByUsersSearch + new Set(listings).size);
  });

  it("gives a portal sign-up its contact within seconds of its request's webhook, with no user_created", async () => {
    // Act
    const { account, issueKey } = await service.jira.portalSignUp({
      displayName: 'Portal Person',
      emailAddress: 'portal.person@customer.example',
      serviceDeskId: '2',
      summary: 'My printer is on fire',
    });
    const contact = await eventually(
      async () => synced(await allContacts()).find((candidate) => candidate.jiraUser?.accountId === account.accountId),
      10_000,
      'the portal customer contact',
    );
    // Assess
    expect(issueKey).toMatch(/^SUP2-\d+$/);
    expect(contact).toMatchObject({
      name: 'Portal Person',
      email: 'portal.person@customer.example',
      tags: ['Jira User'],
      jiraUser: { accountId: account.accountId, accountType: 'customer' },
    });
    const deliveries = service.jira.webhookDeliveries().filter((delivery) => delivery.accountId === account.accountId);
    expect(deliveries.map((delivery) => [delivery.event, delivery.delivered])).toEqual([['jira:issue_created', true]]);
  });

  it('an issue event naming accounts that have a contact costs no Jira call', async () => {
    // Prepare
    const [reporter, agent] = [
      service.jira.serviceDeskCustomers('1').find(eligible),
      service.jira.accounts().find((account) => account.accountType === 'atlassian' && eligible(account)),
    ];
    if (!reporter || !agent) throw new Error('The simulator has fewer accounts than the test needs.');
    service.jira.resetCallCounts();
    const before = (await allContacts()).length;
    // Act
    const updated = await postDelivery(
      service.url,
      signedDelivery(service, {
        timestamp: Date.now(),
        webhookEvent: 'jira:issue_updated',
        user: { accountId: agent.accountId, accountType: 'atlassian' },
        issue: { key: 'SUP1-9', fields: { reporter: { accountId: reporter.accountId }, creator: null } },
      }),
    );
    const commented = await postDelivery(
      service.url,
      signedDelivery(service, {
        timestamp: Date.now(),
        webhookEvent: 'comment_created',
        comment: { author: { accountId: reporter.accountId } },
        issue: { key: 'SUP1-9' },
      }),
    );
    await settled(service);
    // Assess
    expect([updated.status, commented.status]).toEqual([202, 202]);
    expect(service.jira.callCounts().user ?? 0).toBe(0);
    expect(await allContacts()).toHaveLength(before);
  });

  it('looks up an account whose email Jira hides once, not once per event naming it', async () => {
    // Prepare
    const hidden = service.jira
      .serviceDeskCustomers('1')
      .concat(service.jira.serviceDeskCustomers('2'), service.jira.serviceDeskCustomers('3'))
      .find((account) => account.active && account.emailAddress === undefined);
    if (!hidden) throw new Error('The simulator has no customer with a hidden email.');
    service.jira.resetCallCounts();
    const comment = () =>
      signedDelivery(service, {
        timestamp: Date.now(),
        webhookEvent: 'comment_created',
        comment: { author: { accountId: hidden.accountId, accountType: 'customer' } },
        issue: { key: 'SUP1-10', fields: { reporter: { accountId: hidden.accountId } } },
      });
    // Act: three comments, each in a batch of its own
    for (let i = 0; i < 3; i += 1) {
      expect((await postDelivery(service.url, comment())).status).toBe(202);
      await settled(service);
    }
    // Assess
    expect(service.jira.callCounts().user).toBe(1);
    expect(synced(await allContacts()).some((contact) => contact.jiraUser?.accountId === hidden.accountId)).toBe(false);
  });

  it("a reconcile's sweep leaves the contacts of customers only the desks list", async () => {
    // Prepare
    const before = synced(await allContacts());
    // Act
    const done = await reconcileNow(service.url, service.admin, 120_000);
    // Assess
    expect(done.lastReconcile).toMatchObject({ error: null, progress: { unlinked: 0, failed: 0 } });
    const after = synced(await allContacts());
    expect(after.map((contact) => contact.id).sort()).toEqual(before.map((contact) => contact.id).sort());
    expect(after.filter((contact) => contact.jiraUser?.accountType === 'customer').length).toBeGreaterThan(200);
  }, 150_000);
});
