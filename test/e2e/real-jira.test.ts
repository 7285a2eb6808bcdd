import type { Contact } from '../../lambdas/domain/contact.js';
import { listAll, setUserSync } from '../helpers/api.js';
import { type TestService, startTestService } from '../helpers/runtime.js';

/**
 * The service against a Jira that behaves as Jira Cloud's documentation allows, at its least
 * convenient: pages capped at 100 whatever is asked, 2% of emails `null`, display names `null`,
 * `unknown` records, customer ids of the real shape, and a transient failure (409, 503 with
 * Retry-After, a reset connection, 504) on every 13th call. Nothing may be skipped silently.
 */
const USERS = 3_500;
const CUSTOMERS = 1_500;
const UNKNOWN = 2;

describe('user sync against a Jira with every documented quirk', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({
      simulator: {
        users: USERS,
        customers: CUSTOMERS,
        nullEmailRatio: 0.02,
        nullDisplayNameRatio: 0.01,
        unknownAccounts: UNKNOWN,
        pageCap: 100,
        customerIdStyle: 'real',
        transientFailures: { every: 13, retryAfterSeconds: 1 },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await service.stop();
  });

  it('ends ENABLED with failed 0, one contact per eligible account, and says why the rest were skipped', async () => {
    // Prepare: what Jira lists, as the simulator knows it
    const listed = service.jira.accounts();
    const eligible = listed.filter(
      (account) =>
        (account.accountType === 'atlassian' || account.accountType === 'customer') &&
        account.active &&
        account.emailAddress,
    );
    const hidden = listed.filter(
      (account) =>
        (account.accountType === 'atlassian' || account.accountType === 'customer') &&
        account.active &&
        !account.emailAddress,
    );
    const nameless = eligible.find((account) => account.displayName === null);
    expect(hidden.length).toBeGreaterThanOrEqual(Math.floor((USERS + CUSTOMERS) * 0.02));
    expect(nameless).toBeDefined();

    // Act
    const done = await setUserSync(service.url, service.admin, true, 280_000);

    // Assess: every failure Jira injected was absorbed
    // About 55 users/search calls: one in 13 failed, the first ones a 409 (page too slow) and a 503.
    expect(service.jira.faultCounts()).toMatchObject({ '409': expect.any(Number), '503': expect.any(Number) });
    expect(Object.values(service.jira.faultCounts()).reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(3);
    expect(done.error).toBeNull();
    expect(done.failures).toEqual([]);
    expect(done.progress).toMatchObject({
      total: listed.length,
      processed: listed.length,
      created: eligible.length,
      linked: 0,
      failed: 0,
      skipped: listed.length - eligible.length,
      skippedBy: { hiddenEmail: hidden.length, app: 3, inactive: 3, other: UNKNOWN },
    });
    const contacts = await listAll<Contact>(service.url, service.admin, 'contacts');
    const accountIds = contacts.map((contact) => contact.jiraUser?.accountId);
    expect(contacts).toHaveLength(eligible.length);
    expect(new Set(accountIds)).toEqual(new Set(eligible.map((account) => account.accountId)));
    expect(
      contacts
        .filter((contact) => contact.jiraUser?.accountType === 'customer')
        .every((contact) => /^qm:[0-9a-f-]{36}:[0-9a-f]{24}$/.test(contact.jiraUser?.accountId ?? '')),
    ).toBe(true);
    // A user without a display name is named after the local part of the email.
    const named = contacts.find((contact) => contact.jiraUser?.accountId === nameless?.accountId);
    expect(named?.name).toBe((nameless?.emailAddress ?? '').split('@')[0]);
  }, 300_000);
});
