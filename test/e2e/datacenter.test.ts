import type { Contact } from '../../lambdas/domain/contact.js';
import type { UserSyncView } from '../../lambdas/domain/sync/user-sync-runs.js';
import { listAll, putUserSync, setUserSync, waitForReconcile } from '../helpers/api.js';
import { eventually, request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';
import { contactsWithEmail, eventuallyContacts, postDelivery, settled, signedDelivery } from '../helpers/webhooks.js';

/** A delivery as Data Center signs it: `X-Hub-Signature`, and no delivery identifier. */
const dataCenterDelivery = (service: TestService, payload: unknown) =>
  signedDelivery(service, payload, { deliveryId: false });

/**
 * The service against Jira Data Center (the simulator's Data Center mode, Jira 10.3: `user/list`
 * by cursor): detected from `serverInfo`, PAT logins, every user listed by the listing steps and
 * keyed by its `key`, v2 webhooks (a rename, a deletion, repeats), and disable.
 */
const USERS = 1_500;
const INACTIVE = 3;

describe('Jira Data Center (user/list)', () => {
  let service: TestService;
  const allContacts = () => listAll<Contact>(service.url, service.admin, 'contacts');
  const dc = () => {
    const controls = service.jira.dataCenter;
    if (!controls) throw new Error('The simulator is not in Data Center mode.');
    return controls;
  };

  beforeAll(async () => {
    service = await startTestService({ simulator: { deployment: 'datacenter', users: USERS, inactive: INACTIVE } });
  });
  afterAll(async () => {
    await service.stop();
  });

  it('is detected from serverInfo and says so in /health', async () => {
    // Act
    const health = await request(service.url, 'GET', '/health');

    // Assess
    expect(service.runtime.jira.deployment).toBe('datacenter');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', jiraDeployment: 'datacenter' });
  });

  it('signs in with personal access tokens and username:password; a non-admin may not toggle', async () => {
    // Prepare
    const agentAccount = service.jira.accounts()[1];
    if (!agentAccount) throw new Error('No agent.');
    const password = dc().passwordLogin(agentAccount.accountId).authorization;

    // Act
    const adminRead = await request<UserSyncView>(service.url, 'GET', '/settings/user-sync', { auth: service.admin });
    const agentContacts = await request(service.url, 'GET', '/contacts?limit=1', { auth: service.agent });
    const agentToggle = await putUserSync(service.url, service.agent, true);
    const byPassword = await request(service.url, 'GET', '/contacts?limit=1', { auth: password });
    const forged = await request(service.url, 'GET', '/contacts?limit=1', { auth: 'Bearer not-a-token' });
    const cloudStyle = await request(service.url, 'GET', '/contacts?limit=1', {
      auth: `Basic ${Buffer.from(`${agentAccount.emailAddress}:${service.jira.agent.apiToken}`).toString('base64')}`,
    });

    // Assess
    expect(service.admin).toMatch(/^Bearer /);
    expect(adminRead.status).toBe(200);
    expect(adminRead.body.state).toBe('DISABLED');
    expect(agentContacts.status).toBe(200);
    expect(agentToggle.status).toBe(403);
    expect(byPassword.status).toBe(200);
    expect(forged.status).toBe(401);
    expect(cloudStyle.status).toBe(401);
  });

  it('refuses a deactivated user whose token still works', async () => {
    // Prepare
    const account = service.jira.accounts()[5];
    if (!account) throw new Error('No account.');
    const pat = dc().issuePat(account.accountId).authorization;
    await service.jira.updateAccount(account.accountId, { active: false });

    // Act
    const response = await request(service.url, 'GET', '/contacts?limit=1', { auth: pat });

    // Assess
    expect(response.status).toBe(403);
    await service.jira.updateAccount(account.accountId, { active: true });
    await settled(service);
  });

  it('enabling syncs every active user once, keyed by its key, through the listing steps', async () => {
    // Prepare
    service.jira.resetCallCounts();

    // Act
    const view = await setUserSync(service.url, service.admin, true, 120_000);

    // Assess: every active user, once, as `atlassian`, its key the account id
    const active = service.jira.accounts().filter((account) => account.active);
    const keys = active.map((account) => dc().keyOf(account.accountId)).sort();
    const synced = (await allContacts()).filter((contact) => contact.jiraUser);
    expect(synced.map((contact) => contact.jiraUser?.accountId).sort()).toEqual(keys);
    expect(new Set(synced.map((contact) => contact.jiraUser?.accountType))).toEqual(new Set(['atlassian']));
    expect(keys.every((key) => /^JIRAUSER\d+$/.test(key))).toBe(true);
    expect(view.progress).toMatchObject({
      total: USERS + INACTIVE,
      processed: USERS + INACTIVE,
      created: USERS,
      failed: 0,
      skippedBy: { inactive: INACTIVE },
    });
    // No positions to probe: the size is applicationrole's count (the active users), measured beside the run
    const estimatedTotal = await eventually(async () => {
      const settings = await request<UserSyncView>(service.url, 'GET', '/settings/user-sync', { auth: service.admin });
      return settings.body.progress.estimatedTotal ?? undefined;
    });
    expect(estimatedTotal).toBe(USERS);
    // 1,503 users in pages of 1,000: two user/list calls, no position-paged search
    expect(service.jira.callCounts()['user/list']).toBe(2);
    expect(service.jira.callCounts()['user/search'] ?? 0).toBe(0);
  });

  it('applies Data Center webhooks ("active": "true") by key: a new user, a rename, repeats, a deletion', async () => {
    // Act 1: a user is created (the simulator sends Data Center's v2 user, without a delivery identifier)
    const account = await service.jira.createAccount({
      displayName: 'Grace Hopper',
      emailAddress: 'grace.hopper@example.com',
    });
    const key = dc().keyOf(account.accountId);
    const delivered = service.jira.webhookDeliveries().at(-1);
    const [created] = await eventuallyContacts(service, 'grace.hopper@example.com', (found) => found.length === 1);

    // Assess 1
    expect(delivered).toMatchObject({ event: 'user_created', delivered: true });
    expect(created?.jiraUser).toEqual({ accountId: key, accountType: 'atlassian' });

    // Act 2: a rename: a new username and email, the same key
    const usernameBefore = dc().usernameOf(account.accountId);
    await service.jira.updateAccount(account.accountId, {
      displayName: 'Grace Brewster Hopper',
      emailAddress: 'admiral.hopper@example.com',
    });
    const [renamed] = await eventuallyContacts(service, 'admiral.hopper@example.com', (found) => found.length === 1);

    // Assess 2: the same contact moved
    expect(dc().usernameOf(account.accountId)).not.toBe(usernameBefore);
    expect(renamed?.id).toBe(created?.id);
    expect(renamed).toMatchObject({ name: 'Grace Brewster Hopper', jiraUser: { accountId: key } });
    expect(await contactsWithEmail(service, 'grace.hopper@example.com')).toHaveLength(0);

    // Act 3: without an identifier, a delivery that comes twice, and an older one after it, change
    // nothing more than the first did: each write is ordered by the event's own timestamp
    const user = { key, name: dc().usernameOf(account.accountId), emailAddress: 'admiral.hopper@example.com' };
    const now = Date.now();
    const update = dataCenterDelivery(service, {
      timestamp: now,
      webhookEvent: 'user_updated',
      user: { ...user, displayName: 'Amazing Grace', active: 'true' },
    });
    const older = dataCenterDelivery(service, {
      timestamp: now - 60_000,
      webhookEvent: 'user_updated',
      user: { ...user, displayName: 'Grace Hopper (old)', active: 'true' },
    });
    expect((await postDelivery(service.url, update)).status).toBe(202);
    await settled(service);
    const [once] = await contactsWithEmail(service, 'admiral.hopper@example.com');
    const statuses = [
      (await postDelivery(service.url, update)).status,
      (await postDelivery(service.url, older)).status,
    ];
    await settled(service);

    // Assess 3
    expect(once).toMatchObject({ id: created?.id, name: 'Amazing Grace' });
    expect(statuses).toEqual([202, 202]);
    expect(await contactsWithEmail(service, 'admiral.hopper@example.com')).toEqual([once]);

    // Act 4: the user is deleted
    await service.jira.deleteAccount(account.accountId);
    const [deleted] = await eventuallyContacts(
      service,
      'admiral.hopper@example.com',
      (found) => found.length === 1 && found[0]?.jiraUser === null,
    );

    // Assess 4: the contact stays, as a regular contact
    expect(deleted?.id).toBe(created?.id);
    expect(deleted?.tags).toEqual([]);
  });

  it('a deactivation ("active": "false") makes the contact regular', async () => {
    // Prepare
    const account = service.jira.accounts()[20];
    if (!account?.emailAddress) throw new Error('No account.');

    // Act
    await service.jira.updateAccount(account.accountId, { active: false });
    const [contact] = await eventuallyContacts(
      service,
      account.emailAddress,
      (found) => found.length === 1 && found[0]?.jiraUser === null,
    );

    // Assess
    expect(service.jira.webhookDeliveries().at(-1)).toMatchObject({ event: 'user_updated', delivered: true });
    expect(contact?.jiraUser).toBeNull();
  });

  it('a reconcile lists every user again, through 503s, and makes the contact of a user deleted without a webhook regular', async () => {
    // Prepare: a user deleted while no webhook is registered
    const account = service.jira.accounts()[30];
    if (!account?.emailAddress) throw new Error('No account.');
    service.jira.setWebhookTarget(undefined);
    await service.jira.deleteAccount(account.accountId);
    service.jira.setWebhookTarget(`${service.url}/webhooks/jira`);

    // Act: Jira fails the run's first two calls with 503 (retried as on Cloud)
    const asked = new Date().toISOString();
    const started = await request(service.url, 'POST', '/settings/user-sync/reconcile', { auth: service.admin });
    service.jira.resetCallCounts();
    service.jira.failNext(2, 503);
    const view = await waitForReconcile(service.url, service.admin, asked, 120_000);

    // Assess
    expect(started.status).toBe(202);
    expect(service.jira.faultCounts()['503']).toBe(2);
    expect(view.lastReconcile).toMatchObject({ error: null, progress: { failed: 0, unlinked: 1 } });
    const [contact] = await contactsWithEmail(service, account.emailAddress);
    expect(contact?.jiraUser).toBeNull();
    const synced = (await allContacts()).filter((found) => found.jiraUser);
    const keys = service.jira
      .accounts()
      .filter((found) => found.active)
      .map((found) => dc().keyOf(found.accountId));
    expect(synced.map((found) => found.jiraUser?.accountId).sort()).toEqual(keys.sort());
  });

  it('disabling makes every synced contact regular', async () => {
    // Act
    await setUserSync(service.url, service.admin, false, 120_000);

    // Assess
    const contacts = await allContacts();
    expect(contacts.length).toBeGreaterThanOrEqual(USERS);
    expect(contacts.filter((contact) => contact.jiraUser !== null)).toEqual([]);
  });
});
