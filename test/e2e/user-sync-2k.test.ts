import type { Contact } from '../../lambdas/domain/contact.js';
import { SEGMENTS_PER_WAVE, USERS_PAGE_SIZE } from '../../lambdas/domain/sync/page-plan.js';
import { measureListLength } from '../../lambdas/domain/sync/run-size.js';
import type { SyncState } from '../../lambdas/domain/sync/user-sync-state.js';
import { listAll, putUserSync, reconcileNow, waitForSyncState } from '../helpers/api.js';
import { request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';

/**
 * The issue's scale check, at test size: 2,000 Jira accounts (30% JSM customers) with pre-existing
 * contacts in other cases, turned on and off through the API. It asserts outcomes, never timings;
 * scale itself (20,000 accounts and up) is `npm run bench`'s job (BENCHMARKS.md).
 */
const USERS = 1_400;
const CUSTOMERS = 600;
const SPECIAL = 3; // apps, inactive accounts and hidden emails: the simulator's default 3 of each
const ELIGIBLE = USERS + CUSTOMERS;
const PRE_EXISTING = 50;
/** users/search pages of 1,000 that hold every account, the last one short. */
const PAGES = Math.ceil((ELIGIBLE + 3 * SPECIAL) / USERS_PAGE_SIZE);

describe('user sync at 2,000 accounts', () => {
  let service: TestService;
  const toggle = (enabled: boolean) => putUserSync(service.url, service.admin, enabled);
  const waitForState = (state: SyncState) => waitForSyncState(service.url, service.admin, state, 300_000);
  const allContacts = () => listAll<Contact>(service.url, service.admin, 'contacts');

  beforeAll(async () => {
    service = await startTestService({ simulator: { users: USERS, customers: CUSTOMERS } });
  }, 60_000);
  afterAll(async () => {
    await service.stop();
  });

  it('turning it on gives every eligible account exactly one contact, linking existing ones in any case', async () => {
    // Prepare
    const eligible = service.jira
      .accounts()
      .filter((account) => account.active && account.emailAddress && account.accountType !== 'app');
    const existing = eligible.filter((_, index) => index % 40 === 7).slice(0, PRE_EXISTING);
    for (const account of existing) {
      const email = account.emailAddress ?? '';
      await request(service.url, 'POST', '/contacts', {
        auth: service.admin,
        body: { name: 'Imported', email: email.toUpperCase() },
      });
    }
    service.jira.resetCallCounts();

    // Act
    expect((await toggle(true)).status).toBe(202);
    const done = await waitForState('ENABLED');

    // Assess
    const { estimatedTotal: _estimate, etaSeconds: _timeLeft, ...counts } = done.progress;
    expect(counts).toEqual({
      total: ELIGIBLE + 3 * SPECIAL,
      processed: ELIGIBLE + 3 * SPECIAL,
      created: ELIGIBLE - existing.length,
      linked: existing.length,
      skipped: 3 * SPECIAL,
      failed: 0,
      skippedBy: { hiddenEmail: SPECIAL, app: SPECIAL, inactive: SPECIAL, other: 0 },
      sources: { usersSearch: ELIGIBLE + 3 * SPECIAL, serviceDesks: 0 },
    });
    expect(done.failures).toEqual([]);
    const contacts = await allContacts();
    expect(contacts).toHaveLength(ELIGIBLE);
    const accountIds = contacts.map((contact) => contact.jiraUser?.accountId);
    expect(new Set(accountIds)).toEqual(new Set(eligible.map((account) => account.accountId)));
    expect(contacts.filter((contact) => contact.name === 'Imported')).toHaveLength(0);
    // One users/search call per 1,000 accounts (PAGES, the last one short), the empty page that
    // ends the list, plus at most the rest of the last wave read in parallel (Jira gives no total).
    // No per-user calls: `user?accountId=` hides an email just as `users/search` does.
    // Beside them, the one-record probes that measured the run's size (as many as measuring this list takes).
    await service.runtime.stepFunctions.idle();
    let probes = 0;
    await measureListLength(async (position) => {
      probes += 1;
      return position < ELIGIBLE + 3 * SPECIAL;
    });
    const calls = service.jira.callCounts();
    expect(calls['users/search']).toBeGreaterThanOrEqual(PAGES + 1 + probes);
    expect(calls['users/search']).toBeLessThanOrEqual(PAGES + 1 + SEGMENTS_PER_WAVE - 1 + probes);
    expect(calls.user ?? 0).toBe(0);
  }, 300_000);

  it('a reconcile of the 2,000 unchanged accounts reads them all and writes no contact (counted)', async () => {
    // Prepare: count the contact writes the service's own DynamoDB client sends (the handlers run in
    // this process); a contact the sync created lives in its account's link item, so those count too.
    const { dynamoDocumentClient } = await import('../../lambdas/adapters/dynamodb/client.js');
    let contactWrites = 0;
    let reads = 0;
    dynamoDocumentClient().middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Item?: { sk?: { S?: string } }; Key?: { sk?: { S?: string } } };
        if (
          /Put|Update|Delete|BatchWrite/.test(context.commandName ?? '') &&
          ['CONTACT', 'LINK'].includes(input.Item?.sk?.S ?? input.Key?.sk?.S ?? '')
        )
          contactWrites += 1;
        if (/Get|Query|Scan/.test(context.commandName ?? '')) reads += 1;
        return next(args);
      },
      { step: 'build', name: 'countReconcileWrites' },
    );

    // Act
    const done = await reconcileNow(service.url, service.admin, 300_000);

    // Assess
    dynamoDocumentClient().middlewareStack.remove('countReconcileWrites');
    expect(contactWrites).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(done.lastReconcile?.progress).toMatchObject({
      total: ELIGIBLE + 3 * SPECIAL,
      processed: ELIGIBLE + 3 * SPECIAL,
      created: 0,
      linked: 0,
      updated: 0,
      unlinked: 0,
      failed: 0,
    });
  }, 300_000);

  it('turning it off keeps every contact and leaves none synced', async () => {
    // Act
    expect((await toggle(false)).status).toBe(202);
    const done = await waitForState('DISABLED');
    // Assess
    expect(done.progress).toMatchObject({ total: ELIGIBLE, processed: ELIGIBLE, failed: 0 });
    const contacts = await allContacts();
    expect(contacts).toHaveLength(ELIGIBLE);
    expect(contacts.filter((contact) => contact.jiraUser !== null || contact.tags.includes('Jira User'))).toHaveLength(
      0,
    );
  }, 300_000);
});
