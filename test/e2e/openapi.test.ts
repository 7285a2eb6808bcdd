import type { OpenAPIV3 } from 'openapi-types';
import type { Company, Contact, Page, UserSyncView } from '../../console/src/types.js';
import { request } from '../helpers/http.js';
import { OpenApiConformance, checkedClient } from '../helpers/openapi-conformance.js';
import { type TestService, startTestService } from '../helpers/runtime.js';
import { eventually } from '../helpers/http.js';

/**
 * A session of successes and errors replayed over HTTP against the local service, every answer
 * checked with ajv against the document the service itself serves at GET /openapi.json.
 */
let service: TestService;
let conformance: OpenApiConformance;
let call: ReturnType<typeof checkedClient>;

beforeAll(async () => {
  service = await startTestService();
  const served = await request<OpenAPIV3.Document>(service.url, 'GET', '/openapi.json');
  expect(served.status).toBe(200);
  conformance = new OpenApiConformance(served.body);
  call = checkedClient(service.url, conformance);
});

afterAll(async () => {
  await service.stop();
});

const signedIn = (auth: string) => ({ auth });
const jsonOf = (status: number, code: string) => ({ status, body: { error: { code, message: expect.any(String) } } });

describe('a session replayed against the document', () => {
  it('the public routes answer as described, without credentials', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    expect((await call('GET', '/openapi.json')).status).toBe(200);
    expect((await call('GET', '/console/')).status).toBe(200);
  });

  it('sign-in and permissions: 401 without or with refused credentials, 403 for an agent on the settings', async () => {
    expect(await call('GET', '/contacts')).toMatchObject(jsonOf(401, 'UNAUTHORIZED'));
    const refused = `Basic ${Buffer.from('nobody@example.com:wrong').toString('base64')}`;
    expect(await call('GET', '/companies', { auth: refused })).toMatchObject(jsonOf(401, 'UNAUTHORIZED'));
    expect(await call('GET', '/settings/user-sync', signedIn(service.agent))).toMatchObject(jsonOf(403, 'FORBIDDEN'));
    const asAgent = await call('PUT', '/settings/user-sync', { ...signedIn(service.agent), body: { enabled: true } });
    expect(asAgent).toMatchObject(jsonOf(403, 'FORBIDDEN'));
    expect(await call('POST', '/settings/user-sync/reconcile', signedIn(service.agent))).toMatchObject(
      jsonOf(403, 'FORBIDDEN'),
    );
  });

  it('every operation the document secures refuses a call without credentials, and only those', async () => {
    for (const [path, item] of Object.entries(conformance.document.paths)) {
      for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
        const operation = item?.[method];
        if (!operation?.security?.length) continue;
        const response = await call(method.toUpperCase(), path.replace('{id}', 'x'));
        expect([`${method} ${path}`, response.status]).toEqual([`${method} ${path}`, 401]);
      }
    }
  });

  it('settings as an administrator: read, 409 for a reconcile while disabled, 422, enable, reconcile', async () => {
    const admin = signedIn(service.admin);
    const view = await call<UserSyncView>('GET', '/settings/user-sync', admin);
    expect(view.body).toMatchObject({ enabled: false, state: 'DISABLED' });
    expect(await call('POST', '/settings/user-sync/reconcile', admin)).toMatchObject(jsonOf(409, 'CONFLICT'));
    expect(await call('PUT', '/settings/user-sync', { ...admin, body: { enabled: 'yes' } })).toMatchObject(
      jsonOf(422, 'VALIDATION_FAILED'),
    );
    expect(await call('PUT', '/settings/user-sync', { ...admin, rawBody: '{enabled' })).toMatchObject(
      jsonOf(400, 'BAD_REQUEST'),
    );
    const enabling = await call<UserSyncView>('PUT', '/settings/user-sync', { ...admin, body: { enabled: true } });
    expect(enabling.status).toBe(202);
    // Each poll is an answer of its own, checked like the others (ENABLING with its progress, then ENABLED).
    const enabled = await eventually(
      async () => {
        const { body } = await call<UserSyncView>('GET', '/settings/user-sync', admin);
        return body.state === 'ENABLED' ? body : undefined;
      },
      60_000,
      'syncing enabled',
    );
    expect(enabled.progress.failed).toBe(0);
    const reconciling = await call<UserSyncView>('POST', '/settings/user-sync/reconcile', admin);
    expect(reconciling.body.state).toBe('RECONCILING');
    const reconciled = await eventually(
      async () => {
        const { body } = await call<UserSyncView>('GET', '/settings/user-sync', admin);
        return body.state === 'ENABLED' && body.lastReconcile?.finishedAt ? body : undefined;
      },
      60_000,
      'the reconcile',
    );
    expect(reconciled.lastReconcile?.progress).toMatchObject({ updated: expect.any(Number) });
  });

  it('contacts as an agent: create, page with cursors, find, read, change, delete, and each refusal', async () => {
    const agent = signedIn(service.agent);
    const created: Contact[] = [];
    for (const name of ['Ada Lovelace', 'Grace Hopper', 'Edsger Dijkstra']) {
      const response = await call<Contact>('POST', '/contacts', {
        ...agent,
        body: { name, email: `${name.split(' ')[0]?.toLowerCase()}@openapi.example`, tags: ['replay'] },
      });
      expect(response.status).toBe(201);
      created.push(response.body);
    }
    const [ada, grace] = created as [Contact, Contact, Contact];

    // Cursors: the first page's nextCursor leads to the next page.
    const first = await call<Page<Contact>>('GET', '/contacts?limit=2', agent);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call<Page<Contact>>(
      'GET',
      `/contacts?limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      agent,
    );
    expect(second.status).toBe(200);
    expect(second.body.items.map(({ id }) => id)).not.toContain(first.body.items[0]?.id);
    expect(await call('GET', '/contacts?limit=2&cursor=tampered', agent)).toMatchObject(jsonOf(400, 'BAD_REQUEST'));
    expect(await call('GET', '/contacts?limit=0', agent)).toMatchObject(jsonOf(400, 'BAD_REQUEST'));
    expect(await call('GET', '/contacts?colour=blue', agent)).toMatchObject(jsonOf(400, 'BAD_REQUEST'));
    const found = await call<Page<Contact>>('GET', '/contacts?email=ADA%40openapi.example', agent);
    expect(found.body.items.map(({ id }) => id)).toEqual([ada.id]);

    expect((await call('GET', `/contacts/${ada.id}`, agent)).body).toEqual(ada);
    expect(await call('GET', '/contacts/no-such-contact', agent)).toMatchObject(jsonOf(404, 'NOT_FOUND'));
    expect(await call('GET', '/contacts/%E0%A4%A', agent)).toMatchObject(jsonOf(400, 'BAD_REQUEST'));
    const changed = await call<Contact>('PATCH', `/contacts/${ada.id}`, { ...agent, body: { phone: '+44 1' } });
    expect(changed.body.phone).toBe('+44 1');

    // Refusals: not JSON, a typo, nothing to change, too large, a synced contact's Jira fields.
    expect(await call('POST', '/contacts', { ...agent, rawBody: 'name=Ada' })).toMatchObject(
      jsonOf(400, 'BAD_REQUEST'),
    );
    expect(await call('POST', '/contacts', { ...agent, body: { name: 'Ada', nmae: 'typo' } })).toMatchObject(
      jsonOf(422, 'VALIDATION_FAILED'),
    );
    expect(await call('PATCH', `/contacts/${grace.id}`, { ...agent, body: {} })).toMatchObject(
      jsonOf(422, 'VALIDATION_FAILED'),
    );
    expect(
      await call('POST', '/contacts', { ...agent, body: { name: 'Big', tags: ['x'.repeat(70 * 1024)] } }),
    ).toMatchObject(jsonOf(413, 'PAYLOAD_TOO_LARGE'));
    expect(
      await call('POST', '/contacts', {
        ...agent,
        rawBody: 'x'.repeat(2 * 1024 * 1024),
        headers: { 'Content-Type': 'application/json' },
      }),
    ).toMatchObject(jsonOf(413, 'PAYLOAD_TOO_LARGE'));
    const adminEmail = encodeURIComponent(service.jira.admin.email);
    const synced = (await call<Page<Contact>>('GET', `/contacts?email=${adminEmail}`, agent)).body.items.find(
      (item) => item.jiraUser !== null,
    );
    if (!synced) throw new Error('the sync made no contact for the administrator');
    expect(await call('PATCH', `/contacts/${synced.id}`, { ...agent, body: { name: 'Renamed' } })).toMatchObject(
      jsonOf(409, 'CONFLICT'),
    );
    expect(await call('DELETE', `/contacts/${synced.id}`, agent)).toMatchObject(jsonOf(409, 'CONFLICT'));

    expect((await call('DELETE', `/contacts/${grace.id}`, agent)).status).toBe(204);
    expect((await call('GET', `/contacts/${grace.id}`, agent)).status).toBe(404);
  });

  it('companies as an administrator: create, page, read, change, delete, and refusals', async () => {
    const admin = signedIn(service.admin);
    const globex = await call<Company>('POST', '/companies', {
      ...admin,
      body: { name: 'Globex', domain: 'globex.example' },
    });
    expect(globex.status).toBe(201);
    expect(globex.body.jsmOrganization).toBeNull();
    await call('POST', '/companies', { ...admin, body: { name: 'Initech' } });
    const first = await call<Page<Company>>('GET', '/companies?limit=1', admin);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = `/companies?limit=1&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`;
    expect((await call('GET', next, admin)).status).toBe(200);
    expect((await call('GET', `/companies/${globex.body.id}`, admin)).body).toEqual(globex.body);
    const renamed = await call<Company>('PATCH', `/companies/${globex.body.id}`, {
      ...admin,
      body: { name: 'Globex Ltd' },
    });
    expect(renamed.body.name).toBe('Globex Ltd');
    expect(await call('POST', '/companies', { ...admin, body: { name: 'Bad', domain: 'not a domain' } })).toMatchObject(
      jsonOf(422, 'VALIDATION_FAILED'),
    );
    expect((await call('DELETE', `/companies/${globex.body.id}`, admin)).status).toBe(204);
    expect(await call('GET', `/companies/${globex.body.id}`, admin)).toMatchObject(jsonOf(404, 'NOT_FOUND'));
  });

  it('routes and methods that do not exist, and the webhook: 404, 405, 202, 400, 413, 415', async () => {
    expect(await call('GET', '/no-such-route', signedIn(service.admin))).toMatchObject(jsonOf(404, 'NOT_FOUND'));
    expect(await call('PUT', '/contacts', signedIn(service.admin))).toMatchObject(jsonOf(405, 'METHOD_NOT_ALLOWED'));
    expect(await call('DELETE', '/health')).toMatchObject(jsonOf(405, 'METHOD_NOT_ALLOWED'));
    const delivery = { timestamp: Date.now(), webhookEvent: 'jira:issue_updated', issue: { id: '1' } };
    expect((await call('POST', '/webhooks/jira', { body: delivery })).status).toBe(202);
    const json = { 'Content-Type': 'application/json' };
    expect(await call('POST', '/webhooks/jira', { rawBody: 'not json', headers: json })).toMatchObject(
      jsonOf(400, 'BAD_REQUEST'),
    );
    expect(
      await call('POST', '/webhooks/jira', {
        rawBody: JSON.stringify({ ...delivery, pad: 'x'.repeat(300 * 1024) }),
        headers: json,
      }),
    ).toMatchObject(jsonOf(413, 'PAYLOAD_TOO_LARGE'));
    expect(
      await call('POST', '/webhooks/jira', {
        rawBody: JSON.stringify(delivery),
        headers: { 'Content-Type': 'text/plain' },
      }),
    ).toMatchObject(jsonOf(415, 'UNSUPPORTED_MEDIA_TYPE'));
  });

  it('covered every operation with a success, and every kind of 4xx', () => {
    const operations = Object.entries(conformance.document.paths).flatMap(([path, item]) =>
      Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const succeeded = [...conformance.seen]
      .filter((seen) => /\s2\d\d$/.test(seen))
      .map((seen) => seen.replace(/\s\d+$/, ''));
    expect(operations.filter((operation) => !succeeded.includes(operation))).toEqual([]);
    const statuses = new Set([...conformance.seen].map((seen) => Number(seen.split(' ').at(-1))));
    for (const status of [400, 401, 403, 404, 405, 409, 413, 415, 422]) expect(statuses).toContain(status);
  });
});

describe('the conformance check itself', () => {
  it('fails an answer the document does not describe: an unlisted status, an extra field, a wrong code', () => {
    const contact = {
      id: 'c1',
      name: 'Ada',
      email: null,
      phone: null,
      companyIds: [],
      tags: [],
      jiraUser: null,
      createdAt: '2026-11-25T10:00:00.000Z',
      updatedAt: '2026-11-25T10:00:00.000Z',
    };
    const answer = { method: 'GET', path: '/contacts/c1', status: 200, contentType: 'application/json', body: contact };
    expect(() => conformance.check(answer)).not.toThrow();
    expect(() => conformance.check({ ...answer, status: 418 })).toThrow(/lists only/);
    expect(() => conformance.check({ ...answer, body: { ...contact, secret: 'x' } })).toThrow(/additional properties/);
    expect(() => conformance.check({ ...answer, body: { ...contact, createdAt: 'yesterday' } })).toThrow(/date-time/);
    expect(() => conformance.check({ ...answer, contentType: 'text/html' })).toThrow(/Content-Type/);
    const wrongCode = { error: { code: 'CONFLICT', message: 'x' } };
    expect(() => conformance.check({ ...answer, status: 404, body: wrongCode })).toThrow(/allowed values/);
    expect(() => conformance.check({ ...answer, method: 'PUT', status: 200 })).toThrow(/only 405 fits/);
    expect(() => conformance.check({ ...answer, method: 'DELETE', status: 204, body: contact })).toThrow(/no body/);
  });
});
