import { DynamoDbContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-contact-store.js';
import { DynamoDbUserSyncStore } from '../../lambdas/adapters/dynamodb/dynamodb-user-sync-store.js';
import { readUsers } from '../../lambdas/adapters/jira/jira-rest-client.js';
import type { JiraAccount, JiraDirectory, JiraUsersPage } from '../../lambdas/domain/jira-account.js';
import { applyUserEvent } from '../../lambdas/domain/sync/apply-user-event.js';
import { demoteLinksBatch } from '../../lambdas/domain/sync/demote-links-batch.js';
import { syncUsersSegment } from '../../lambdas/domain/sync/sync-users-segment.js';
import { sweepSince } from '../../lambdas/domain/sync/user-sync-runs.js';
import { LINK_SHARDS } from '../../lambdas/adapters/dynamodb/table-schema.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';
import { testStores } from '../helpers/stores.js';

/** Jira is outside: a directory of accounts held in the test, changed between runs as Jira would be. */
class Directory implements JiraDirectory {
  accounts: JiraAccount[] = [];
  /** Runs while Jira is answering a page: a change made in Jira meanwhile (its webhook arrives first). */
  whileAnswering: (() => Promise<void>) | undefined;

  async searchUsers(startAt: number, maxResults: number): Promise<JiraUsersPage> {
    const page = this.accounts.slice(startAt, startAt + maxResults).map((account) => ({ ...account }));
    const during = this.whileAnswering;
    this.whileAnswering = undefined;
    if (during) await during();
    return readUsers(page);
  }

  async getUser(accountId: string): Promise<JiraAccount | undefined> {
    return this.accounts.find((account) => account.accountId === accountId);
  }
}

const person = (index: number, overrides: Partial<JiraAccount> = {}): JiraAccount => ({
  accountId: `712020:reconcile-${index}`,
  accountType: 'atlassian',
  displayName: `Person ${index}`,
  emailAddress: `person.${index}@example.com`,
  active: true,
  ...overrides,
});

describe('a reconcile run against the embedded store', () => {
  let db: TestTable;
  let stores: ReturnType<typeof testStores>;
  let contacts: DynamoDbContactStore;
  let settings: DynamoDbUserSyncStore;
  let jira: Directory;
  let runs = 0;

  beforeEach(async () => {
    db = await startTestTable();
    stores = testStores(db);
    contacts = new DynamoDbContactStore(db.client, db.table);
    settings = new DynamoDbUserSyncStore(db.client, db.table);
    jira = new Directory();
    jira.accounts = Array.from({ length: 30 }, (_, index) => person(index));
    // Syncing is on: an enable run has given every account its contact.
    await run('enable');
  });
  afterEach(async () => {
    await db.stop();
  });

  /** One whole run as the workflow drives it: the segment(s), then, reconciling, the sweep of every shard. */
  async function run(action: 'enable' | 'reconcile'): Promise<string> {
    runs += 1;
    const runId = `${action}-${runs}`;
    const current = await settings.get();
    expect(
      await settings.transition({
        from: current.state,
        to: action === 'enable' ? 'ENABLING' : 'RECONCILING',
        runId,
        action,
        expectedRunId: current.runId,
      }),
    ).toBe(true);
    await syncUsersSegment({ jira, ...stores, settings }, { runId, action, startAt: 0 });
    if (action === 'reconcile') {
      const { accountIds } = await settings.seenAccounts(runId);
      const since = await sweepSince(settings, runId);
      for (let shard = 0; shard < LINK_SHARDS; shard += 1) {
        let cursor: string | null = null;
        do
          cursor = (
            await demoteLinksBatch(
              { ...stores, settings },
              { runId, shard, cursor, mode: { kind: 'sweep', seen: accountIds, since } },
            )
          ).cursor;
        while (cursor);
      }
    }
    expect(
      await settings.transition({
        from: action === 'enable' ? 'ENABLING' : 'RECONCILING',
        to: 'ENABLED',
        runId,
        action,
        expectedRunId: runId,
      }),
    ).toBe(true);
    return runId;
  }

  const contactOf = async (email: string) => (await contacts.findContactsByEmail(email, { limit: 10 })).items;

  it('repairs what webhooks missed: rename, new email, deactivation, deletion, new accounts, email shown', async () => {
    // Prepare: changes in Jira that no webhook reported
    const hidden = person(100, { emailAddress: undefined });
    jira.accounts[0] = person(0, { displayName: 'Renamed Zero' });
    jira.accounts[1] = person(1, { emailAddress: 'new.one@example.com' });
    jira.accounts[2] = person(2, { active: false });
    jira.accounts.splice(3, 1); // person 3 deleted
    jira.accounts.push(person(200), person(201, { accountType: 'customer', accountId: 'qm:reconcile-201' }), hidden);
    await run('reconcile');
    jira.accounts[jira.accounts.length - 1] = { ...hidden, emailAddress: 'shown.now@example.com' };

    // Act
    const runId = await run('reconcile');

    // Assess
    expect((await contactOf('person.0@example.com'))[0]).toMatchObject({ name: 'Renamed Zero', tags: ['Jira User'] });
    expect(await contactOf('person.1@example.com')).toEqual([]);
    expect((await contactOf('new.one@example.com'))[0]).toMatchObject({ jiraUser: { accountId: person(1).accountId } });
    expect((await contactOf('person.2@example.com'))[0]).toMatchObject({ tags: [], jiraUser: null });
    expect((await contactOf('person.3@example.com'))[0]).toMatchObject({ tags: [], jiraUser: null });
    expect((await contactOf('person.200@example.com'))[0]).toMatchObject({ jiraUser: { accountType: 'atlassian' } });
    expect((await contactOf('person.201@example.com'))[0]).toMatchObject({ jiraUser: { accountType: 'customer' } });
    expect((await contactOf('shown.now@example.com'))[0]).toMatchObject({ jiraUser: { accountId: hidden.accountId } });
    // The second run repaired only the email that showed; nothing else had changed since the first.
    const { progress } = await settings.summary(runId);
    expect(progress).toMatchObject({ created: 1, updated: 0, unlinked: 0, failed: 0 });
  });

  it('writes no contact when nothing changed', async () => {
    // Prepare: count the contact (and link) writes the store receives
    let contactWrites = 0;
    db.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Item?: { sk?: { S?: string } }; Key?: { sk?: { S?: string } } };
        const sk = input.Item?.sk?.S ?? input.Key?.sk?.S;
        // A contact the sync created lives in its account's link item (sk LINK): those count too.
        const write = /Put|Update|Delete|BatchWrite/.test(context.commandName ?? '');
        if (write && (sk === 'CONTACT' || sk === 'LINK')) contactWrites += 1;
        return next(args);
      },
      { step: 'build', name: 'countContactWrites' },
    );
    // The count must see writes: a contact created through the same client is counted.
    await contacts.createContact({ name: 'Counted', email: 'counted@example.com' });
    expect(contactWrites).toBe(1);
    contactWrites = 0;

    // Act
    const runId = await run('reconcile');

    // Assess
    db.client.middlewareStack.remove('countContactWrites');
    expect(contactWrites).toBe(0);
    expect((await settings.summary(runId)).progress).toMatchObject({
      total: 30,
      processed: 30,
      created: 0,
      linked: 0,
      updated: 0,
      unlinked: 0,
    });
  });

  it('lets a webhook newer than the page win, and never sweeps an account a webhook linked meanwhile', async () => {
    // Prepare: while Jira answers the reconcile's page (with the old name), the user is renamed and a
    // new user is created; their webhooks are applied before the reconcile writes anything.
    const late = person(300);
    jira.whileAnswering = async () => {
      const now = Date.now() + 1;
      await applyUserEvent(
        { jira, ...stores, settings },
        { timestamp: now, webhookEvent: 'user_updated', user: { ...person(5), displayName: 'Renamed Meanwhile' } },
      );
      await applyUserEvent(
        { jira, ...stores, settings },
        { timestamp: now, webhookEvent: 'user_created', user: { ...late } },
      );
    };

    // Act: the reconcile's page does not list the new user (it was created after the page was read)
    await run('reconcile');

    // Assess
    expect((await contactOf('person.5@example.com'))[0]).toMatchObject({
      name: 'Renamed Meanwhile',
      tags: ['Jira User'],
    });
    expect((await contactOf('person.300@example.com'))[0]).toMatchObject({
      tags: ['Jira User'],
      jiraUser: { accountId: late.accountId },
    });
  });
});
