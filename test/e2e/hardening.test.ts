import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { expectError } from '../helpers/api.js';
import { request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';

let service: TestService;

const basic = (email: string, token: string) => `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;

/** Sends raw bytes (a request fetch would refuse to send) and resolves with the whole answer. */
function rawRequest(url: string, text: string): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      try {
        resolve({ status, body: JSON.parse(body) as unknown });
      } catch {
        resolve({ status, body });
      }
    });
    socket.write(text);
  });
}

beforeAll(async () => {
  service = await startTestService();
});

afterAll(async () => {
  service.jira.setRateLimit(undefined);
  await service.stop();
});

describe('every error in the contract JSON body', () => {
  it('answers a header over 100 KiB with 431 and a JSON body', async () => {
    // Act
    const response = await request(service.url, 'GET', '/contacts', {
      headers: { 'X-Padding': 'x'.repeat(100 * 1024) },
    });
    // Assess
    expectError(response, 431, 'REQUEST_HEADER_FIELDS_TOO_LARGE', /16 KiB/);
  });

  it.each([
    ['a lower-case method', 'get'],
    ['an unknown method', 'FETCH'],
  ])('answers %s with 405 and a JSON body', async (_what, method) => {
    // Act
    const response = await rawRequest(
      service.url,
      `${method} /contacts HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    );
    // Assess
    expectError(response, 405, 'METHOD_NOT_ALLOWED', /GET, POST, PUT, PATCH or DELETE/);
  });

  it('answers a method a known route does not offer with 405 and a JSON body', async () => {
    // Act
    const response = await request(service.url, 'PUT', '/contacts', { auth: service.admin, body: {} });
    // Assess
    expectError(response, 405, 'METHOD_NOT_ALLOWED');
  });

  it('names the body limit in KiB', async () => {
    // Act
    const response = await request(service.url, 'POST', '/contacts', {
      auth: service.admin,
      rawBody: 'x'.repeat(2 * 1024 * 1024),
    });
    // Assess
    expectError(response, 413, 'PAYLOAD_TOO_LARGE', /KiB/);
  });
});

describe('the HTTP edges, as a careful server answers them', () => {
  it('answers a method a route does not offer with 405 and an Allow header listing those it does', async () => {
    // Act
    const contacts = await request(service.url, 'PUT', '/contacts', { auth: service.admin, body: {} });
    const webhook = await request(service.url, 'GET', '/webhooks/jira');
    // Assess
    expectError(contacts, 405, 'METHOD_NOT_ALLOWED', /use GET, HEAD, POST/);
    expect(contacts.headers.get('allow')).toBe('GET, HEAD, POST');
    expectError(webhook, 405, 'METHOD_NOT_ALLOWED');
    expect(webhook.headers.get('allow')).toBe('POST');
  });

  it('answers HEAD wherever GET works, with no body', async () => {
    // Act
    const answers = await Promise.all(
      ['/health', '/contacts?limit=1', '/settings/user-sync', '/console/'].map((path) =>
        fetch(`${service.url}${path}`, { method: 'HEAD', headers: { Authorization: service.admin } }),
      ),
    );
    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    for (const answer of answers) expect(await answer.text()).toBe('');
  });

  it('refuses a webhook that is not application/json with 415, as API Gateway does', async () => {
    // Prepare
    const delivery = JSON.stringify({ webhookEvent: 'jira:unknown_event', timestamp: 1 });
    // Act
    const plain = await request(service.url, 'POST', '/webhooks/jira', {
      rawBody: delivery,
      headers: { 'Content-Type': 'text/plain' },
    });
    const form = await request(service.url, 'POST', '/webhooks/jira', {
      rawBody: delivery,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const json = await request(service.url, 'POST', '/webhooks/jira', {
      rawBody: delivery,
      headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
    });
    // Assess
    expectError(plain, 415, 'UNSUPPORTED_MEDIA_TYPE', /application\/json/);
    expectError(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(json.status).toBe(202);
  });

  it.each(['0x10', '1e1', '0', '101', '+5', '2.0'])(
    'refuses ?limit=%s: only decimal integers 1 to 100',
    async (limit) => {
      // Act
      const response = await request(service.url, 'GET', `/contacts?limit=${encodeURIComponent(limit)}`, {
        auth: service.admin,
      });
      // Assess
      expectError(response, 400, 'BAD_REQUEST', /limit is 1 to 100/);
    },
  );

  it('says the one body limit, 64 KiB, in every 413 of the API', async () => {
    // Act: over the limit by a little (read by the handler's check) and by a lot (the gateway's)
    const little = await request(service.url, 'POST', '/contacts', {
      auth: service.admin,
      rawBody: JSON.stringify({ name: 'x'.repeat(70 * 1024) }),
      headers: { 'Content-Type': 'application/json' },
    });
    const lot = await request(service.url, 'PATCH', '/companies/some-id', {
      auth: service.admin,
      rawBody: 'x'.repeat(3 * 1024 * 1024),
    });
    // Assess
    expectError(little, 413, 'PAYLOAD_TOO_LARGE', /64 KiB/);
    expectError(lot, 413, 'PAYLOAD_TOO_LARGE', /64 KiB/);
  });
});

describe('paging cursors', () => {
  it('refuse a flipped character, an unsigned key, one signed with another key (400); as given, it works', async () => {
    // Prepare: two contacts, pages of one
    for (const name of ['Cursor Ada', 'Cursor Grace']) {
      expect((await request(service.url, 'POST', '/contacts', { auth: service.admin, body: { name } })).status).toBe(
        201,
      );
    }
    const first = await request<{ nextCursor: string | null }>(service.url, 'GET', '/contacts?limit=1', {
      auth: service.admin,
    });
    const cursor = first.body.nextCursor ?? '';
    const [payload = '', mac = ''] = cursor.split('.');
    const flip = (text: string, at: number) =>
      `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    const otherKey = createHmac('sha256', 'not-the-key').update(payload).digest().subarray(0, 16).toString('base64url');
    const tampered = [flip(cursor, 5), `${payload}.${flip(mac, 0)}`, payload, `${payload}.${otherKey}`];
    // Act
    const genuine = await request(service.url, 'GET', `/contacts?limit=1&cursor=${encodeURIComponent(cursor)}`, {
      auth: service.admin,
    });
    const refused = await Promise.all(
      tampered.map((bad) =>
        request(service.url, 'GET', `/contacts?limit=1&cursor=${encodeURIComponent(bad)}`, { auth: service.admin }),
      ),
    );
    // Assess
    expect(genuine.status).toBe(200);
    for (const response of refused) expectError(response, 400, 'BAD_REQUEST', /cursor is not valid/);
  });
});

describe('messages that say what the caller tried', () => {
  it('tells an agent reading the sync settings they may not read them, one changing them they may not', async () => {
    // Act
    const read = await request(service.url, 'GET', '/settings/user-sync', { auth: service.agent });
    const change = await request(service.url, 'PUT', '/settings/user-sync', {
      auth: service.agent,
      body: { enabled: true },
    });
    // Assess
    expectError(read, 403, 'FORBIDDEN', /can read \/settings\/user-sync/);
    expectError(change, 403, 'FORBIDDEN', /can change \/settings\/user-sync/);
  });
});

describe('the admin check of a change', () => {
  it('is asked of Jira on every change, never served from the cache', async () => {
    // Prepare: the administrator's login and admin check remembered
    expect((await request(service.url, 'GET', '/settings/user-sync', { auth: service.admin })).status).toBe(200);
    service.jira.resetCallCounts();
    // Act
    const reads = [
      await request(service.url, 'GET', '/settings/user-sync', { auth: service.admin }),
      await request(service.url, 'GET', '/settings/user-sync', { auth: service.admin }),
    ];
    const readChecks = service.jira.callCounts().mypermissions ?? 0;
    const changes = [
      await request(service.url, 'PUT', '/settings/user-sync', { auth: service.admin, body: { enabled: false } }),
      await request(service.url, 'PUT', '/settings/user-sync', { auth: service.admin, body: { enabled: false } }),
    ];
    // Assess
    expect(reads.map((response) => response.status)).toEqual([200, 200]);
    expect(changes.map((response) => response.status)).toEqual([202, 202]);
    expect(readChecks).toBe(0);
    expect(service.jira.callCounts().mypermissions).toBe(2);
  });
});

describe('a busy Jira', () => {
  // Needs the Jira client's login policy (at most one short retry): until then it waits for Jira's Retry-After.
  it('answers 503 UPSTREAM_UNAVAILABLE with Retry-After within 5 s when Jira answers 429 to everything', async () => {
    // Prepare: a login not yet remembered
    const auth = basic(service.jira.service.email, service.jira.service.apiToken);
    service.jira.setRateLimit({ every: 1, retryAfterSeconds: 30 });
    try {
      // Act: the contract's "within a few seconds", as the client's own deadline
      const response = await fetch(`${service.url}/contacts`, {
        headers: { Authorization: auth },
        signal: AbortSignal.timeout(5_000),
      });
      const body = (await response.json()) as unknown;
      // Assess
      expectError({ status: response.status, body }, 503, 'UPSTREAM_UNAVAILABLE');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      service.jira.setRateLimit(undefined);
    }
  });
});

describe('revocation', () => {
  it("ends a deactivated account's cached login as soon as its webhook is applied", async () => {
    // Prepare: the agent's login remembered (a minute, without revocation)
    const agent = service.jira.accounts().find((account) => account.emailAddress === service.jira.agent.email);
    if (!agent) throw new Error('the simulator has no agent account');
    expect((await request(service.url, 'GET', '/contacts?limit=1', { auth: service.agent })).status).toBe(200);
    expect((await request(service.url, 'GET', '/contacts?limit=1', { auth: service.agent })).status).toBe(200);
    service.jira.resetCallCounts();
    // Act: Jira deactivates the agent and sends user_updated (active: false); the consumer applies it
    await service.jira.updateAccount(agent.accountId, { active: false });
    await service.runtime.queue.drained();
    const after = await request(service.url, 'GET', '/contacts?limit=1', { auth: service.agent });
    // Assess: asked Jira again, which no longer accepts the token
    expectError(after, 401, 'UNAUTHORIZED');
    expect(service.jira.callCounts().myself).toBe(1);
  });
});

// Last: it spends this address's allowance of failed logins.
describe('a flood of junk logins', () => {
  it('costs at most a handful of Jira calls, then answers 429 with Retry-After', async () => {
    // Prepare
    service.jira.resetCallCounts();
    const junk = Array.from({ length: 100 }, (_, index) =>
      index % 2 === 0 ? 'Basic junk' : basic(`nobody${index}@example.com`, 'nope'),
    );
    // Act
    const statuses: number[] = [];
    for (const auth of junk) statuses.push((await request(service.url, 'GET', '/contacts', { auth })).status);
    const limited = await request(service.url, 'GET', '/contacts', { auth: basic('late@example.com', 'nope') });
    // Assess
    expect(service.jira.callCounts().myself).toBeLessThanOrEqual(12);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    expectError(limited, 429, 'TOO_MANY_REQUESTS', /Too many failed logins/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
