import type { Contact } from '../../lambdas/domain/contact.js';
import type { SyncState } from '../../lambdas/domain/sync/user-sync-state.js';
import type { UserSyncView } from '../../lambdas/domain/sync/user-sync-runs.js';
import { type ErrorBody, listAll, putUserSync, waitForSyncState } from '../helpers/api.js';
import { eventually, request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';

/**
 * The toggle and its workflow end to end: admin PUT --> local Step Functions running the deployed
 * definition --> page and demotion Lambdas --> contacts, observed through the HTTP API.
 * The simulator holds 2,009 accounts: 3 pages of `users/search`.
 */
const USERS = 1_400;
const CUSTOMERS = 600;
const SPECIAL = 3; // apps, inactive accounts and hidden emails: 3 of each (the simulator's default)
const ELIGIBLE = USERS + CUSTOMERS;
const ALL_ACCOUNTS = ELIGIBLE + 3 * SPECIAL;

describe('user sync toggle', () => {
  let service: TestService;
  const settings = (auth?: string) =>
    request<UserSyncView>(service.url, 'GET', '/settings/user-sync', auth ? { auth } : {});
  const toggle = (enabled: unknown, auth = service.admin) =>
    putUserSync<UserSyncView & ErrorBody>(service.url, auth, enabled);
  const waitForState = (state: SyncState) => waitForSyncState(service.url, service.admin, state, 120_000);
  const allContacts = () => listAll<Contact>(service.url, service.admin, 'contacts');

  beforeAll(async () => {
    service = await startTestService({ simulator: { users: USERS, customers: CUSTOMERS } });
  });
  afterAll(async () => {
    await service.stop();
  });

  it('is off by default, and only Jira administrators may see or change it', async () => {
    // Act
    const anonymous = await settings();
    const agentRead = await settings(service.agent);
    const agentWrite = await toggle(true, service.agent);
    const forged = await toggle(true, 'Basic bm9ib2R5Ondyb25n');
    const current = await settings(service.admin);
    // Assess
    expect(anonymous.status).toBe(401);
    expect(agentRead.status).toBe(403);
    expect(agentWrite.status).toBe(403);
    expect(forged.status).toBe(401);
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ enabled: false, state: 'DISABLED', progress: { total: 0, processed: 0 } });
  });

  it('refuses a body that is not {"enabled": boolean} and changes nothing', async () => {
    // Act
    const wrongType = await toggle('yes');
    const notJson = await request(service.url, 'PUT', '/settings/user-sync', {
      auth: service.admin,
      rawBody: '{enabled',
    });
    const unknownField = await request(service.url, 'PUT', '/settings/user-sync', {
      auth: service.admin,
      body: { enabled: true, force: true },
    });
    // Assess
    expect(wrongType.status).toBe(422);
    expect(notJson.status).toBe(400);
    expect(unknownField.status).toBe(422);
    expect((await settings(service.admin)).body.state).toBe('DISABLED');
  });

  const preExisting: Array<{ contact: Contact; jiraEmail: string }> = [];

  it('turning it on syncs every user and customer once, linking existing contacts by email in any case', async () => {
    // Prepare: three contacts that already have the emails of Jira accounts, in another case
    const accounts = service.jira
      .accounts()
      .filter((account) => account.active && account.emailAddress && account.accountType !== 'app');
    for (const account of accounts.slice(10, 13)) {
      const created = await request<Contact>(service.url, 'POST', '/contacts', {
        auth: service.admin,
        body: { name: 'Known before', email: (account.emailAddress ?? '').toUpperCase(), phone: '+44 20 7946 0000' },
      });
      preExisting.push({ contact: created.body, jiraEmail: account.emailAddress ?? '' });
    }
    // Slow Jira's user listing down (a 409, 503, reset or 504 on every other call) so that the change
    // is still running when we look; logins are never slowed (they fail fast by design).
    service.jira.setQuirks({ transientFailures: { every: 2, retryAfterSeconds: 1, routes: ['users/search'] } });
    service.jira.resetCallCounts();

    // Act
    const accepted = await toggle(true);
    const repeated = await toggle(true);
    const opposite = await toggle(false);
    service.jira.setQuirks({ transientFailures: null });
    const done = await waitForState('ENABLED');

    // Assess
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ enabled: true, state: 'ENABLING' });
    expect(repeated.status).toBe(202);
    expect(opposite.status).toBe(409);
    expect(opposite.body.error.message).toMatch(/being turned on/);
    // The run's size is measured beside it: it may land just after the run's end, never wrong.
    const { estimatedTotal: _estimate, etaSeconds, ...counts } = done.progress;
    expect(etaSeconds).toBe(0);
    const measured = await eventually(async () => {
      const { estimatedTotal } = (await settings(service.admin)).body.progress;
      return estimatedTotal ?? undefined;
    });
    expect(measured).toBe(ALL_ACCOUNTS);
    expect(counts).toEqual({
      total: ALL_ACCOUNTS,
      processed: ALL_ACCOUNTS,
      created: ELIGIBLE - 3,
      linked: 3,
      skipped: 3 * SPECIAL,
      failed: 0,
      skippedBy: { hiddenEmail: SPECIAL, app: SPECIAL, inactive: SPECIAL, other: 0 },
      sources: { usersSearch: ALL_ACCOUNTS, serviceDesks: 0 },
    });
    expect(done.failures).toEqual([]);

    const contacts = await allContacts();
    const synced = contacts.filter((contact) => contact.jiraUser);
    expect(contacts).toHaveLength(ELIGIBLE);
    expect(new Set(synced.map((contact) => contact.jiraUser?.accountId)).size).toBe(ELIGIBLE);
    expect(new Set(synced.map((contact) => contact.jiraUser?.accountId))).toEqual(
      new Set(accounts.map((account) => account.accountId)),
    );
    expect(synced.every((contact) => contact.tags.includes('Jira User'))).toBe(true);
    expect(synced.filter((contact) => contact.jiraUser?.accountType === 'customer')).toHaveLength(CUSTOMERS);
    for (const { contact: before, jiraEmail } of preExisting) {
      const after = contacts.find((contact) => contact.id === before.id);
      // The linked contact takes the user's name and email (as Jira spells it) and keeps its own fields.
      expect(after).toMatchObject({ email: jiraEmail, phone: '+44 20 7946 0000', tags: ['Jira User'] });
      expect(after?.name).not.toBe('Known before');
    }
    // No per-user call: `user?accountId=` hides an email just as `users/search` does.
    const calls = service.jira.callCounts();
    expect(calls.user ?? 0).toBe(0);
  });

  it('asking again while it is on changes nothing', async () => {
    // Act
    const again = await toggle(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Assess
    expect(again.status).toBe(202);
    expect(again.body.state).toBe('ENABLED');
    expect(await allContacts()).toHaveLength(ELIGIBLE);
  });

  it('turning it off makes every synced contact regular and deletes none', async () => {
    // Act
    const accepted = await toggle(false);
    const opposite = await toggle(true);
    const done = await waitForState('DISABLED');
    // Assess
    expect(accepted.status).toBe(202);
    expect(accepted.body.state).toBe('DISABLING');
    expect([202, 409]).toContain(opposite.status); // 409 while it runs; it may already have finished
    expect(done.progress).toMatchObject({ total: ELIGIBLE, processed: ELIGIBLE, failed: 0 });
    const contacts = await allContacts();
    expect(contacts).toHaveLength(ELIGIBLE);
    expect(contacts.every((contact) => contact.jiraUser === null && !contact.tags.includes('Jira User'))).toBe(true);
    const regular = contacts[0];
    const deleted = await request(service.url, 'DELETE', `/contacts/${regular?.id}`, { auth: service.admin });
    expect(deleted.status).toBe(204);
    await request(service.url, 'POST', '/contacts', {
      auth: service.admin,
      body: { name: regular?.name, email: regular?.email },
    });
  });

  it('turning it on again links the regular contacts, duplicating none, through 429s and a failing step', async () => {
    // Prepare: Jira answers 429 now and then, and fails outright for long enough that a page step
    // fails and Step Functions retries it.
    service.jira.resetCallCounts();
    // Act
    const accepted = await toggle(true);
    service.jira.setRateLimit({ every: 5, retryAfterSeconds: 0 });
    service.jira.failNext(8, 502);
    const done = await waitForState('ENABLED');
    service.jira.setRateLimit(undefined);
    // Assess
    expect(accepted.status).toBe(202);
    expect(done.error).toBeNull();
    // Eight failed calls, taken by the client's retries (and the workflow's, where a step gave up).
    expect(service.jira.callCounts()['users/search']).toBeGreaterThanOrEqual(4 + 8);
    expect(done.progress).toMatchObject({
      total: ALL_ACCOUNTS,
      processed: ALL_ACCOUNTS,
      created: 0,
      linked: ELIGIBLE,
      skipped: 3 * SPECIAL,
      failed: 0,
    });
    const contacts = await allContacts();
    expect(contacts).toHaveLength(ELIGIBLE);
    expect(new Set(contacts.map((contact) => contact.jiraUser?.accountId)).size).toBe(ELIGIBLE);
  });
});
