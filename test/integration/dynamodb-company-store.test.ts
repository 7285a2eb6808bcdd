import { jest } from '@jest/globals';
import { DynamoDbCompanyStore } from '../../lambdas/adapters/dynamodb/dynamodb-company-store.js';
import { DynamoDbContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-contact-store.js';
import { encodePageCursor } from '../../lambdas/adapters/dynamodb/cursor.js';
import { DynamoDbSyncedCompanyStore } from '../../lambdas/adapters/dynamodb/dynamodb-synced-company-store.js';
import { BadRequestError, ConflictError, NotFoundError } from '../../lambdas/domain/errors.js';
import { stepClock, useSteppingClock } from '../helpers/clock.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';

let dynamo: TestTable;
let store: DynamoDbCompanyStore;

beforeAll(async () => {
  useSteppingClock();
  dynamo = await startTestTable();
  store = new DynamoDbCompanyStore(dynamo.client, dynamo.table);
});

afterAll(async () => {
  jest.useRealTimers();
  await dynamo.stop();
});

/** Distinct creation times, so "newest first" has one right answer: the clock steps on, nobody waits. */
const tick = async (): Promise<void> => stepClock(3);

describe('DynamoDbCompanyStore against the embedded DynamoDB', () => {
  it('stores a company and reads it back', async () => {
    // Act
    const created = await store.createCompany({ name: 'Acme', domain: 'acme.example' });
    const read = await store.getCompany(created.id);
    // Assess
    expect(created).toEqual({
      id: created.id,
      name: 'Acme',
      domain: 'acme.example',
      jsmOrganization: null,
      createdAt: created.createdAt,
      updatedAt: created.createdAt,
    });
    expect(read).toEqual(created);
  });

  it('defaults the domain to null', async () => {
    // Act
    const created = await store.createCompany({ name: 'No Domain' });
    // Assess
    expect((await store.getCompany(created.id))?.domain).toBeNull();
  });

  it('reads nothing for an unknown id', async () => {
    // Act / Assess
    expect(await store.getCompany('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('lists newest first and pages through every company once', async () => {
    // Prepare
    const fresh = await dynamo.freshTable();
    try {
      const companies = new DynamoDbCompanyStore(fresh.client, fresh.table);
      const ids: string[] = [];
      for (let i = 0; i < 7; i += 1) {
        ids.push((await companies.createCompany({ name: `Company ${i}` })).id);
        await tick();
      }
      await new DynamoDbContactStore(fresh.client, fresh.table).createContact({ name: 'Not A Company' });
      // Act
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await companies.listCompanies({ limit: 3, cursor });
        seen.push(...page.items.map((company) => company.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      // Assess
      expect(seen).toEqual([...ids].reverse());
    } finally {
      await fresh.stop();
    }
  });

  it('refuses a tampered cursor or a contact cursor with BadRequestError', async () => {
    // Prepare
    const contactCursor =
      (await encodePageCursor({ pk: 'CONTACT#1', sk: 'CONTACT', kindKey: 'CONTACT', kindSort: 'x' })) ?? '';
    // Act / Assess
    await expect(store.listCompanies({ limit: 2, cursor: 'eyJ0YW1wZXJlZCI6dHJ1ZX0' })).rejects.toThrow(BadRequestError);
    await expect(store.listCompanies({ limit: 2, cursor: contactCursor })).rejects.toThrow(BadRequestError);
  });

  it('changes only the fields given', async () => {
    // Prepare
    const created = await store.createCompany({ name: 'Old Name', domain: 'old.example' });
    await tick();
    // Act
    const renamed = await store.updateCompany(created.id, { name: 'New Name' });
    const cleared = await store.updateCompany(created.id, { domain: null });
    // Assess
    expect(renamed).toMatchObject({
      id: created.id,
      name: 'New Name',
      domain: 'old.example',
      createdAt: created.createdAt,
    });
    expect(renamed.updatedAt > created.updatedAt).toBe(true);
    expect(cleared).toMatchObject({ name: 'New Name', domain: null });
    expect(await store.getCompany(created.id)).toEqual(cleared);
  });

  it('throws NotFoundError when updating an unknown company, and creates nothing', async () => {
    // Prepare
    const id = '00000000-0000-4000-8000-0000000000aa';
    // Act / Assess
    await expect(store.updateCompany(id, { name: 'Ghost' })).rejects.toThrow(NotFoundError);
    expect(await store.getCompany(id)).toBeUndefined();
  });

  it('deletes a company, and a second delete is NotFoundError', async () => {
    // Prepare
    const created = await store.createCompany({ name: 'Short Lived' });
    // Act
    await store.deleteCompany(created.id);
    // Assess
    expect(await store.getCompany(created.id)).toBeUndefined();
    await expect(store.deleteCompany(created.id)).rejects.toThrow(NotFoundError);
  });

  describe('missingCompanyIds', () => {
    it('names exactly the ids that are not companies', async () => {
      // Prepare
      const a = await store.createCompany({ name: 'A' });
      const b = await store.createCompany({ name: 'B' });
      // Act
      const missing = await store.missingCompanyIds([a.id, 'ghost-1', b.id, 'ghost-2', 'ghost-1']);
      // Assess
      expect(missing).toEqual(['ghost-1', 'ghost-2']);
    });

    it('is empty when all exist, or when asked about nothing', async () => {
      // Prepare
      const a = await store.createCompany({ name: 'Exists' });
      // Act / Assess
      expect(await store.missingCompanyIds([a.id, a.id])).toEqual([]);
      expect(await store.missingCompanyIds([])).toEqual([]);
    });

    it('does not count a contact as a company', async () => {
      // Prepare
      const contact = await new DynamoDbContactStore(dynamo.client, dynamo.table).createContact({
        name: 'Not A Company',
      });
      // Act / Assess
      expect(await store.missingCompanyIds([contact.id])).toEqual([contact.id]);
    });

    it('checks more ids than one BatchGetItem takes', async () => {
      // Prepare: 120 companies and 30 unknown ids, across two batches
      const created = await Promise.all(
        Array.from({ length: 120 }, (_, i) => store.createCompany({ name: `Bulk ${i}` })),
      );
      const unknown = Array.from({ length: 30 }, (_, i) => `unknown-${i}`);
      const ids = [...created.map((company) => company.id), ...unknown];
      // Act
      const missing = await store.missingCompanyIds(ids);
      // Assess
      expect(missing.sort()).toEqual([...unknown].sort());
    });
  });
});

describe('a synced company, against the embedded DynamoDB', () => {
  it('cannot be renamed or deleted while it follows its organization; its domain can change', async () => {
    // Prepare
    const synced = new DynamoDbSyncedCompanyStore(dynamo.client, dynamo.table);
    const company = await store.createCompany({ name: 'globex ltd', domain: null });
    expect(await synced.syncCompany(company.id, { id: '12', name: 'Globex Ltd' })).toBe('linked');
    // Act
    const rename = await store.updateCompany(company.id, { name: 'Other' }).catch((error: unknown) => error);
    const deletion = await store.deleteCompany(company.id).catch((error: unknown) => error);
    const sameName = await store.updateCompany(company.id, { name: 'Globex Ltd', domain: 'globex.example' });
    // Assess
    expect(rename).toBeInstanceOf(ConflictError);
    expect((rename as Error).message).toMatch(/Rename the organization in JSM/);
    expect(deletion).toBeInstanceOf(ConflictError);
    expect((deletion as Error).message).toMatch(/Delete the organization in JSM/);
    expect(sameName).toMatchObject({ name: 'Globex Ltd', domain: 'globex.example', jsmOrganization: { id: '12' } });
  });

  it('writes nothing when the organization is unchanged, follows a rename, and is regular once unsynced', async () => {
    // Prepare
    const synced = new DynamoDbSyncedCompanyStore(dynamo.client, dynamo.table);
    const company = await store.createCompany({ name: 'Initech' });
    await synced.syncCompany(company.id, { id: '30', name: 'Initech' });
    const before = await store.getCompany(company.id);
    await tick();
    // Act
    const unchanged = await synced.syncCompany(company.id, { id: '30', name: 'Initech' });
    const taken = await synced.syncCompany(company.id, { id: '31', name: 'Initrode' });
    const renamed = await synced.syncCompany(company.id, { id: '30', name: 'Initech Group' });
    const unsynced = await synced.unsyncCompany({ companyId: company.id, organizationId: '30' });
    // Assess
    expect([unchanged, taken, renamed, unsynced]).toEqual(['unchanged', 'taken', 'renamed', true]);
    expect((await store.getCompany(company.id))?.updatedAt).not.toBe(before?.updatedAt);
    await store.updateCompany(company.id, { name: 'Initech (old)' });
    await store.deleteCompany(company.id);
    expect(await store.getCompany(company.id)).toBeUndefined();
  });

  it('gives an organization one company: the claim is taken once, and a missing company is made again', async () => {
    // Prepare
    const synced = new DynamoDbSyncedCompanyStore(dynamo.client, dynamo.table);
    // Act
    const first = await synced.claimOrganization('40', 'company-a');
    const second = await synced.claimOrganization('40', 'company-b');
    const created = await synced.syncCompany('company-a', { id: '40', name: 'Umbrella' });
    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await synced.organizationCompanyId('40')).toBe('company-a');
    expect(created).toBe('created');
    expect(await store.getCompany('company-a')).toMatchObject({ name: 'Umbrella', jsmOrganization: { id: '40' } });
  });
});
