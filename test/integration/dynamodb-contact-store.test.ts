import { jest } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCompanyStore } from '../../lambdas/adapters/dynamodb/dynamodb-company-store.js';
import { DynamoDbContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-contact-store.js';
import { DynamoDbSyncedContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-synced-contact-store.js';
import { encodePageCursor } from '../../lambdas/adapters/dynamodb/cursor.js';
import type { Contact } from '../../lambdas/domain/contact.js';
import { BadRequestError, ConflictError, NotFoundError } from '../../lambdas/domain/errors.js';
import type { Page, PageRequest } from '../../lambdas/domain/page.js';
import { stepClock, useSteppingClock } from '../helpers/clock.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let dynamo: TestTable;
let store: DynamoDbContactStore;
let syncedContacts: DynamoDbSyncedContactStore;

beforeAll(async () => {
  useSteppingClock();
  dynamo = await startTestTable();
  store = new DynamoDbContactStore(dynamo.client, dynamo.table);
  syncedContacts = new DynamoDbSyncedContactStore(dynamo.client, dynamo.table);
});

afterAll(async () => {
  jest.useRealTimers();
  await dynamo.stop();
});

/** Distinct creation times, so "newest first" has one right answer: the clock steps on, nobody waits. */
const tick = async (): Promise<void> => stepClock(3);

async function readAll(
  list: (page: PageRequest) => Promise<Page<Contact>>,
  limit: number,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await list({ limit, cursor });
    pages += 1;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((contact) => contact.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { ids, pages };
}

/** Makes a contact synced the way the sync does: through the synced contact store. */
async function syncedContact(email: string): Promise<Contact> {
  const contact = await store.createContact({ name: 'Before Sync', email, phone: '+1 555 0100', tags: ['vip'] });
  const result = await syncedContacts.linkContact(contact.id, {
    accountId: `712020:${contact.id}`,
    accountType: 'atlassian',
    displayName: 'Grace Hopper',
    email,
    eventTs: Date.now(),
  });
  expect(result).toBe('linked');
  const linked = await store.getContact(contact.id);
  if (!linked) throw new Error('the linked contact vanished');
  return linked;
}

describe('DynamoDbContactStore against the embedded DynamoDB', () => {
  describe('create and get', () => {
    it('stores a regular contact and reads it back as the contract shows it', async () => {
      // Act
      const created = await store.createContact({
        name: 'Ada Lovelace',
        email: 'Ada@Example.com',
        phone: '+44 20 7946 0000',
        companyIds: ['co-1'],
        tags: ['vip'],
      });
      const read = await store.getContact(created.id);
      // Assess
      expect(created.id).toMatch(UUID);
      expect(created).toEqual({
        id: created.id,
        name: 'Ada Lovelace',
        email: 'Ada@Example.com',
        phone: '+44 20 7946 0000',
        companyIds: ['co-1'],
        tags: ['vip'],
        jiraUser: null,
        createdAt: created.createdAt,
        updatedAt: created.createdAt,
      });
      expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
      expect(read).toEqual(created);
    });

    it('fills the optional fields with null and empty lists', async () => {
      // Act
      const created = await store.createContact({ name: 'Only A Name' });
      // Assess
      expect(await store.getContact(created.id)).toMatchObject({
        email: null,
        phone: null,
        companyIds: [],
        tags: [],
        jiraUser: null,
      });
    });

    it('gives each contact its own id', async () => {
      // Act
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.createContact({ name: `Twin ${i}` })),
      );
      // Assess
      expect(new Set(created.map((contact) => contact.id)).size).toBe(10);
    });

    it('reads nothing for an unknown id', async () => {
      // Act / Assess
      expect(await store.getContact('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    });
  });

  describe('listing', () => {
    let fresh: TestTable;
    let listStore: DynamoDbContactStore;
    const createdIds: string[] = [];

    beforeAll(async () => {
      fresh = await dynamo.freshTable();
      listStore = new DynamoDbContactStore(fresh.client, fresh.table);
      for (let i = 0; i < 23; i += 1) {
        createdIds.push((await listStore.createContact({ name: `Person ${i}`, email: `person${i}@example.com` })).id);
        await tick();
      }
    });

    afterAll(async () => {
      await fresh.stop();
    });

    it('lists newest first', async () => {
      // Act
      const page = await listStore.listContacts({ limit: 100 });
      // Assess
      expect(page.items.map((contact) => contact.id)).toEqual([...createdIds].reverse());
      expect(page.nextCursor).toBeNull();
    });

    it('pages through every contact once, in order, with limit and cursor', async () => {
      // Act
      const { ids, pages } = await readAll((page) => listStore.listContacts(page), 5);
      // Assess
      expect(ids).toEqual([...createdIds].reverse());
      expect(pages).toBeGreaterThanOrEqual(5);
    });

    it('does not list companies or other items', async () => {
      // Prepare
      await new DynamoDbCompanyStore(fresh.client, fresh.table).createCompany({ name: 'Acme' });
      // Act
      const page = await listStore.listContacts({ limit: 100 });
      // Assess
      expect(page.items).toHaveLength(createdIds.length);
    });

    it.each([
      ['garbage', async () => 'not-a-cursor'],
      // Signed with the right key, so only the key's shape can be what is refused.
      [
        'a company cursor',
        async () =>
          (await encodePageCursor({ pk: 'COMPANY#1', sk: 'COMPANY', kindKey: 'COMPANY', kindSort: 'x' })) ?? '',
      ],
      [
        'an email-index cursor',
        async () =>
          (await encodePageCursor({ pk: 'CONTACT#1', sk: 'CONTACT', emailKey: 'a@b.c', createdKey: 'x' })) ?? '',
      ],
    ])('refuses %s as a cursor with BadRequestError', async (_what, makeCursor) => {
      // Act / Assess
      await expect(listStore.listContacts({ limit: 5, cursor: await makeCursor() })).rejects.toThrow(BadRequestError);
    });
  });

  describe('finding by email', () => {
    it('matches case-insensitively, oldest first, and nothing else', async () => {
      // Prepare
      const first = await store.createContact({ name: 'First', email: 'Shared.Person@Example.com' });
      await tick();
      const second = await store.createContact({ name: 'Second', email: 'shared.person@example.COM' });
      await store.createContact({ name: 'Other', email: 'someone.else@example.com' });
      // Act
      const page = await store.findContactsByEmail('SHARED.PERSON@example.com', { limit: 10 });
      // Assess
      expect(page.items.map((contact) => contact.id)).toEqual([first.id, second.id]);
      expect(page.items[0]?.email).toBe('Shared.Person@Example.com');
    });

    it('pages through matches with a cursor', async () => {
      // Prepare
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        ids.push((await store.createContact({ name: `Dup ${i}`, email: 'dup@example.com' })).id);
        await tick();
      }
      // Act
      const { ids: found } = await readAll((page) => store.findContactsByEmail('DUP@example.com', page), 2);
      // Assess
      expect(found).toEqual(ids);
    });

    it('refuses a listing cursor for an email search', async () => {
      // Prepare
      const cursor =
        (await encodePageCursor({ pk: 'CONTACT#1', sk: 'CONTACT', kindKey: 'CONTACT', kindSort: 'x' })) ?? '';
      // Act / Assess
      await expect(store.findContactsByEmail('dup@example.com', { limit: 2, cursor })).rejects.toThrow(BadRequestError);
    });

    it("refuses another email's cursor instead of letting DynamoDB fail", async () => {
      // Prepare
      for (let i = 0; i < 2; i += 1)
        await store.createContact({ name: `Other ${i}`, email: 'other.search@example.com' });
      const other = await store.findContactsByEmail('other.search@example.com', { limit: 1 });
      // Act
      const search = store.findContactsByEmail('dup@example.com', { limit: 2, cursor: other.nextCursor ?? undefined });
      // Assess
      expect(other.nextCursor).not.toBeNull();
      await expect(search).rejects.toThrow(BadRequestError);
    });

    it('finds nothing for an unknown email', async () => {
      // Act
      const page = await store.findContactsByEmail('nobody@example.com', { limit: 10 });
      // Assess
      expect(page).toEqual({ items: [], nextCursor: null });
    });
  });

  describe('updating', () => {
    it('changes only the fields given and moves updatedAt', async () => {
      // Prepare
      const created = await store.createContact({
        name: 'Keep Me',
        email: 'keep@example.com',
        phone: '1',
        companyIds: ['c'],
        tags: ['t'],
      });
      await tick();
      // Act
      const updated = await store.updateContact(created.id, { phone: '2' });
      // Assess
      expect(updated).toEqual({ ...created, phone: '2', updatedAt: updated.updatedAt });
      expect(updated.updatedAt > created.updatedAt).toBe(true);
      expect(await store.getContact(created.id)).toEqual(updated);
    });

    it('clears a field set to null', async () => {
      // Prepare
      const created = await store.createContact({ name: 'Clear', email: 'clear@example.com', phone: '1' });
      // Act
      const updated = await store.updateContact(created.id, { phone: null, tags: [] });
      // Assess
      expect(updated).toMatchObject({ phone: null, tags: [], email: 'clear@example.com' });
    });

    it('moves the contact to its new email in the email index', async () => {
      // Prepare
      const created = await store.createContact({ name: 'Mover', email: 'old.address@example.com' });
      // Act
      await store.updateContact(created.id, { email: 'New.Address@example.com' });
      // Assess
      expect((await store.findContactsByEmail('old.address@example.com', { limit: 10 })).items).toEqual([]);
      expect(
        (await store.findContactsByEmail('new.address@EXAMPLE.com', { limit: 10 })).items.map((c) => c.id),
      ).toEqual([created.id]);
    });

    it('removes the contact from the email index when its email is cleared', async () => {
      // Prepare
      const created = await store.createContact({ name: 'Forget', email: 'forget.me@example.com' });
      // Act
      const updated = await store.updateContact(created.id, { email: null });
      // Assess
      expect(updated.email).toBeNull();
      expect((await store.findContactsByEmail('forget.me@example.com', { limit: 10 })).items).toEqual([]);
    });

    it('throws NotFoundError for an unknown id and creates nothing', async () => {
      // Prepare
      const id = '00000000-0000-4000-8000-00000000abcd';
      // Act / Assess
      await expect(store.updateContact(id, { phone: '1' })).rejects.toThrow(NotFoundError);
      expect(await store.getContact(id)).toBeUndefined();
    });
  });

  describe('deleting', () => {
    it('deletes a regular contact', async () => {
      // Prepare
      const created = await store.createContact({ name: 'Delete Me', email: 'delete.me@example.com' });
      // Act
      await store.deleteContact(created.id);
      // Assess
      expect(await store.getContact(created.id)).toBeUndefined();
      expect((await store.findContactsByEmail('delete.me@example.com', { limit: 10 })).items).toEqual([]);
    });

    it('throws NotFoundError for an unknown or already deleted id', async () => {
      // Prepare
      const created = await store.createContact({ name: 'Twice' });
      await store.deleteContact(created.id);
      // Act / Assess
      await expect(store.deleteContact(created.id)).rejects.toThrow(NotFoundError);
    });
  });

  describe('a synced contact', () => {
    it('shows the Jira link and the "Jira User" tag first, without storing the tag', async () => {
      // Act
      const contact = await syncedContact('grace.view@example.com');
      const raw = await dynamo.client.send(
        new GetCommand({ TableName: dynamo.table, Key: { pk: `CONTACT#${contact.id}`, sk: 'CONTACT' } }),
      );
      // Assess
      expect(contact.jiraUser).toEqual({ accountId: `712020:${contact.id}`, accountType: 'atlassian' });
      expect(contact.tags).toEqual(['Jira User', 'vip']);
      expect(raw.Item?.tags).toEqual(['vip']);
    });

    it.each([
      ['its name', { name: 'Someone Else' }, /its name follows Jira/],
      ['its email', { email: 'other@example.com' }, /its email follows Jira/],
      ['its email to none', { email: null }, /its email follows Jira/],
      ['both', { name: 'X', email: 'x@example.com' }, /its name and email follow Jira/],
    ])('refuses a change of %s with ConflictError and changes nothing', async (_what, changes, message) => {
      // Prepare
      const contact = await syncedContact(`grace.${Math.random().toString(36).slice(2)}@example.com`);
      // Act
      const update = store.updateContact(contact.id, { ...changes, phone: '+1 555 0199' });
      // Assess
      await expect(update).rejects.toThrow(ConflictError);
      await expect(store.updateContact(contact.id, changes)).rejects.toThrow(message);
      expect(await store.getContact(contact.id)).toEqual(contact);
    });

    it('accepts changes of phone, tags and companies and keeps the link', async () => {
      // Prepare
      const contact = await syncedContact('grace.own@example.com');
      // Act
      const updated = await store.updateContact(contact.id, {
        phone: '+1 555 0142',
        tags: ['partner'],
        companyIds: ['co-9'],
      });
      // Assess
      expect(updated).toMatchObject({
        name: 'Grace Hopper',
        email: 'grace.own@example.com',
        phone: '+1 555 0142',
        companyIds: ['co-9'],
        tags: ['Jira User', 'partner'],
        jiraUser: contact.jiraUser,
      });
    });

    it('accepts its current name and email repeated beside another change', async () => {
      // Prepare
      const contact = await syncedContact('grace.same@example.com');
      // Act
      const updated = await store.updateContact(contact.id, { name: contact.name, email: contact.email, phone: '7' });
      // Assess
      expect(updated).toMatchObject({ name: 'Grace Hopper', email: 'grace.same@example.com', phone: '7' });
    });

    it('cannot be deleted, and stays', async () => {
      // Prepare
      const contact = await syncedContact('grace.stay@example.com');
      // Act
      const remove = store.deleteContact(contact.id);
      // Assess
      await expect(remove).rejects.toThrow(ConflictError);
      await expect(store.deleteContact(contact.id)).rejects.toThrow(/cannot be deleted/);
      expect(await store.getContact(contact.id)).toEqual(contact);
    });

    it('becomes a regular contact again once unlinked, and can then be deleted', async () => {
      // Prepare
      const contact = await syncedContact('grace.unlink@example.com');
      await syncedContacts.unlinkContact(contact.id, {
        accountId: `712020:${contact.id}`,
        eventTs: Date.now() + 1000,
      });
      // Act
      const regular = await store.getContact(contact.id);
      await store.deleteContact(contact.id);
      // Assess
      expect(regular).toMatchObject({ jiraUser: null, tags: ['vip'], name: 'Grace Hopper' });
      expect(await store.getContact(contact.id)).toBeUndefined();
    });
  });
});
