import { jest } from '@jest/globals';
import type { Company } from '../../lambdas/domain/company.js';
import type { Contact } from '../../lambdas/domain/contact.js';
import type { Page } from '../../lambdas/domain/page.js';
import { listAll, reconcileNow, setUserSync } from '../helpers/api.js';
import { eventually, request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';

/**
 * "One contact per person", end to end over HTTP against the local runtime: accounts made through
 * the simulator's control API, contacts read and written through the contacts API, syncing switched
 * off and on through the settings API.
 */
describe('one contact per person', () => {
  let service: TestService;
  const call = <T>(method: string, path: string, body?: unknown) =>
    request<T>(service.url, method, path, { auth: service.admin, ...(body === undefined ? {} : { body }) });
  const simulator = <T>(method: string, path: string, body?: unknown) =>
    request<T>(service.jira.url, method, path, body === undefined ? {} : { body });
  const findByEmail = async (email: string) =>
    (await call<Page<Contact>>('GET', `/contacts?email=${encodeURIComponent(email)}`)).body.items;
  const contactOf = async (accountId: string) =>
    (await listAll<Contact>(service.url, service.admin, 'contacts')).filter(
      (contact) => contact.jiraUser?.accountId === accountId,
    );
  const createAccount = async (account: Record<string, unknown>) => {
    const created = await simulator<{ accountId: string }>('POST', '/simulator/users', account);
    expect(created.status).toBe(201);
    return created.body.accountId;
  };

  /** Syncing on (as the first test leaves it), so that accounts made in Jira get their contacts live. */
  const syncingOn = async () => {
    const current = await call<{ state: string }>('GET', '/settings/user-sync');
    if (current.body.state !== 'ENABLED') await setUserSync(service.url, service.admin, true, 60_000);
  };

  beforeAll(async () => {
    service = await startTestService({ simulator: { users: 12, customers: 4 } });
  });
  afterAll(async () => {
    await service.stop();
  });

  it('three off/on cycles and a reconcile keep the same contacts, ids and every field CRM users set', async () => {
    // Prepare: twins sharing an email (a Jira user and a portal customer), a third user, and an older
    // regular contact
    const twin = await createAccount({ displayName: 'Twin User', emailAddress: 'twin@people.example' });
    const customer = await createAccount({
      displayName: 'Twin Customer',
      emailAddress: 'Twin@people.example',
      accountType: 'customer',
    });
    const solo = await createAccount({ displayName: 'Solo User', emailAddress: 'solo@people.example' });
    const older = await call<Contact>('POST', '/contacts', { name: 'Older', email: 'older@people.example' });
    expect(older.status).toBe(201);
    const first = await setUserSync(service.url, service.admin, true, 60_000);
    expect(first.progress.failed).toBe(0);
    const company = await call<Company>('POST', '/companies', { name: 'Globex' });
    expect(company.status).toBe(201);
    const synced = [twin, customer, solo];
    const crm: Record<string, { id: string; phone: string }> = {};
    for (const [index, accountId] of synced.entries()) {
      const [contact] = await contactOf(accountId);
      if (!contact) throw new Error(`No contact for ${accountId}`);
      const phone = `+1 555 010${index}`;
      const patched = await call('PATCH', `/contacts/${contact.id}`, {
        phone,
        tags: ['VIP'],
        companyIds: [company.body.id],
      });
      expect(patched.status).toBe(200);
      crm[accountId] = { id: contact.id, phone };
    }
    const idsBefore = (await listAll<Contact>(service.url, service.admin, 'contacts')).map((c) => c.id).sort();
    expect((await findByEmail('twin@people.example')).map((contact) => contact.id).sort()).toEqual(
      [crm[twin]?.id, crm[customer]?.id].sort(),
    );

    for (let cycle = 1; cycle <= 3; cycle += 1) {
      // Act
      await setUserSync(service.url, service.admin, false, 60_000);
      if (cycle === 1) {
        // The older contact takes a synced user's email while syncing is off
        expect((await call('PATCH', `/contacts/${older.body.id}`, { email: 'SOLO@people.example' })).status).toBe(200);
      }
      const enabled = await setUserSync(service.url, service.admin, true, 60_000);
      if (cycle === 3) await reconcileNow(service.url, service.admin, 60_000);
      // Assess
      expect(enabled.progress).toMatchObject({ created: 0, failed: 0 });
      const all = await listAll<Contact>(service.url, service.admin, 'contacts');
      expect(all.map((contact) => contact.id).sort()).toEqual(idsBefore);
      for (const accountId of synced) {
        const contacts = await contactOf(accountId);
        expect(contacts).toHaveLength(1);
        expect(contacts[0]).toMatchObject({
          id: crm[accountId]?.id,
          phone: crm[accountId]?.phone,
          tags: ['Jira User', 'VIP'],
          companyIds: [company.body.id],
        });
      }
      expect((await call<Contact>('GET', `/contacts/${older.body.id}`)).body).toMatchObject({
        name: 'Older',
        email: 'SOLO@people.example',
        jiraUser: null,
      });
      expect(await findByEmail('solo@people.example')).toHaveLength(2);
    }
  });

  it('accepts internationalized addresses, and finds a contact by any form of its email', async () => {
    // Act
    const jose = await call<Contact>('POST', '/contacts', { name: 'José', email: 'josé@bücher.example' });
    const user = await call<Contact>('POST', '/contacts', { name: 'User', email: 'user@bücher.de' });
    // Assess: accepted, and kept as given
    expect(jose.status).toBe(201);
    expect(jose.body.email).toBe('josé@bücher.example');
    expect(user.status).toBe(201);
    for (const form of ['josé@bücher.example', 'jose\u0301@bu\u0308cher.example', 'JOSÉ@xn--bcher-kva.example']) {
      expect((await findByEmail(form)).map((contact) => contact.id)).toEqual([jose.body.id]);
    }
    expect((await findByEmail('USER@xn--bcher-kva.de')).map((contact) => contact.id)).toEqual([user.body.id]);
  });

  it('the sync links an existing contact written in the other Unicode form, or with the other form of the domain', async () => {
    // Prepare: regular contacts in NFC and with a Unicode domain; syncing on
    await syncingOn();
    const nfc = await call<Contact>('POST', '/contacts', { name: 'Zoë', email: 'zoë@people.example' });
    const unicode = await call<Contact>('POST', '/contacts', { name: 'Kim', email: 'kim@bücher.example' });
    expect([nfc.status, unicode.status]).toEqual([201, 201]);
    // Act: Jira users with the same emails in NFD and in IDNA ASCII form (user_created webhooks)
    const zoe = await createAccount({ displayName: 'Zoë Jira', emailAddress: 'zoe\u0308@people.example' });
    const kim = await createAccount({ displayName: 'Kim Jira', emailAddress: 'kim@xn--bcher-kva.example' });
    // Assess: linked, not created
    const linked = (id: string) =>
      eventually(async () => {
        const contact = (await call<Contact>('GET', `/contacts/${id}`)).body;
        return contact.jiraUser ? contact : undefined;
      }, 20_000);
    expect(await linked(nfc.body.id)).toMatchObject({ name: 'Zoë Jira', jiraUser: { accountId: zoe } });
    expect(await linked(unicode.body.id)).toMatchObject({
      name: 'Kim Jira',
      email: 'kim@xn--bcher-kva.example',
      jiraUser: { accountId: kim },
    });
    expect(await contactOf(zoe)).toHaveLength(1);
    expect(await contactOf(kim)).toHaveLength(1);
    expect((await findByEmail('zoë@people.example')).map((contact) => contact.id)).toEqual([nfc.body.id]);
    expect((await findByEmail('kim@bücher.example')).map((contact) => contact.id)).toEqual([unicode.body.id]);
  });

  it('a 224-character Jira name syncs and its contact stays editable; a 100,000-character one is cut, and said so', async () => {
    // Prepare: capture what the service writes (its log lines), passing everything through
    const written: string[] = [];
    const capture = (stream: NodeJS.WriteStream) => {
      const original = stream.write.bind(stream);
      return jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
        written.push(String(chunk));
        return original(chunk as string, ...rest);
      }) as typeof stream.write);
    };
    const spies = [capture(process.stdout), capture(process.stderr)];
    await syncingOn();
    try {
      const longName = `${'Ümlaut-Nachname '.repeat(14)}`.slice(0, 224);
      // Act
      const long = await createAccount({ displayName: longName, emailAddress: 'long.name@people.example' });
      const huge = await service.jira.createAccount({
        displayName: 'N'.repeat(100_000),
        emailAddress: 'huge.name@people.example',
      });
      const contactFor = (accountId: string) =>
        eventually(async () => (await contactOf(accountId))[0], 20_000, `the contact of ${accountId}`);
      const longContact = await contactFor(long);
      const hugeContact = await contactFor(huge.accountId);
      const phone = await call<Contact>('PATCH', `/contacts/${longContact.id}`, { phone: '+49 30 0000' });
      // The name sent back unchanged, as an older console did, is accepted too
      const unchanged = await call<Contact>('PATCH', `/contacts/${longContact.id}`, {
        name: longName,
        email: 'long.name@people.example',
        phone: '+49 30 0001',
      });
      await reconcileNow(service.url, service.admin, 60_000);
      // Assess
      expect(longContact.name).toBe(longName.trim());
      expect(phone.status).toBe(200);
      expect(phone.body).toMatchObject({ phone: '+49 30 0000', name: longName.trim() });
      expect(unchanged.status).toBe(200);
      expect(hugeContact.name).toBe('N'.repeat(255));
      expect((await call('PATCH', `/contacts/${hugeContact.id}`, { phone: '+1' })).status).toBe(200);
      expect(written.join('')).toMatch(
        new RegExp(`display name of account ${huge.accountId} has 100000 characters: its contact keeps the first 255`),
      );
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
