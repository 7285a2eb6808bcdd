import type { Company } from '../../lambdas/domain/company.js';
import type { Contact } from '../../lambdas/domain/contact.js';
import type { Page } from '../../lambdas/domain/page.js';
import { expectError, listAll } from '../helpers/api.js';
import { request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';

let service: TestService;

const call = <T = Company>(method: string, path: string, options: Parameters<typeof request>[3] = {}) =>
  request<T>(service.url, method, path, { auth: service.agent, ...options });

async function createCompany(body: Record<string, unknown>): Promise<Company> {
  const response = await call('POST', '/companies', { body });
  expect(response.status).toBe(201);
  return response.body;
}

beforeAll(async () => {
  service = await startTestService();
});

afterAll(async () => {
  await service.stop();
});

describe('companies CRUD', () => {
  it('creates a company: 201, then reads it: 200', async () => {
    // Act
    const created = await call('POST', '/companies', { body: { name: ' Acme ', domain: 'acme.example' } });
    const read = await call('GET', `/companies/${created.body.id}`);
    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Acme',
      domain: 'acme.example',
      jsmOrganization: null,
      createdAt: expect.any(String),
      updatedAt: created.body.createdAt,
    });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('creates a company without a domain', async () => {
    // Act
    const created = await createCompany({ name: 'Initech' });
    // Assess
    expect(created.domain).toBeNull();
  });

  it('lists newest first and pages through every company once', async () => {
    // Prepare
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      ids.push((await createCompany({ name: `Paged ${i}` })).id);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    // Act
    const first = await call<Page<Company>>('GET', '/companies?limit=6');
    const everything = await listAll<Company>(service.url, service.agent, 'companies', 100);
    const paged = await listAll<Company>(service.url, service.agent, 'companies', 4);
    // Assess
    expect(first.body.items.map((company) => company.id)).toEqual([...ids].reverse());
    expect(paged.map((company) => company.id)).toEqual(everything.map((company) => company.id));
    expect(new Set(paged.map((company) => company.id)).size).toBe(paged.length);
    expect(paged.length).toBeGreaterThanOrEqual(6);
  });

  it('changes only the fields given: 200', async () => {
    // Prepare
    const company = await createCompany({ name: 'Globex', domain: 'globex.example' });
    // Act
    const renamed = await call('PATCH', `/companies/${company.id}`, { body: { name: 'Globex Corp' } });
    const cleared = await call('PATCH', `/companies/${company.id}`, { body: { domain: null } });
    // Assess
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      id: company.id,
      name: 'Globex Corp',
      domain: 'globex.example',
      createdAt: company.createdAt,
    });
    expect(cleared.body).toMatchObject({ name: 'Globex Corp', domain: null });
    expect((await call('GET', `/companies/${company.id}`)).body).toEqual(cleared.body);
  });

  it('deletes a company: 204, then 404', async () => {
    // Prepare
    const company = await createCompany({ name: 'Short Lived' });
    // Act
    const response = await call('DELETE', `/companies/${company.id}`);
    // Assess
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expectError(await call('GET', `/companies/${company.id}`), 404, 'NOT_FOUND', /No company has the id/);
  });

  it.each([
    ['GET', undefined],
    ['PATCH', { name: 'Ghost' }],
    ['DELETE', undefined],
  ])('answers %s of an unknown company with 404', async (method, body) => {
    // Act
    const response = await call(method, '/companies/00000000-0000-4000-8000-000000000000', body ? { body } : {});
    // Assess
    expectError(response, 404, 'NOT_FOUND', /No company has the id 00000000-0000-4000-8000-000000000000/);
  });
});

describe('contacts belong to companies that exist', () => {
  it('accepts companyIds of existing companies, on create and on change', async () => {
    // Prepare
    const acme = await createCompany({ name: 'Acme Two' });
    const globex = await createCompany({ name: 'Globex Two' });
    // Act
    const created = await call<Contact>('POST', '/contacts', { body: { name: 'Member', companyIds: [acme.id] } });
    const moved = await call<Contact>('PATCH', `/contacts/${created.body.id}`, {
      body: { companyIds: [acme.id, globex.id] },
    });
    // Assess
    expect(created.status).toBe(201);
    expect(created.body.companyIds).toEqual([acme.id]);
    expect(moved.status).toBe(200);
    expect(moved.body.companyIds).toEqual([acme.id, globex.id]);
  });

  it('refuses unknown companyIds with 422 naming them, and creates nothing', async () => {
    // Prepare
    const acme = await createCompany({ name: 'Acme Three' });
    const before = await call<Page<Contact>>('GET', '/contacts?limit=100');
    // Act
    const response = await call('POST', '/contacts', {
      body: { name: 'Orphan', companyIds: [acme.id, 'no-such-company'] },
    });
    // Assess
    expectError(response, 422, 'VALIDATION_FAILED', /companyIds: no company has the id no-such-company/);
    expect(response.body).not.toHaveProperty('error.message', expect.stringContaining(acme.id));
    expect((await call<Page<Contact>>('GET', '/contacts?limit=100')).body).toEqual(before.body);
  });

  it('refuses a deleted company on a change with 422, and keeps the contact as it was', async () => {
    // Prepare
    const gone = await createCompany({ name: 'Gone Soon' });
    const contact = (await call<Contact>('POST', '/contacts', { body: { name: 'Stays', companyIds: [] } })).body;
    await call('DELETE', `/companies/${gone.id}`);
    // Act
    const response = await call('PATCH', `/contacts/${contact.id}`, { body: { companyIds: [gone.id], phone: '5' } });
    // Assess
    expectError(response, 422, 'VALIDATION_FAILED', new RegExp(`no company has the id ${gone.id}`));
    expect((await call<Contact>('GET', `/contacts/${contact.id}`)).body).toEqual(contact);
  });
});

describe('bad input on companies: a 4xx with the error body, and nothing changes', () => {
  let victim: Company;
  let before: Company[];

  beforeAll(async () => {
    victim = await createCompany({ name: 'Untouched Inc', domain: 'untouched.example' });
    before = await listAll<Company>(service.url, service.agent, 'companies', 100);
  });

  it.each<[string, string, { body?: unknown; rawBody?: string }, number, string, RegExp]>([
    ['not JSON', 'POST', { rawBody: 'name=Acme' }, 400, 'BAD_REQUEST', /not valid JSON/],
    ['no body', 'POST', {}, 400, 'BAD_REQUEST', /needs a JSON body/],
    ['an empty name', 'POST', { body: { name: '' } }, 422, 'VALIDATION_FAILED', /name: must not be empty/],
    ['a name of the wrong type', 'POST', { body: { name: ['Acme'] } }, 422, 'VALIDATION_FAILED', /name/],
    ['an oversized name', 'POST', { body: { name: 'n'.repeat(201) } }, 422, 'VALIDATION_FAILED', /at most 200/],
    [
      'a bad domain',
      'POST',
      { body: { name: 'Acme', domain: 'not a domain' } },
      422,
      'VALIDATION_FAILED',
      /domain: must be a domain name/,
    ],
    [
      'an unknown field',
      'POST',
      { body: { name: 'Acme', website: 'https://acme.example' } },
      422,
      'VALIDATION_FAILED',
      /website/,
    ],
    [
      'a body over 64 KiB',
      'POST',
      { body: { name: 'Acme', domain: `${'a'.repeat(70 * 1024)}.example` } },
      413,
      'PAYLOAD_TOO_LARGE',
      /64 KiB/,
    ],
    ['not JSON', 'PATCH', { rawBody: '{' }, 400, 'BAD_REQUEST', /not valid JSON/],
    ['no changes', 'PATCH', { body: {} }, 422, 'VALIDATION_FAILED', /at least one field/],
    ['an empty name', 'PATCH', { body: { name: ' ' } }, 422, 'VALIDATION_FAILED', /name: must not be empty/],
    ['a domain of the wrong type', 'PATCH', { body: { domain: 7 } }, 422, 'VALIDATION_FAILED', /domain/],
    ['an unknown field', 'PATCH', { body: { id: 'x' } }, 422, 'VALIDATION_FAILED', /id/],
  ])('%s on %s', async (_what, method, options, status, code, message) => {
    // Act
    const path = method === 'POST' ? '/companies' : `/companies/${victim.id}`;
    const response = await call(method, path, options);
    // Assess
    expectError(response, status, code, message);
  });

  /** A cursor as the store would write it, but unsigned and pointing wherever the test says. */
  const rawCursor = (key: Record<string, string>): string => Buffer.from(JSON.stringify(key)).toString('base64url');

  it.each([
    ['a limit of zero', '/companies?limit=0'],
    ['a limit that is not a number', '/companies?limit=many'],
    ['an unknown query parameter', '/companies?email=a%40b.c'],
    ['a cursor that is not one', '/companies?cursor=abc'],
    [
      'a contacts cursor',
      `/companies?cursor=${rawCursor({ pk: 'CONTACT#1', sk: 'CONTACT', kindKey: 'CONTACT', kindSort: 'x' })}`,
    ],
    [
      'a cursor pointing outside companies',
      `/companies?cursor=${rawCursor({ pk: 'COMPANY#1', sk: 'COMPANY', kindKey: 'CONTACT', kindSort: 'x' })}`,
    ],
  ])('GET with %s: 400', async (_what, path) => {
    // Act
    const response = await call('GET', path);
    // Assess
    expectError(response, 400, 'BAD_REQUEST');
  });

  it.each([
    ['PUT', '/companies'],
    ['DELETE', '/companies'],
    ['PUT', '/companies/some-id'],
    ['POST', '/companies/some-id'],
  ])('answers %s %s with 405', async (method, path) => {
    // Act
    const response = await call(method, path, { body: { name: 'Acme' } });
    // Assess
    expectError(response, 405, 'METHOD_NOT_ALLOWED');
  });

  it('answers 401 without credentials, and creates nothing', async () => {
    // Act
    const responses = await Promise.all([
      request(service.url, 'GET', '/companies'),
      request(service.url, 'POST', '/companies', { body: { name: 'Intruder' } }),
      request(service.url, 'PATCH', `/companies/${victim.id}`, { body: { name: 'Intruder' } }),
      request(service.url, 'DELETE', `/companies/${victim.id}`, { auth: 'Basic bm9ib2R5Om5vdGhpbmc=' }),
    ]);
    // Assess
    for (const response of responses) expectError(response, 401, 'UNAUTHORIZED');
  });

  it('created, changed and deleted no company in all of the above', async () => {
    // Act
    const after = await listAll<Company>(service.url, service.agent, 'companies', 100);
    // Assess
    expect(after).toEqual(before);
    expect((await call('GET', `/companies/${victim.id}`)).body).toEqual(victim);
  });
});
