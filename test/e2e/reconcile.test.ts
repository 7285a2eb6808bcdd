import type { Contact } from '../../lambdas/domain/contact.js';
import type { UserSyncView } from '../../lambdas/domain/sync/user-sync-runs.js';
import { expectError, reconcileNow } from '../helpers/api.js';
import { request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';
import { contactsWithEmail, enableUserSync } from '../helpers/webhooks.js';

/**
 * Reconcile over HTTP, with the simulator's webhooks switched off: every change made in Jira is
 * right after one reconcile, and nothing else is written.
 */
describe('POST /settings/user-sync/reconcile', () => {
  let service: TestService;
  const reconcile = () => reconcileNow(service.url, service.admin, 120_000);
  const only = async (email: string): Promise<Contact> => {
    const found = await contactsWithEmail(service, email);
    expect(found).toHaveLength(1);
    return found[0] as Contact;
  };

  beforeAll(async () => {
    service = await startTestService({ simulator: { users: 60, customers: 20 } });
  }, 60_000);
  afterAll(async () => {
    await service.stop();
  });

  it('answers 409 while syncing is off, and refuses agents', async () => {
    // Act
    const off = await request(service.url, 'POST', '/settings/user-sync/reconcile', { auth: service.admin });
    const agent = await request(service.url, 'POST', '/settings/user-sync/reconcile', { auth: service.agent });
    // Assess
    expectError(off, 409, 'CONFLICT', /ENABLED/);
    expect(agent.status).toBe(403);
    const view = await request<UserSyncView>(service.url, 'GET', '/settings/user-sync', { auth: service.admin });
    expect(view.body).toMatchObject({ state: 'DISABLED', lastReconcile: null });
  });

  it('makes every change Jira made without a webhook right', async () => {
    // Prepare: syncing on, then webhooks off, then changes in Jira
    await enableUserSync(service);
    service.jira.setWebhookTarget(undefined);
    const accounts = service.jira
      .accounts()
      .filter((account) => account.active && account.emailAddress && account.accountType !== 'app');
    const [renamed, moved, deactivated, deleted] = accounts.slice(5, 9);
    const hidden = service.jira
      .accounts()
      .find((account) => account.active && account.accountType !== 'app' && !account.emailAddress);
    if (!renamed || !moved || !deactivated || !deleted || !hidden)
      throw new Error('The simulator has fewer accounts than the test needs.');
    await service.jira.updateAccount(renamed.accountId, { displayName: 'Renamed In Jira' });
    await service.jira.updateAccount(moved.accountId, { emailAddress: 'moved.in.jira@example.com' });
    await service.jira.updateAccount(deactivated.accountId, { active: false });
    await service.jira.deleteAccount(deleted.accountId);
    await service.jira.updateAccount(hidden.accountId, { emailAddress: 'shown.in.jira@example.com' });
    const newUser = await service.jira.createAccount({ displayName: 'New User', emailAddress: 'new.user@example.com' });
    const newCustomer = await service.jira.createAccount({
      displayName: 'New Customer',
      emailAddress: 'new.customer@acme.example',
      accountType: 'customer',
    });

    // Act
    const done = await reconcile();

    // Assess
    expect(done.enabled).toBe(true);
    expect(done.lastReconcile).toMatchObject({
      error: null,
      progress: { created: 3, updated: 2, unlinked: 2, failed: 0 },
    });
    expect(done.progress).toMatchObject({ created: 3, updated: 2, unlinked: 2, failed: 0 });
    expect(await only(renamed.emailAddress ?? '')).toMatchObject({ name: 'Renamed In Jira', tags: ['Jira User'] });
    expect(await only('moved.in.jira@example.com')).toMatchObject({ jiraUser: { accountId: moved.accountId } });
    expect(await contactsWithEmail(service, moved.emailAddress ?? '')).toEqual([]);
    expect(await only(deactivated.emailAddress ?? '')).toMatchObject({ tags: [], jiraUser: null });
    expect(await only(deleted.emailAddress ?? '')).toMatchObject({ tags: [], jiraUser: null });
    expect(await only('shown.in.jira@example.com')).toMatchObject({ jiraUser: { accountId: hidden.accountId } });
    expect(await only('new.user@example.com')).toMatchObject({
      jiraUser: { accountId: newUser.accountId, accountType: 'atlassian' },
    });
    expect(await only('new.customer@acme.example')).toMatchObject({
      jiraUser: { accountId: newCustomer.accountId, accountType: 'customer' },
    });
  }, 180_000);

  it('changes nothing on a second run', async () => {
    // Act
    const done = await reconcile();
    // Assess
    expect(done.lastReconcile?.progress).toMatchObject({ created: 0, linked: 0, updated: 0, unlinked: 0, failed: 0 });
    expect(done.failures).toEqual([]);
  }, 180_000);
});
