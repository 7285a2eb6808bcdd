import { DynamoDbContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-contact-store.js';
import { syncAccount, unsyncAccount } from '../../lambdas/domain/sync/sync-account.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';
import { testStores } from '../helpers/stores.js';

/** The batched "could this email be linked?" check never misses a contact that could be linked. */
describe('linkable email hints', () => {
  let db: TestTable;
  let stores: ReturnType<typeof testStores>;
  let contacts: DynamoDbContactStore;

  beforeAll(async () => {
    db = await startTestTable();
    stores = testStores(db);
    contacts = new DynamoDbContactStore(db.client, db.table);
  });
  afterAll(async () => {
    await db.stop();
  });

  it('names the emails of contacts created or re-addressed through the CRM, in any case', async () => {
    // Prepare
    await contacts.createContact({ name: 'Created', email: 'Created@Example.com' });
    const moved = await contacts.createContact({ name: 'Moved', email: 'before@example.com' });
    await contacts.updateContact(moved.id, { email: 'After@Example.com' });
    await contacts.createContact({ name: 'No email' });
    // Act
    const hinted = await stores.syncedContacts.linkableEmails([
      'created@example.com',
      'AFTER@example.com',
      'never@example.com',
    ]);
    // Assess
    expect(hinted).toEqual(new Set(['created@example.com', 'after@example.com']));
  });

  it('names the email of a synced contact once it is a regular contact again, not while synced', async () => {
    // Prepare
    const snapshot = {
      accountId: 'hint-1',
      accountType: 'atlassian' as const,
      displayName: 'Hinted',
      email: 'Synced@Example.com',
      eventTs: 1_000,
    };
    await syncAccount(stores, snapshot, { mayBeLinkable: false });
    const whileSynced = await stores.syncedContacts.linkableEmails([snapshot.email]);
    // Act
    await unsyncAccount(stores, { accountId: snapshot.accountId, eventTs: 2_000 });
    const afterwards = await stores.syncedContacts.linkableEmails([snapshot.email]);
    // Assess
    expect(whileSynced.size).toBe(0);
    expect(afterwards).toEqual(new Set(['synced@example.com']));
  });

  it('answers for more emails than one BatchGetItem takes', async () => {
    // Prepare
    const emails = Array.from({ length: 250 }, (_, index) => `many.${index}@example.com`);
    await contacts.createContact({ name: 'Last of many', email: emails[249] });
    // Act
    const hinted = await stores.syncedContacts.linkableEmails(emails);
    // Assess
    expect(hinted).toEqual(new Set([emails[249]]));
  });
});
