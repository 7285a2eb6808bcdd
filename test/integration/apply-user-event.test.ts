import { DynamoDbAccountLinkStore } from '../../lambdas/adapters/dynamodb/dynamodb-account-link-store.js';
import { DynamoDbContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-contact-store.js';
import { DynamoDbUserSyncStore } from '../../lambdas/adapters/dynamodb/dynamodb-user-sync-store.js';
import type { JiraDirectory } from '../../lambdas/domain/jira-account.js';
import { type UserEventDependencies, applyUserEventBatch } from '../../lambdas/domain/sync/apply-user-event.js';
import type { UserEvent } from '../../lambdas/domain/sync/user-event.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';

/** Jira is outside: these events carry every field, so it must not be asked. */
const jiraNotCalled: JiraDirectory = {
  searchUsers: () => Promise.reject(new Error('users/search was not expected')),
  getUser: () => Promise.reject(new Error('user was not expected')),
};

const created = (accountId: string, email: string): UserEvent => ({
  timestamp: 1_000,
  webhookEvent: 'user_created',
  user: { accountId, accountType: 'atlassian', displayName: `User ${accountId}`, emailAddress: email, active: true },
});

describe('applyUserEventBatch against the embedded store', () => {
  let db: TestTable;
  let deps: UserEventDependencies;
  let settings: DynamoDbUserSyncStore;
  let contacts: DynamoDbContactStore;

  beforeAll(async () => {
    db = await startTestTable();
    settings = new DynamoDbUserSyncStore(db.client, db.table);
    contacts = new DynamoDbContactStore(db.client, db.table);
    deps = { jira: jiraNotCalled, links: new DynamoDbAccountLinkStore(db.client, db.table), settings };
  });
  afterAll(async () => {
    await db.stop();
  });

  it('changes nothing while syncing is off', async () => {
    // Act
    const outcomes = await applyUserEventBatch(deps, (apply) => Promise.all([apply(created('off-1', 'off.1@example.com'))]));
    // Assess
    expect(outcomes).toEqual(['ignored-sync-off']);
    expect((await contacts.findContactsByEmail('off.1@example.com', { limit: 10 })).items).toHaveLength(0);
  });

  it('undoes the links a batch made when syncing was turned off while it ran', async () => {
    // Prepare: syncing is on
    expect(await settings.transition('DISABLED', 'ENABLING', 'run-on')).toBe(true);
    expect(await settings.transition('ENABLING', 'ENABLED', 'run-on', 'run-on')).toBe(true);

    // Act: an admin turns syncing off between the batch's writes and its end
    const outcomes = await applyUserEventBatch(deps, async (apply) => {
      const outcome = await apply(created('race-1', 'race.1@example.com'));
      await settings.transition('ENABLED', 'DISABLING', 'run-off', 'run-on');
      return [outcome];
    });

    // Assess: the contact was made, and is regular again
    expect(outcomes).toEqual(['created']);
    const [contact] = (await contacts.findContactsByEmail('race.1@example.com', { limit: 10 })).items;
    expect(contact).toMatchObject({ jiraUser: null, tags: [] });
  });
});
