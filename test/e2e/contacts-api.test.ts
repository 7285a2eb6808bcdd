import type { Contact } from '../../lambdas/domain/contact.js';
import type { Page } from '../../lambdas/domain/page.js';
import { expectError, listAll, setUserSync } from '../helpers/api.js';
import { request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';

let service: TestService;
/** A contact the sync linked to the simulator's administrator account. */
let synced: Contact;

const call = <T = Contact>(method: string, path: string, options: Parameters<typeof request>[3] = {}) =>
  request<T>(service.url, method, path, { auth: service.admin, ...options });

async function createContact(body: Record<string, unknown>): Promise<Contact> {
  const response = await call('POST', '/contacts', { body });
  expect(response.status).toBe(201);
  return response.body;
}

beforeAll(async () => {
  service = await startTestService();
  // Turn user syncing on and wait for it to finish, so the synced contacts exist and stay put.
  await setUserSync(service.url, service.admin, true, 60_000);
  const adminEmail = service.jira.admin.email;
  const found = await call<Page<Contact>>('GET', `/contacts?email=${encodeURIComponent(adminEmail)}`);
  const contact = found.body.items.find((item) => item.jiraUser !== null);
  if (!contact) throw new Error(`the sync made no contact for ${adminEmail}`);
  synced = contact;
});

afterAll(async () => {
  await service.stop();
});

describe('POST /contacts', () => {
  it('creates a regular contact: 201 with the contract shape', async () => {
    // Act
    const response = await call('POST', '/contacts', {
      body: { name: 'Ada Lovelace', email: 'ada.e2e@example.com', phone: '+44 20 7946 0000', tags: ['vip'] },
    });
    // Assess
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(response.body).toEqual({
      id: expect.any(String),
      name: 'Ada Lovelace',
      email: 'ada.e2e@example.com',
      phone: '+44 20 7946 0000',
      companyIds: [],
      tags: ['vip'],
      jiraUser: null,
      createdAt: expect.any(String),
      updatedAt: response.body.createdAt,
    });
    const read = await call('GET', `/contacts/${response.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(response.body);
  });

  it('lets a normal Jira user (not an administrator) work with contacts', async () => {
    // Act
    const response = await request<Contact>(service.url, 'POST', '/contacts', {
      auth: service.agent,
      body: { name: 'By The Agent' },
    });
    // Assess
    expect(response.status).toBe(201);
    expect(response.body.name).toBe('By The Agent');
  });
});

describe('GET /contacts', () => {
  it('lists newest first', async () => {
    // Prepare
    const created: Contact[] = [];
    for (let i = 0; i < 4; i += 1) {
      created.push(await createContact({ name: `Newest ${i}` }));
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    // Act
    const response = await call<Page<Contact>>('GET', '/contacts?limit=4');
    // Assess
    expect(response.status).toBe(200);
    expect(response.body.items.map((contact) => contact.id)).toEqual(created.map((contact) => contact.id).reverse());
    expect(typeof response.body.nextCursor).toBe('string');
  });

  it('pages through every contact with limit and cursor, without duplicates or gaps', async () => {
    // Prepare
    const everything = await listAll<Contact>(service.url, service.admin, 'contacts', 100);
    // Act
    const paged = await listAll<Contact>(service.url, service.admin, 'contacts', 7);
    // Assess
    expect(everything.length).toBeGreaterThan(20);
    expect(new Set(paged.map((contact) => contact.id)).size).toBe(paged.length);
    expect(paged.map((contact) => contact.id)).toEqual(everything.map((contact) => contact.id));
    const times = paged.map((contact) => contact.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('ends with nextCursor null on a page shorter than the limit', async () => {
    // Prepare
    for (let i = 0; i < 3; i += 1) await createContact({ name: `Short Page ${i}`, email: 'short.page@example.com' });
    // Act
    const response = await call<Page<Contact>>('GET', '/contacts?email=short.page%40example.com&limit=5');
    // Assess
    expect(response.body.items).toHaveLength(3);
    expect(response.body.nextCursor).toBeNull();
  });

  it('finds by email case-insensitively with ?email=', async () => {
    // Prepare
    const contact = await createContact({ name: 'Mixed Case', email: 'Mixed.Case@Example.com' });
    await createContact({ name: 'Not Me', email: 'mixed.case.not@example.com' });
    // Act
    const lower = await call<Page<Contact>>('GET', '/contacts?email=mixed.case%40example.com');
    const upper = await call<Page<Contact>>('GET', `/contacts?email=${encodeURIComponent('MIXED.CASE@EXAMPLE.COM')}`);
    // Assess
    expect(lower.status).toBe(200);
    expect(lower.body.items.map((item) => item.id)).toEqual([contact.id]);
    expect(upper.body.items.map((item) => item.id)).toEqual([contact.id]);
    expect(lower.body.items[0]?.email).toBe('Mixed.Case@Example.com');
  });

  it('finds nothing, with 200, for an email nobody has', async () => {
    // Act
    const response = await call<Page<Contact>>('GET', '/contacts?email=nobody.at.all%40example.com');
    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [], nextCursor: null });
  });

  it('pages email matches with a cursor', async () => {
    // Prepare
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1)
      ids.push((await createContact({ name: `Same ${i}`, email: 'same.person@example.com' })).id);
    // Act
    const first = await call<Page<Contact>>('GET', '/contacts?email=Same.Person%40example.com&limit=2');
    const second = await call<Page<Contact>>(
      'GET',
      `/contacts?email=Same.Person%40example.com&limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
    );
    // Assess
    expect([...first.body.items, ...second.body.items].map((contact) => contact.id).sort()).toEqual([...ids].sort());
  });
});

describe('GET /contacts/{id}', () => {
  it('answers 404 for an unknown id', async () => {
    // Act
    const response = await call('GET', '/contacts/00000000-0000-4000-8000-000000000000');
    // Assess
    expectError(response, 404, 'NOT_FOUND', /No contact has the id 00000000-0000-4000-8000-000000000000/);
  });

  it('answers 404 for an id that cannot exist', async () => {
    // Act
    const response = await call('GET', `/contacts/${encodeURIComponent('x'.repeat(300))}`);
    // Assess
    expectError(response, 404, 'NOT_FOUND');
  });
});

describe('PATCH /contacts/{id}', () => {
  it('changes the given fields and keeps the others: 200', async () => {
    // Prepare
    const contact = await createContact({ name: 'Patch Me', email: 'patch.me@example.com', phone: '1', tags: ['a'] });
    // Act
    const response = await call('PATCH', `/contacts/${contact.id}`, { body: { phone: '2' } });
    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...contact, phone: '2', updatedAt: response.body.updatedAt });
    expect(response.body.updatedAt >= contact.updatedAt).toBe(true);
    expect((await call('GET', `/contacts/${contact.id}`)).body).toEqual(response.body);
  });

  it('renames and re-addresses a regular contact, and the email search follows', async () => {
    // Prepare
    const contact = await createContact({ name: 'Old', email: 'old.e2e@example.com' });
    // Act
    const response = await call('PATCH', `/contacts/${contact.id}`, {
      body: { name: 'New', email: 'New.E2E@example.com' },
    });
    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'New', email: 'New.E2E@example.com' });
    expect((await call<Page<Contact>>('GET', '/contacts?email=old.e2e%40example.com')).body.items).toEqual([]);
    expect(
      (await call<Page<Contact>>('GET', '/contacts?email=new.e2e%40example.com')).body.items.map((c) => c.id),
    ).toEqual([contact.id]);
  });

  it('answers 404 for an unknown id and creates nothing', async () => {
    // Prepare
    const id = '00000000-0000-4000-8000-0000000000ff';
    // Act
    const response = await call('PATCH', `/contacts/${id}`, { body: { phone: '1' } });
    // Assess
    expectError(response, 404, 'NOT_FOUND', /No contact has the id/);
    expect((await call('GET', `/contacts/${id}`)).status).toBe(404);
  });
});

describe('DELETE /contacts/{id}', () => {
  it('deletes a regular contact: 204 with no body, then 404', async () => {
    // Prepare
    const contact = await createContact({ name: 'Delete Me' });
    // Act
    const response = await call('DELETE', `/contacts/${contact.id}`);
    // Assess
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expectError(await call('GET', `/contacts/${contact.id}`), 404, 'NOT_FOUND');
    expectError(await call('DELETE', `/contacts/${contact.id}`), 404, 'NOT_FOUND');
  });
});

describe('a synced contact', () => {
  it('carries the Jira link and the "Jira User" tag', () => {
    // Assess
    expect(synced.jiraUser).toEqual({ accountId: expect.any(String), accountType: 'atlassian' });
    expect(synced.tags[0]).toBe('Jira User');
    expect(synced.email?.toLowerCase()).toBe(service.jira.admin.email.toLowerCase());
  });

  it.each([
    ['name', { name: 'Not From Jira' }],
    ['email', { email: 'elsewhere@example.com' }],
    ['name and email', { name: 'X', email: 'x@example.com' }],
    ['email, cleared', { email: null }],
  ])('refuses a change of its %s with 409 and changes nothing', async (_what, changes) => {
    // Act
    const response = await call('PATCH', `/contacts/${synced.id}`, { body: { ...changes, phone: '+1 555 0000' } });
    // Assess
    expectError(response, 409, 'CONFLICT', /synced with a Jira user.*Change them in Jira/);
    expect((await call('GET', `/contacts/${synced.id}`)).body).toEqual(synced);
  });

  it('refuses to be deleted with 409, and stays', async () => {
    // Act
    const response = await call('DELETE', `/contacts/${synced.id}`);
    // Assess
    expectError(response, 409, 'CONFLICT', /cannot be deleted/);
    expect((await call('GET', `/contacts/${synced.id}`)).body).toEqual(synced);
  });

  it('accepts a change of phone and tags, keeping "Jira User" first', async () => {
    // Act
    const response = await call('PATCH', `/contacts/${synced.id}`, {
      body: { phone: '+1 555 0142', tags: ['champion'] },
    });
    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      ...synced,
      phone: '+1 555 0142',
      tags: ['Jira User', 'champion'],
      updatedAt: response.body.updatedAt,
    });
    synced = response.body;
  });

  it('accepts its own name and email sent back unchanged', async () => {
    // Act
    const response = await call('PATCH', `/contacts/${synced.id}`, {
      body: { name: synced.name, email: synced.email, phone: '9' },
    });
    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: synced.name, email: synced.email, phone: '9' });
    synced = response.body;
  });
});

describe('bad input: a 4xx with the error body, and nothing changes', () => {
  let victim: Contact;
  let before: Contact[];

  beforeAll(async () => {
    victim = await createContact({ name: 'Untouched', email: 'untouched@example.com', phone: '1', tags: ['keep'] });
    for (let i = 0; i < 2; i += 1)
      await createContact({ name: `Cursor Source ${i}`, email: 'cursor.source@example.com' });
    before = await listAll<Contact>(service.url, service.admin, 'contacts');
  });

  const big = 'x'.repeat(70 * 1024);

  it.each<[string, string, string, { body?: unknown; rawBody?: string }, number, string, RegExp]>([
    ['not JSON', 'POST', '/contacts', { rawBody: 'name=Ada' }, 400, 'BAD_REQUEST', /not valid JSON/],
    ['truncated JSON', 'POST', '/contacts', { rawBody: '{"name": "Ada"' }, 400, 'BAD_REQUEST', /not valid JSON/],
    ['no body', 'POST', '/contacts', {}, 400, 'BAD_REQUEST', /needs a JSON body/],
    ['a JSON array', 'POST', '/contacts', { body: [{ name: 'Ada' }] }, 422, 'VALIDATION_FAILED', /object/i],
    ['JSON null', 'POST', '/contacts', { rawBody: 'null' }, 422, 'VALIDATION_FAILED', /object/i],
    ['a missing name', 'POST', '/contacts', { body: { email: 'a@example.com' } }, 422, 'VALIDATION_FAILED', /name/],
    ['an empty name', 'POST', '/contacts', { body: { name: '' } }, 422, 'VALIDATION_FAILED', /name: must not be empty/],
    [
      'a blank name',
      'POST',
      '/contacts',
      { body: { name: '   ' } },
      422,
      'VALIDATION_FAILED',
      /name: must not be empty/,
    ],
    ['a name of the wrong type', 'POST', '/contacts', { body: { name: 42 } }, 422, 'VALIDATION_FAILED', /name/],
    [
      'tags of the wrong type',
      'POST',
      '/contacts',
      { body: { name: 'Ada', tags: 'vip' } },
      422,
      'VALIDATION_FAILED',
      /tags/,
    ],
    [
      'an invalid email',
      'POST',
      '/contacts',
      { body: { name: 'Ada', email: 'ada-at-example' } },
      422,
      'VALIDATION_FAILED',
      /email: must be a valid email/,
    ],
    [
      'an oversized name',
      'POST',
      '/contacts',
      { body: { name: 'x'.repeat(256) } },
      422,
      'VALIDATION_FAILED',
      /at most 255 characters/,
    ],
    [
      'an oversized phone',
      'POST',
      '/contacts',
      { body: { name: 'Ada', phone: '1'.repeat(51) } },
      422,
      'VALIDATION_FAILED',
      /phone: must be at most 50/,
    ],
    [
      'an unknown field',
      'POST',
      '/contacts',
      { body: { name: 'Ada', nickname: 'A' } },
      422,
      'VALIDATION_FAILED',
      /nickname/,
    ],
    [
      'a hand-made Jira link',
      'POST',
      '/contacts',
      { body: { name: 'Ada', jiraUser: { accountId: 'x' } } },
      422,
      'VALIDATION_FAILED',
      /jiraUser/,
    ],
    [
      'the "Jira User" tag',
      'POST',
      '/contacts',
      { body: { name: 'Ada', tags: ['Jira User'] } },
      422,
      'VALIDATION_FAILED',
      /set by user syncing/,
    ],
    [
      'an unknown companyId',
      'POST',
      '/contacts',
      { body: { name: 'Ada', companyIds: ['no-such-company'] } },
      422,
      'VALIDATION_FAILED',
      /companyIds: no company has the id no-such-company/,
    ],
    [
      'a body over 64 KiB',
      'POST',
      '/contacts',
      { body: { name: 'Ada', phone: big } },
      413,
      'PAYLOAD_TOO_LARGE',
      /64 KiB/,
    ],
    [
      'a body over the gateway limit',
      'POST',
      '/contacts',
      { rawBody: 'x'.repeat(2 * 1024 * 1024) },
      413,
      'PAYLOAD_TOO_LARGE',
      /larger than/,
    ],
  ])('POST with %s', async (_what, method, path, options, status, code, message) => {
    // Act
    const response = await call(method, path, options);
    // Assess
    expectError(response, status, code, message);
  });

  it.each<[string, { body?: unknown; rawBody?: string }, number, string, RegExp]>([
    ['not JSON', { rawBody: '{phone: 2}' }, 400, 'BAD_REQUEST', /not valid JSON/],
    ['no changes', { body: {} }, 422, 'VALIDATION_FAILED', /at least one field/],
    ['an empty name', { body: { name: '' } }, 422, 'VALIDATION_FAILED', /name: must not be empty/],
    ['an invalid email', { body: { email: 'nope' } }, 422, 'VALIDATION_FAILED', /email/],
    ['a phone of the wrong type', { body: { phone: 5 } }, 422, 'VALIDATION_FAILED', /phone/],
    ['an unknown field', { body: { id: 'other-id' } }, 422, 'VALIDATION_FAILED', /id/],
    ['a read-only field', { body: { createdAt: '2000-01-01T00:00:00.000Z' } }, 422, 'VALIDATION_FAILED', /createdAt/],
    ['the "Jira User" tag', { body: { tags: ['Jira User'] } }, 422, 'VALIDATION_FAILED', /set by user syncing/],
    [
      'an unknown companyId',
      { body: { companyIds: ['ghost'] } },
      422,
      'VALIDATION_FAILED',
      /no company has the id ghost/,
    ],
    ['a body over 64 KiB', { body: { phone: big } }, 413, 'PAYLOAD_TOO_LARGE', /64 KiB/],
  ])('PATCH with %s', async (_what, options, status, code, message) => {
    // Act
    const response = await call('PATCH', `/contacts/${victim.id}`, options);
    // Assess
    expectError(response, status, code, message);
  });

  it.each<[string, string, number, string]>([
    ['a limit of zero', '/contacts?limit=0', 400, 'BAD_REQUEST'],
    ['a limit over 100', '/contacts?limit=101', 400, 'BAD_REQUEST'],
    ['a limit that is not a number', '/contacts?limit=all', 400, 'BAD_REQUEST'],
    ['an unknown query parameter', '/contacts?sort=name', 400, 'BAD_REQUEST'],
    ['a cursor that is not one', '/contacts?cursor=not-a-cursor', 400, 'BAD_REQUEST'],
    ['an empty email search', '/contacts?email=', 400, 'BAD_REQUEST'],
    ['an oversized email search', `/contacts?email=${'a'.repeat(300)}`, 400, 'BAD_REQUEST'],
  ])('GET with %s', async (_what, path, status, code) => {
    // Act
    const response = await call('GET', path);
    // Assess
    expectError(response, status, code);
  });

  it('refuses a tampered cursor with 400 and a message saying what to do', async () => {
    // Prepare
    const page = await call<Page<Contact>>('GET', '/contacts?limit=2');
    // The key before the dot (the HMAC follows it): altered keys are refused, signed or not.
    const [payload = ''] = (page.body.nextCursor ?? '').split('.');
    const key = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, string>;
    const tampered = [
      `${page.body.nextCursor ?? ''}x`,
      (page.body.nextCursor ?? '').slice(0, -3),
      Buffer.from(JSON.stringify({ ...key, pk: 'SETTINGS' })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...key, kindKey: 'COMPANY' })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...key, kindSort: 12 })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...key, kindSort: '' })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...key, kindSort: 'é'.repeat(600) })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...key, extra: 'x' })).toString('base64url'),
      Buffer.from(JSON.stringify({ pk: key.pk })).toString('base64url'),
    ];
    for (const cursor of tampered) {
      // Act
      const response = await call('GET', `/contacts?limit=2&cursor=${encodeURIComponent(cursor)}`);
      // Assess
      expectError(response, 400, 'BAD_REQUEST', /nextCursor of a previous page/);
    }
  });

  it('refuses a listing cursor on an email search with 400', async () => {
    // Prepare
    const page = await call<Page<Contact>>('GET', '/contacts?limit=1');
    // Act
    const response = await call(
      'GET',
      `/contacts?email=untouched%40example.com&cursor=${encodeURIComponent(page.body.nextCursor ?? '')}`,
    );
    // Assess
    expectError(response, 400, 'BAD_REQUEST', /cursor/);
  });

  it("refuses one email search's cursor on another email's search with 400", async () => {
    // Prepare
    const page = await call<Page<Contact>>('GET', '/contacts?email=cursor.source%40example.com&limit=1');
    // Act
    const response = await call(
      'GET',
      `/contacts?email=untouched%40example.com&cursor=${encodeURIComponent(page.body.nextCursor ?? '')}`,
    );
    // Assess
    expect(page.body.nextCursor).not.toBeNull();
    expectError(response, 400, 'BAD_REQUEST', /nextCursor of a previous page/);
  });

  it('refuses a path that is not valid percent-encoding with 400, not 500', async () => {
    // Act
    const response = await call('GET', '/contacts/%E0%A4%A');
    // Assess
    expectError(response, 400, 'BAD_REQUEST', /not valid percent-encoding/);
  });

  it('left the contact it was aimed at as it was', async () => {
    // Act
    const response = await call('GET', `/contacts/${victim.id}`);
    // Assess
    expect(response.body).toEqual(victim);
  });

  it('created, changed and deleted no contact in all of the above', async () => {
    // Act
    const after = await listAll<Contact>(service.url, service.admin, 'contacts');
    // Assess
    expect(after).toEqual(before);
  });
});

describe('routes and methods', () => {
  it.each([
    ['PUT', '/contacts'],
    ['DELETE', '/contacts'],
    ['PATCH', '/contacts'],
    ['POST', '/contacts/some-id'],
    ['PUT', '/contacts/some-id'],
    ['POST', '/health'],
  ])('answers %s %s with 405', async (method, path) => {
    // Act
    const response = await call(method, path, { body: { name: 'Ada' } });
    // Assess
    expectError(response, 405, 'METHOD_NOT_ALLOWED', new RegExp(`${method} is not supported`));
  });

  it.each(['/contact', '/contacts/a/b', '/', '/api/contacts'])('answers an unknown route %s with 404', async (path) => {
    // Act
    const response = await call('GET', path);
    // Assess
    expectError(response, 404, 'NOT_FOUND', /There is no route/);
  });
});

describe('who may call', () => {
  it.each<[string, string | undefined]>([
    ['no Authorization header', undefined],
    ['an empty Authorization header', ' '],
    ['an unknown user', `Basic ${Buffer.from('nobody@example.com:token').toString('base64')}`],
    ['a user name without a token', `Basic ${Buffer.from('admin').toString('base64')}`],
    ['a bearer token Jira does not know', 'Bearer abc.def.ghi'],
    ['garbage', 'Basic !!!not-base64!!!'],
  ])('answers %s with 401 on every contacts route, changing nothing', async (_what, auth) => {
    // Prepare
    const before = await listAll<Contact>(service.url, service.admin, 'contacts');
    const headers: Record<string, string> = auth === undefined ? {} : { Authorization: auth };
    // Act
    const responses = await Promise.all([
      request(service.url, 'GET', '/contacts', { headers }),
      request(service.url, 'POST', '/contacts', { headers, body: { name: 'Intruder' } }),
      request(service.url, 'GET', `/contacts/${synced.id}`, { headers }),
      request(service.url, 'PATCH', `/contacts/${synced.id}`, { headers, body: { phone: '0' } }),
      request(service.url, 'DELETE', `/contacts/${synced.id}`, { headers }),
    ]);
    // Assess
    for (const response of responses)
      expectError(response, 401, 'UNAUTHORIZED', /Authorization header|Jira did not accept/);
    expect(await listAll<Contact>(service.url, service.admin, 'contacts')).toEqual(before);
  });

  it("answers 401 for a real Jira user's email with a wrong API token", async () => {
    // Prepare
    const auth = `Basic ${Buffer.from(`${service.jira.admin.email}:not-the-token`).toString('base64')}`;
    // Act
    const response = await request(service.url, 'GET', '/contacts', { auth });
    // Assess
    expectError(response, 401, 'UNAUTHORIZED', /Jira did not accept these credentials/);
  });

  it('checks a login with Jira once and remembers it, keyed by the header', async () => {
    // Prepare: the service's own credentials, used nowhere else in this file
    const { email, apiToken } = service.jira.service;
    const auth = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
    service.jira.resetCallCounts();
    // Act
    const first = await request(service.url, 'GET', '/contacts?limit=1', { auth });
    const rest = await Promise.all(
      Array.from({ length: 20 }, () => request(service.url, 'GET', '/contacts?limit=1', { auth })),
    );
    // Assess
    expect(first.status).toBe(200);
    expect(rest.every((response) => response.status === 200)).toBe(true);
    expect(service.jira.callCounts().myself).toBe(1);
  });

  it('remembers a rejected login for a few seconds: repeating it does not ask Jira again', async () => {
    // Prepare
    const auth = `Basic ${Buffer.from('ghost@example.com:nope').toString('base64')}`;
    service.jira.resetCallCounts();
    // Act
    for (let i = 0; i < 3; i += 1) expect((await request(service.url, 'GET', '/contacts', { auth })).status).toBe(401);
    // Assess
    expect(service.jira.callCounts().myself).toBe(1);
  });

  it('does not ask Jira at all without a header', async () => {
    // Prepare
    service.jira.resetCallCounts();
    // Act
    const response = await request(service.url, 'GET', '/contacts');
    // Assess
    expect(response.status).toBe(401);
    expect(service.jira.callCounts().myself ?? 0).toBe(0);
  });

  it('keeps /settings/user-sync for Jira administrators: 403 for a normal user', async () => {
    // Act
    const response = await request(service.url, 'GET', '/settings/user-sync', { auth: service.agent });
    // Assess
    expectError(response, 403, 'FORBIDDEN', /administrators/);
  });
});
