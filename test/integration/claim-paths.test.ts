import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-contact-store.js';
import { syncAccount, unsyncAccount } from '../../lambdas/domain/sync/sync-account.js';
import { accountFactory, contactsCarrying } from '../helpers/accounts.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';
import { testStores } from '../helpers/stores.js';

/**
 * A new account's contact is created by the very write that claims the account; linking an existing
 * contact claims the same item first. These tests make the two paths contend for one account.
 */
describe('the two ways of claiming an account', () => {
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

  const account = accountFactory('claimer');

  it('a creator and a linker racing for each of 25 accounts leave exactly one contact per account', async () => {
    // Prepare: every account has an existing contact with its email; one writer was told (as a stale
    // batched hint would) that none could be linked, so it creates; the other finds the contact and links it.
    const accounts = Array.from({ length: 25 }, () => account());
    const existing = await Promise.all(
      accounts.map((user) => contacts.createContact({ name: 'Already here', email: user.email })),
    );
    // Act
    const outcomes = await Promise.all(
      accounts.flatMap((user, index) => [
        syncAccount(stores, { ...user, eventTs: 1_000 + index }, { mayBeLinkable: false }),
        syncAccount(stores, { ...user, eventTs: 1_000 + index }),
      ]),
    );
    // Assess
    expect(outcomes.filter((outcome) => outcome === 'created' || outcome === 'linked')).toHaveLength(25);
    for (const [index, user] of accounts.entries()) {
      const carrying = await contactsCarrying(db, user.accountId, user.email);
      expect(carrying).toHaveLength(1);
      const link = await stores.links.getLink(user.accountId);
      expect(link?.contactId).toBe(carrying[0]?.id);
      // The contact that lost the race (if it was not the one linked) is still a regular contact.
      const other = await contacts.getContact(existing[index]?.id ?? 'none');
      expect(other).toBeDefined();
    }
  });

  it('a created contact is a whole contact to the API: listed, found by email, read, updated', async () => {
    // Prepare
    const user = account();
    // Act
    expect(await syncAccount(stores, user)).toBe('created');
    // Assess
    const id = (await stores.links.getLink(user.accountId))?.contactId ?? 'none';
    const contact = await contacts.getContact(id);
    expect(contact).toMatchObject({ email: user.email, tags: ['Jira User'], jiraUser: { accountId: user.accountId } });
    expect((await contacts.findContactsByEmail(user.email, { limit: 10 })).items).toEqual([contact]);
    expect(await contacts.updateContact(id, { phone: '+1 555 0199' })).toMatchObject({ phone: '+1 555 0199' });
    const listed = await listAll();
    expect(listed.filter((item) => item.id === id)).toHaveLength(1);
  });

  it('the link of a linked contact is hidden from the API: no listing, search or id shows it', async () => {
    // Prepare
    const user = account();
    const existing = await contacts.createContact({ name: 'Linked one', email: user.email });
    const before = await listAll();
    // Act
    expect(await syncAccount(stores, user)).toBe('linked');
    // Assess
    const after = await listAll();
    expect(after.map((item) => item.id).sort()).toEqual(before.map((item) => item.id).sort());
    const found = (await contacts.findContactsByEmail(user.email, { limit: 10 })).items;
    expect(found.map((item) => item.id)).toEqual([existing.id]);
    const linkItems = await db.client.send(
      new ScanCommand({
        TableName: db.table,
        FilterExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `JIRA#${user.accountId}` },
        ConsistentRead: true,
      }),
    );
    expect(linkItems.Items).toHaveLength(1);
    expect(linkItems.Items?.[0]).not.toHaveProperty('kindKey');
    expect(linkItems.Items?.[0]).not.toHaveProperty('emailKey');
  });

  it('deleting a regular contact kept in a link item keeps the tombstone: an older event stays out', async () => {
    // Prepare: created, then the account was deleted in Jira at 2,000, then a CRM user deleted the contact
    const user = account({ eventTs: 1_000 });
    await syncAccount(stores, user);
    const id = (await stores.links.getLink(user.accountId))?.contactId ?? 'none';
    await unsyncAccount(stores, { accountId: user.accountId, eventTs: 2_000 });
    await contacts.deleteContact(id);
    // Act
    const late = await syncAccount(stores, { ...user, eventTs: 1_500 });
    // Assess
    expect(late).toBe('stale');
    expect(await contacts.getContact(id)).toBeUndefined();
    expect(await contactsCarrying(db, user.accountId, user.email)).toHaveLength(0);
    expect((await stores.links.getLink(user.accountId))?.status).toBe('unlinked');
    // …and a newer event gives the account a contact again.
    expect(await syncAccount(stores, { ...user, eventTs: 3_000 })).toBe('created');
    expect(await contactsCarrying(db, user.accountId, user.email)).toHaveLength(1);
  });

  it('a former contact in the link item, re-addressed by a CRM user, stays; the account gets a new one', async () => {
    // Prepare
    const user = account({ eventTs: 1_000 });
    await syncAccount(stores, user);
    const formerId = (await stores.links.getLink(user.accountId))?.contactId ?? 'none';
    await unsyncAccount(stores, { accountId: user.accountId, eventTs: 2_000 });
    const moved = `moved.${user.email}`;
    await contacts.updateContact(formerId, { email: moved });
    // Act
    const outcome = await syncAccount(stores, { ...user, eventTs: 3_000 });
    // Assess
    expect(outcome).toBe('created');
    const link = await stores.links.getLink(user.accountId);
    expect(link?.contactId).not.toBe(formerId);
    expect(await contacts.getContact(formerId)).toMatchObject({
      jiraUser: null,
      email: moved,
    });
    expect(await contactsCarrying(db, user.accountId, user.email)).toHaveLength(1);
  });

  it('making a created contact regular is one write to its link item (and one email hint)', async () => {
    // Prepare: count the writes the stores send, by the kind of item
    const user = account();
    await syncAccount(stores, user);
    const id = (await stores.links.getLink(user.accountId))?.contactId ?? 'none';
    const writes: string[] = [];
    db.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Item?: { pk?: { S?: string } }; Key?: { pk?: { S?: string } } };
        const pk = input.Key?.pk?.S ?? input.Item?.pk?.S ?? '';
        if (/Put|Update|Delete/.test(context.commandName ?? '')) writes.push(pk.slice(0, pk.indexOf('#') + 1));
        return next(args);
      },
      { step: 'build', name: 'countUnlinkWrites' },
    );
    // Act
    const outcome = await unsyncAccount(stores, { accountId: user.accountId, eventTs: 2_000 });
    db.client.middlewareStack.remove('countUnlinkWrites');
    // Assess
    expect(outcome).toBe('unlinked');
    expect(writes.sort()).toEqual(['EMAIL#', 'JIRA#']);
    expect(await contacts.getContact(id)).toMatchObject({ jiraUser: null, tags: [] });
    expect(await stores.links.getLink(user.accountId)).toMatchObject({ status: 'unlinked', eventTs: 2_000 });
    expect(await stores.syncedContacts.linkableEmails([user.email])).toEqual(new Set([user.email]));
  });

  it('a claim naming a contact deleted from its link item meanwhile recreates it there, once', async () => {
    // Prepare: the account's former contact, kept in its link item, was found by email and named by
    // a new claim; a CRM user deleted that (regular) contact before the claim's writer linked it.
    const user = account({ eventTs: 1_000 });
    await syncAccount(stores, user);
    const id = (await stores.links.getLink(user.accountId))?.contactId ?? 'none';
    await unsyncAccount(stores, { accountId: user.accountId, eventTs: 2_000 });
    expect(
      await stores.links.claimLink({
        accountId: user.accountId,
        status: 'linked',
        contactId: id,
        origin: 'linked',
        eventTs: 3_000,
        claimedAt: '2026-01-01T00:00:00.000Z',
      }),
    ).toBe(true);
    await contacts.deleteContact(id);
    // Act
    const outcome = await syncAccount(stores, { ...user, eventTs: 3_000 });
    // Assess
    expect(outcome).toBe('created');
    expect(await contacts.getContact(id)).toMatchObject({
      createdAt: '2026-01-01T00:00:00.000Z',
      jiraUser: { accountId: user.accountId },
    });
    expect(await contactsCarrying(db, user.accountId, user.email)).toHaveLength(1);
    expect(await stores.links.getLink(user.accountId)).toMatchObject({ status: 'linked', contactId: id });
  });

  it('an id that is not the canonical spelling of an account contact names no contact', async () => {
    // Prepare
    const user = account();
    await syncAccount(stores, user);
    const id = (await stores.links.getLink(user.accountId))?.contactId ?? 'none';
    // Act / Assess
    expect(await contacts.getContact(`${id}=`)).toBeUndefined();
    expect(await contacts.getContact('jira-')).toBeUndefined();
  });

  async function listAll() {
    const all: Array<{ id: string }> = [];
    let cursor: string | undefined;
    do {
      const page = await contacts.listContacts({ limit: 100, ...(cursor ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }
});
