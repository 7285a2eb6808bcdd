import { DynamoDbCompanyStore } from '../../lambdas/adapters/dynamodb/dynamodb-company-store.js';
import { DynamoDbContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-contact-store.js';
import { DynamoDbMembershipStore } from '../../lambdas/adapters/dynamodb/dynamodb-membership-store.js';
import { DynamoDbSyncedContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-synced-contact-store.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';

let dynamo: TestTable;
let contacts: DynamoDbContactStore;
let companies: DynamoDbCompanyStore;
let memberships: DynamoDbMembershipStore;
let synced: DynamoDbSyncedContactStore;

beforeAll(async () => {
  dynamo = await startTestTable();
  contacts = new DynamoDbContactStore(dynamo.client, dynamo.table);
  companies = new DynamoDbCompanyStore(dynamo.client, dynamo.table);
  memberships = new DynamoDbMembershipStore(dynamo.client, dynamo.table);
  synced = new DynamoDbSyncedContactStore(dynamo.client, dynamo.table);
});

afterAll(async () => {
  await dynamo.stop();
});

/** A contact synced with account `accountId`, holding a Jira event of time 1000. */
async function syncedContact(accountId: string, companyIds: string[] = []): Promise<string> {
  const contact = await contacts.createContact({ name: accountId, email: `${accountId}@acme.example`, companyIds });
  const linked = await synced.linkContact(contact.id, {
    accountId,
    accountType: 'customer',
    displayName: accountId,
    email: `${accountId}@acme.example`,
    eventTs: 1000,
  });
  expect(linked).toBe('linked');
  return contact.id;
}

describe('DynamoDbMembershipStore against the embedded DynamoDB', () => {
  it('adds the company beside a CRM user`s own, and removes only what the sync added', async () => {
    // Prepare
    const org = await companies.createCompany({ name: 'Org' });
    const own = await companies.createCompany({ name: 'Own' });
    const contactId = await syncedContact('qm:one', [own.id]);
    const membership = { organizationId: '1', accountId: 'qm:one', contactId, companyId: org.id };
    // Act
    const added = await memberships.addMembership(membership);
    const again = await memberships.addMembership(membership);
    const recorded = await memberships.membershipsOf('1');
    const removed = await memberships.removeMembership(membership);
    // Assess
    expect([added, again, removed]).toEqual(['added', 'present', true]);
    expect(recorded).toEqual(new Map([['qm:one', contactId]]));
    expect((await contacts.getContact(contactId))?.companyIds).toEqual([own.id]);
    expect(await memberships.membershipsOf('1')).toEqual(new Map());
  });

  it('never removes a company a CRM user added by hand, even when the customer was a member', async () => {
    // Prepare: the company was the user's before the customer joined
    const org = await companies.createCompany({ name: 'Hand' });
    const contactId = await syncedContact('qm:two', [org.id]);
    const membership = { organizationId: '2', accountId: 'qm:two', contactId, companyId: org.id };
    // Act
    const added = await memberships.addMembership(membership);
    const removed = await memberships.removeMembership(membership);
    // Assess
    expect([added, removed]).toEqual(['present', false]);
    expect((await contacts.getContact(contactId))?.companyIds).toEqual([org.id]);
  });

  it('gives nothing to a contact that is not the account`s synced contact, and leaves its event time alone', async () => {
    // Prepare
    const org = await companies.createCompany({ name: 'Nobody' });
    const regular = await contacts.createContact({ name: 'Regular', email: 'regular@acme.example' });
    const contactId = await syncedContact('qm:three');
    // Act
    const notSynced = await memberships.addMembership({
      organizationId: '3',
      accountId: 'qm:three',
      contactId: regular.id,
      companyId: org.id,
    });
    await memberships.addMembership({ organizationId: '3', accountId: 'qm:three', contactId, companyId: org.id });
    const older = await synced.linkContact(contactId, {
      accountId: 'qm:three',
      accountType: 'customer',
      displayName: 'Older',
      email: 'qm:three@acme.example',
      eventTs: 999,
    });
    // Assess
    expect(notSynced).toBe('not-synced');
    expect((await contacts.getContact(regular.id))?.companyIds).toEqual([]);
    expect(older).toBe('stale');
    expect(await memberships.contactsWithout(org.id, [contactId, regular.id])).toEqual(new Set([regular.id]));
  });

  it('names a company the sync gave once, when it comes back after being taken off by hand', async () => {
    // Prepare
    const org = await companies.createCompany({ name: 'Back' });
    const contactId = await syncedContact('qm:four');
    const membership = { organizationId: '4', accountId: 'qm:four', contactId, companyId: org.id };
    await memberships.addMembership(membership);
    await contacts.updateContact(contactId, { companyIds: [] });
    // Act
    const back = await memberships.addMembership(membership);
    const removed = await memberships.removeMembership(membership);
    const readded = await memberships.addMembership(membership);
    // Assess
    expect([back, removed, readded]).toEqual(['added', true, 'added']);
    expect((await contacts.getContact(contactId))?.companyIds).toEqual([org.id]);
    expect(await memberships.removeMembership(membership)).toBe(true);
    expect((await contacts.getContact(contactId))?.companyIds).toEqual([]);
  });
});
