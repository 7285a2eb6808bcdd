import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Contact } from '../../lambdas/domain/contact.js';
import type { AccountSnapshot } from '../../lambdas/domain/sync/account-snapshot.js';
import { syncAccount, unsyncAccount } from '../../lambdas/domain/sync/sync-account.js';
import type { SyncedContactStore } from '../../lambdas/domain/sync/synced-contact-store.js';
import { accountFactory, contactsCarrying } from '../helpers/accounts.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';
import { testStores } from '../helpers/stores.js';

/**
 * "An account keeps its contact": the account reclaims the contact it was last linked to, whatever
 * other contacts share its email; only an account that never had one links a free contact by email.
 * Against the embedded DynamoDB server.
 */
describe('an account keeps its contact', () => {
  let db: TestTable;
  let stores: ReturnType<typeof testStores>;
  let clock = 10_000;
  const tick = () => (clock += 1_000);

  beforeAll(async () => {
    db = await startTestTable();
    stores = testStores(db);
  });
  afterAll(async () => {
    await db.stop();
  });

  const account = accountFactory('keeper');
  const byEmail = async (email: string): Promise<Contact[]> =>
    (await stores.contacts.findContactsByEmail(email, { limit: 100 })).items;
  const linkedContactId = async (accountId: string) => (await stores.links.getLink(accountId))?.contactId;
  /** Syncing off (forced, as the toggle does) and on again, for every account given. */
  const offAndOn = async (accounts: AccountSnapshot[]) => {
    const off = tick();
    for (const user of accounts) await unsyncAccount(stores, { accountId: user.accountId, eventTs: off, force: true });
    const on = tick();
    return Promise.all(accounts.map((user) => syncAccount(stores, { ...user, eventTs: on })));
  };

  it('twins sharing an email keep one contact each, with what CRM users wrote, through three off/on cycles', async () => {
    // Prepare: a Jira user and a portal customer with one email in two cases, each with its contact,
    // and an older regular contact that takes their email while syncing is off
    const twin = account({ email: `twin.${clock}@example.com` });
    const customer = account({ email: `Twin.${clock}@example.com`, accountType: 'customer' });
    expect(await syncAccount(stores, { ...twin, eventTs: tick() })).toBe('created');
    expect(await syncAccount(stores, { ...customer, eventTs: tick() })).toBe('created');
    const twinId = (await linkedContactId(twin.accountId)) ?? 'none';
    const customerId = (await linkedContactId(customer.accountId)) ?? 'none';
    await stores.contacts.updateContact(twinId, { phone: '+1 555 0100', tags: ['VIP'], companyIds: ['co-twin'] });
    await stores.contacts.updateContact(customerId, { phone: '+1 555 0101', tags: ['VIP'] });
    const older = await stores.contacts.createContact({ name: 'Older', email: 'older@example.com' });
    // Act / Assess
    for (let cycle = 0; cycle < 3; cycle += 1) {
      if (cycle === 0) {
        await unsyncAccount(stores, { accountId: twin.accountId, eventTs: tick(), force: true });
        await unsyncAccount(stores, { accountId: customer.accountId, eventTs: tick(), force: true });
        await stores.contacts.updateContact(older.id, { email: twin.email.toUpperCase() });
        const on = tick();
        const outcomes = await Promise.all(
          [twin, customer].map((user) => syncAccount(stores, { ...user, eventTs: on })),
        );
        expect(outcomes).toEqual(['linked', 'linked']);
      } else {
        expect(await offAndOn([twin, customer])).toEqual(['linked', 'linked']);
      }
      expect(await linkedContactId(twin.accountId)).toBe(twinId);
      expect(await linkedContactId(customer.accountId)).toBe(customerId);
      const all = await byEmail(twin.email);
      expect(all.map((contact) => contact.id).sort()).toEqual([twinId, customerId, older.id].sort());
      expect(await stores.contacts.getContact(twinId)).toMatchObject({
        phone: '+1 555 0100',
        tags: ['Jira User', 'VIP'],
        companyIds: ['co-twin'],
        jiraUser: { accountId: twin.accountId },
      });
      expect(await stores.contacts.getContact(customerId)).toMatchObject({
        phone: '+1 555 0101',
        tags: ['Jira User', 'VIP'],
        jiraUser: { accountId: customer.accountId, accountType: 'customer' },
      });
      expect(await stores.contacts.getContact(older.id)).toMatchObject({ name: 'Older', jiraUser: null });
    }
  });

  it('an account linked to an existing contact reclaims that one, not an older contact with its email', async () => {
    // Prepare: the account linked a contact made through the CRM
    const user = account();
    const mine = await stores.contacts.createContact({ name: 'Mine', email: user.email, phone: '+44 1' });
    expect(await syncAccount(stores, { ...user, eventTs: tick() })).toBe('linked');
    // Act: off, and a contact created before it moves to the same email meanwhile
    await unsyncAccount(stores, { accountId: user.accountId, eventTs: tick(), force: true });
    const earlier = await stores.contacts.createContact({ name: 'Earlier', email: 'earlier@example.com' });
    // …made long ago, so it is the oldest contact with the email
    await db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: { pk: `CONTACT#${earlier.id}`, sk: 'CONTACT' },
        UpdateExpression: 'SET createdKey = :old, kindSort = :old',
        ExpressionAttributeValues: { ':old': `2001-01-01T00:00:00.000Z#${earlier.id}` },
      }),
    );
    await stores.contacts.updateContact(earlier.id, { email: user.email });
    const outcome = await syncAccount(stores, { ...user, eventTs: tick() });
    // Assess
    expect(outcome).toBe('linked');
    expect(await linkedContactId(user.accountId)).toBe(mine.id);
    expect(await stores.contacts.getContact(mine.id)).toMatchObject({
      phone: '+44 1',
      jiraUser: { accountId: user.accountId },
    });
    expect(await stores.contacts.getContact(earlier.id)).toMatchObject({ jiraUser: null });
    expect(await contactsCarrying(db, user.accountId, user.email)).toHaveLength(1);
  });

  it('an account that never had a contact tries the next free one when its pick is taken, before creating', async () => {
    // Prepare: two free contacts with one email; another account takes the oldest while this one
    // has just picked it (a real concurrent writer, run between the lookup and the claim)
    const email = `pair.${clock}@example.com`;
    const oldest = await stores.contacts.createContact({ name: 'Oldest', email });
    const next = await stores.contacts.createContact({ name: 'Next', email });
    const late = account({ email });
    const quick = account({ email, accountType: 'customer' });
    let raced = false;
    const racing: SyncedContactStore = Object.create(stores.syncedContacts, {
      findLinkableContactId: {
        value: async (...args: Parameters<SyncedContactStore['findLinkableContactId']>) => {
          const found = await stores.syncedContacts.findLinkableContactId(...args);
          if (!raced) {
            raced = true;
            expect(await syncAccount(stores, { ...quick, eventTs: tick() })).toBe('linked');
          }
          return found;
        },
      },
    });
    // Act
    const outcome = await syncAccount({ links: stores.links, syncedContacts: racing }, { ...late, eventTs: tick() });
    // Assess
    expect(raced).toBe(true);
    expect(outcome).toBe('linked');
    expect(await linkedContactId(quick.accountId)).toBe(oldest.id);
    expect(await linkedContactId(late.accountId)).toBe(next.id);
    expect((await byEmail(email)).map((contact) => contact.id).sort()).toEqual([oldest.id, next.id].sort());
  });

  it('an account whose former contact was deleted gets it back under the same id', async () => {
    // Prepare
    const user = account();
    const mine = await stores.contacts.createContact({ name: 'Mine', email: user.email });
    await syncAccount(stores, { ...user, eventTs: tick() });
    await unsyncAccount(stores, { accountId: user.accountId, eventTs: tick(), force: true });
    await stores.contacts.deleteContact(mine.id);
    // Act
    const outcome = await syncAccount(stores, { ...user, eventTs: tick() });
    // Assess
    expect(outcome).toBe('created');
    expect(await linkedContactId(user.accountId)).toBe(mine.id);
    expect(await contactsCarrying(db, user.accountId, user.email)).toHaveLength(1);
  });

  it('an account whose former contact was deleted links a free contact with its email, if there is one', async () => {
    // Prepare: off, the contact deleted and made again through the CRM (a new id)
    const user = account();
    await syncAccount(stores, { ...user, eventTs: tick() });
    const formerId = (await linkedContactId(user.accountId)) ?? 'none';
    await unsyncAccount(stores, { accountId: user.accountId, eventTs: tick(), force: true });
    await stores.contacts.deleteContact(formerId);
    const again = await stores.contacts.createContact({ name: 'Again', email: user.email });
    // Act
    const outcome = await syncAccount(stores, { ...user, eventTs: tick() });
    // Assess
    expect(outcome).toBe('linked');
    expect(await linkedContactId(user.accountId)).toBe(again.id);
    expect(await stores.contacts.getContact(formerId)).toBeUndefined();
    expect(await byEmail(user.email)).toHaveLength(1);
  });

  it('links an existing contact written in another Unicode form or with the IDNA domain, and finds it by any form', async () => {
    // Prepare: contacts written in NFC and with a Unicode domain; accounts in NFD and IDNA ASCII form
    const stamp = tick();
    const nfc = await stores.contacts.createContact({ name: 'José', email: `josé.${stamp}@bücher.example` });
    const unicode = await stores.contacts.createContact({ name: 'Kim', email: `kim.${stamp}@bücher.example` });
    const jose = account({ email: `jose\u0301.${stamp}@bu\u0308cher.example` });
    const kim = account({ email: `KIM.${stamp}@xn--bcher-kva.example` });
    // Act
    const outcomes = [
      await syncAccount(stores, { ...jose, eventTs: tick() }),
      await syncAccount(stores, { ...kim, eventTs: tick() }),
    ];
    // Assess
    expect(outcomes).toEqual(['linked', 'linked']);
    expect(await linkedContactId(jose.accountId)).toBe(nfc.id);
    expect(await linkedContactId(kim.accountId)).toBe(unicode.id);
    // The contact keeps the address as Jira gives it
    expect((await stores.contacts.getContact(unicode.id))?.email).toBe(kim.email);
    const joseForms = [jose.email, `josé.${stamp}@bücher.example`, `JOSÉ.${stamp}@XN--BCHER-KVA.example`];
    for (const form of joseForms) expect((await byEmail(form)).map((contact) => contact.id)).toEqual([nfc.id]);
    const kimForms = [`kim.${stamp}@bücher.example`, `Kim.${stamp}@BÜCHER.EXAMPLE`, kim.email];
    for (const form of kimForms) expect((await byEmail(form)).map((contact) => contact.id)).toEqual([unicode.id]);
  });
});
