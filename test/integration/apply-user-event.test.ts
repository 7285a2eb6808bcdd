import { DynamoDbContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-contact-store.js';
import { DynamoDbUserSyncStore } from '../../lambdas/adapters/dynamodb/dynamodb-user-sync-store.js';
import type { JiraDirectory } from '../../lambdas/domain/jira-account.js';
import { type UserEventDependencies, beginUserEventBatch } from '../../lambdas/domain/sync/apply-user-event.js';
import type { UserEvent } from '../../lambdas/domain/sync/user-event.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';
import { testStores } from '../helpers/stores.js';

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

describe('beginUserEventBatch against the embedded store', () => {
  let db: TestTable;
  let deps: UserEventDependencies;
  let settings: DynamoDbUserSyncStore;
  let contacts: DynamoDbContactStore;

  beforeAll(async () => {
    db = await startTestTable();
    settings = new DynamoDbUserSyncStore(db.client, db.table);
    contacts = new DynamoDbContactStore(db.client, db.table);
    deps = { jira: jiraNotCalled, ...testStores(db), settings };
  });
  afterAll(async () => {
    await db.stop();
  });

  it('changes nothing while syncing is off', async () => {
    // Act
    const event = created('off-1', 'off.1@example.com');
    const batch = await beginUserEventBatch(deps, [event]);
    const outcomes = [await batch.apply(event)];
    await batch.settle();
    // Assess
    expect(outcomes).toEqual(['ignored-sync-off']);
    expect((await contacts.findContactsByEmail('off.1@example.com', { limit: 10 })).items).toHaveLength(0);
  });

  it('applies a batch with two events for one account in time order, whatever their order in the batch', async () => {
    // Prepare: syncing is on
    expect(await settings.transition({ from: 'DISABLED', to: 'ENABLING', runId: 'run-batch', action: 'enable' })).toBe(
      true,
    );
    const older = created('batch-1', 'batch.1@example.com');
    const newer: UserEvent = {
      ...older,
      timestamp: 2_000,
      webhookEvent: 'user_updated',
      user: { ...older.user, displayName: 'Renamed' },
    };
    // Act: the newer event first, then the older one, with links and emails read up front
    const batch = await beginUserEventBatch(deps, [newer, older]);
    const outcomes = [await batch.apply(newer), await batch.apply(older)];
    await batch.settle();
    // Assess
    expect(outcomes).toEqual(['created', 'stale']);
    const found = (await contacts.findContactsByEmail('batch.1@example.com', { limit: 10 })).items;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ name: 'Renamed', jiraUser: { accountId: 'batch-1' } });
    expect(
      await settings.transition({
        from: 'ENABLING',
        to: 'DISABLED',
        runId: 'run-batch-off',
        action: 'disable',
        expectedRunId: 'run-batch',
      }),
    ).toBe(true);
  });

  it('links an existing contact when the email came from Jira, not from the batch read up front', async () => {
    // Prepare: a regular contact, and a delivery without the user's email (privacy settings)
    expect(await settings.transition({ from: 'DISABLED', to: 'ENABLING', runId: 'run-lookup', action: 'enable' })).toBe(
      true,
    );
    const existing = await contacts.createContact({ name: 'Known', email: 'Hidden.Then.Shown@example.com' });
    const jira: JiraDirectory = {
      searchUsers: () => Promise.reject(new Error('users/search was not expected')),
      getUser: async (accountId) => ({
        accountId,
        accountType: 'customer',
        displayName: 'Shown',
        emailAddress: 'hidden.then.shown@example.com',
        active: true,
      }),
    };
    const event: UserEvent = { timestamp: 1_000, webhookEvent: 'user_created', user: { accountId: 'lookup-1' } };
    // Act
    const batch = await beginUserEventBatch({ ...deps, jira }, [event]);
    const outcomes = [await batch.apply(event)];
    await batch.settle();
    // Assess
    expect(outcomes).toEqual(['linked']);
    expect(await contacts.getContact(existing.id)).toMatchObject({
      name: 'Shown',
      jiraUser: { accountId: 'lookup-1', accountType: 'customer' },
    });
    expect(
      await settings.transition({
        from: 'ENABLING',
        to: 'DISABLED',
        runId: 'run-lookup-off',
        action: 'disable',
        expectedRunId: 'run-lookup',
      }),
    ).toBe(true);
  });

  it('undoes the links a batch made when syncing was turned off while it ran', async () => {
    // Prepare: syncing is on
    expect(await settings.transition({ from: 'DISABLED', to: 'ENABLING', runId: 'run-on', action: 'enable' })).toBe(
      true,
    );
    expect(
      await settings.transition({
        from: 'ENABLING',
        to: 'ENABLED',
        runId: 'run-on',
        action: 'enable',
        expectedRunId: 'run-on',
      }),
    ).toBe(true);

    // Act: an admin turns syncing off between the batch's writes and its end
    const event = created('race-1', 'race.1@example.com');
    const batch = await beginUserEventBatch(deps, [event]);
    const outcomes = [await batch.apply(event)];
    await settings.transition({
      from: 'ENABLED',
      to: 'DISABLING',
      runId: 'run-off',
      action: 'disable',
      expectedRunId: 'run-on',
    });
    await batch.settle();

    // Assess: the contact was made, and is regular again
    expect(outcomes).toEqual(['created']);
    const [contact] = (await contacts.findContactsByEmail('race.1@example.com', { limit: 10 })).items;
    expect(contact).toMatchObject({ jiraUser: null, tags: [] });
  });
});
