import type { DynamoDbAccountLinkStore } from '../../lambdas/adapters/dynamodb/dynamodb-account-link-store.js';
import { DynamoDbContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-contact-store.js';
import { syncAccount, unsyncAccount } from '../../lambdas/domain/sync/sync-account.js';
import { accountFactory, contactsCarrying } from '../helpers/accounts.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';
import { testStores } from '../helpers/stores.js';

/** The invariants of the shared sync rule, against the embedded DynamoDB server (no transactions). */
describe('syncAccount / unsyncAccount', () => {
  let db: TestTable;
  let stores: ReturnType<typeof testStores>;
  let links: DynamoDbAccountLinkStore;
  let contacts: DynamoDbContactStore;

  beforeAll(async () => {
    db = await startTestTable();
    stores = testStores(db);
    links = stores.links;
    contacts = new DynamoDbContactStore(db.client, db.table);
  });
  afterAll(async () => {
    await db.stop();
  });

  const account = accountFactory('user');

  const contactsOf = (accountId: string, email: string) => contactsCarrying(db, accountId, email);

  it('creates one contact for a new account, tagged and linked', async () => {
    // Prepare
    const user = account();
    // Act
    const outcome = await syncAccount(stores, user);
    // Assess
    expect(outcome).toBe('created');
    const link = await links.getLink(user.accountId);
    const contact = await contacts.getContact(link?.contactId ?? 'none');
    expect(contact).toMatchObject({
      name: user.displayName,
      email: user.email,
      tags: ['Jira User'],
      jiraUser: { accountId: user.accountId, accountType: 'atlassian' },
    });
  });

  it('links the oldest existing contact with the same email in any case instead of creating one', async () => {
    // Prepare
    const user = account();
    const existing = await contacts.createContact({
      name: 'Old name',
      email: user.email.toUpperCase(),
      phone: '+1 555',
      tags: ['vip'],
    });
    // Act
    const outcome = await syncAccount(stores, user);
    // Assess
    expect(outcome).toBe('linked');
    const linked = await contacts.getContact(existing.id);
    expect(linked).toMatchObject({
      name: user.displayName,
      email: user.email,
      phone: '+1 555',
      tags: ['Jira User', 'vip'],
    });
    expect(await contactsOf(user.accountId, user.email)).toHaveLength(1);
  });

  it('makes exactly one contact when 30 writers sync the same new account at once', async () => {
    // Prepare
    const user = account();
    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => syncAccount(stores, { ...user, eventTs: 1_000 + (i % 3) })),
    );
    // Assess
    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
    const synced = await contactsOf(user.accountId, user.email);
    expect(synced).toHaveLength(1);
    expect(synced[0]?.jiraEventTs).toBe(1_002);
  });

  it('makes one contact per account when two accounts share an email and race for the same contact', async () => {
    // Prepare
    const email = `shared.${Date.now()}@example.com`;
    const existing = await contacts.createContact({ name: 'Shared', email });
    const first = account({ email });
    const second = account({ email, accountType: 'customer' });
    // Act
    await Promise.all([syncAccount(stores, first), syncAccount(stores, second)]);
    // Assess
    const firstContacts = await contactsOf(first.accountId, email);
    const secondContacts = await contactsOf(second.accountId, email);
    expect(firstContacts).toHaveLength(1);
    expect(secondContacts).toHaveLength(1);
    expect(firstContacts[0]?.id).not.toBe(secondContacts[0]?.id);
    expect([firstContacts[0]?.id, secondContacts[0]?.id]).toContain(existing.id);
  });

  it('applies events by their own time: an older update arriving late loses', async () => {
    // Prepare
    const user = account({ eventTs: 2_000, displayName: 'Newer' });
    await syncAccount(stores, user);
    // Act
    const outcome = await syncAccount(stores, {
      ...user,
      eventTs: 1_500,
      displayName: 'Older',
      email: 'older@example.com',
    });
    // Assess
    expect(outcome).toBe('stale');
    const link = await links.getLink(user.accountId);
    expect(await contacts.getContact(link?.contactId ?? 'none')).toMatchObject({ name: 'Newer', email: user.email });
  });

  it('a repeated event has effect once', async () => {
    // Prepare
    const user = account();
    await syncAccount(stores, user);
    // Act
    const again = await syncAccount(stores, user);
    // Assess
    expect(again).toBe('stale');
    expect(await contactsOf(user.accountId, user.email)).toHaveLength(1);
  });

  it('unsync keeps the contact as a regular one, and an older event cannot bring the link back', async () => {
    // Prepare
    const user = account({ eventTs: 1_000 });
    await syncAccount(stores, user);
    const contactId = (await links.getLink(user.accountId))?.contactId ?? 'none';
    // Act
    const unsynced = await unsyncAccount(stores, { accountId: user.accountId, eventTs: 3_000 });
    const late = await syncAccount(stores, { ...user, eventTs: 2_000, displayName: 'Late' });
    // Assess
    expect(unsynced).toBe('unlinked');
    expect(late).toBe('stale');
    expect(await contacts.getContact(contactId)).toMatchObject({ jiraUser: null, tags: [], name: user.displayName });
    await expect(contacts.deleteContact(contactId)).resolves.toBeUndefined();
  });

  it('a newer event after an unsync links the account again, to its old contact found by email', async () => {
    // Prepare
    const user = account({ eventTs: 1_000 });
    await syncAccount(stores, user);
    const contactId = (await links.getLink(user.accountId))?.contactId;
    await unsyncAccount(stores, { accountId: user.accountId, eventTs: 2_000 });
    // Act
    const outcome = await syncAccount(stores, { ...user, eventTs: 3_000 });
    // Assess
    expect(outcome).toBe('linked');
    expect((await links.getLink(user.accountId))?.contactId).toBe(contactId);
    expect(await contactsOf(user.accountId, user.email)).toHaveLength(1);
  });

  it('an unsync that races with an older sync leaves the contact regular', async () => {
    // Prepare
    const user = account({ eventTs: 1_000 });
    await syncAccount(stores, user);
    // Act
    await Promise.all([
      unsyncAccount(stores, { accountId: user.accountId, eventTs: 5_000 }),
      syncAccount(stores, { ...user, eventTs: 4_000, displayName: 'Racer' }),
    ]);
    // Assess
    expect(await contactsOf(user.accountId, user.email)).toHaveLength(0);
    expect((await links.getLink(user.accountId))?.status).toBe('unlinked');
  });

  it('completes a claim that crashed before its contact was written, without a second contact', async () => {
    // Prepare: the link was claimed for a new contact, then the writer died
    const user = account();
    await links.claimLink({
      accountId: user.accountId,
      status: 'linked',
      contactId: 'crashed-before-create',
      origin: 'created',
      eventTs: 500,
      runId: 'run-1',
    });
    // Act
    const outcome = await syncAccount(stores, user, { runId: 'run-1' });
    // Assess
    expect(outcome).toBe('created');
    expect(await contacts.getContact('crashed-before-create')).toMatchObject({
      jiraUser: { accountId: user.accountId },
    });
    expect(await contactsOf(user.accountId, user.email)).toHaveLength(1);
  });

  it('a retried page reports what its first attempt did (created stays created)', async () => {
    // Prepare
    const user = account();
    expect(await syncAccount(stores, user, { runId: 'run-2' })).toBe('created');
    // Act: the same run reads the page again later
    const retried = await syncAccount(stores, { ...user, eventTs: user.eventTs + 10 }, { runId: 'run-2' });
    // Assess
    expect(retried).toBe('created');
    expect(await contactsOf(user.accountId, user.email)).toHaveLength(1);
  });

  it('forced unsync (turning syncing off) unlinks even when Jira’s clock ran ahead of ours', async () => {
    // Prepare
    const user = account({ eventTs: Date.now() + 60_000 });
    await syncAccount(stores, user);
    // Act
    const outcome = await unsyncAccount(stores, {
      accountId: user.accountId,
      eventTs: Date.now(),
      runId: 'disable-run',
      force: true,
    });
    // Assess
    expect(outcome).toBe('unlinked');
    expect(await contactsOf(user.accountId, user.email)).toHaveLength(0);
  });
});
