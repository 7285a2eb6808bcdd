import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type Server,
  request as httpRequest,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  InvalidQuirksError,
  buildWebhookDelivery,
  signWebhookBody,
  startJiraSimulator,
  type JiraSimulator,
  type JiraSimulatorOptions,
} from '../../local/jira-simulator/index.js';

interface RestUser {
  self: string;
  accountId: string;
  accountType: string;
  emailAddress?: string | null;
  avatarUrls: Record<string, string>;
  displayName?: string | null;
  active: boolean;
}

interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

interface WebhookBody {
  timestamp: number;
  webhookEvent: string;
  user: Partial<RestUser> & { accountId: string };
}

let simulators: JiraSimulator[] = [];
let servers: Server[] = [];

async function simulator(options: JiraSimulatorOptions = {}): Promise<JiraSimulator> {
  const started = await startJiraSimulator(options);
  simulators.push(started);
  return started;
}

/** A webhook receiver that records what it gets and answers with the next status in `answers` (then 200). */
async function webhookReceiver(answers: number[] = []): Promise<{ url: string; received: ReceivedWebhook[] }> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(answers.shift() ?? 200).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/jira`, received };
}

/** `authorization` defaults to the administrator's; '' sends none. */
function get(jira: JiraSimulator, path: string, authorization: string = jira.admin.authorization): Promise<Response> {
  return fetch(`${jira.url}${path}`, { headers: authorization ? { Authorization: authorization } : {} });
}

async function getJson<T>(jira: JiraSimulator, path: string, authorization?: string): Promise<T> {
  const response = await get(jira, path, authorization);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Every account over users/search, page after page until an empty one (a short page is not the end). */
async function listAll(jira: JiraSimulator, maxResults = 1000): Promise<{ users: RestUser[]; pageSizes: number[] }> {
  const users: RestUser[] = [];
  const pageSizes: number[] = [];
  for (;;) {
    const page = await getJson<RestUser[]>(
      jira,
      `/rest/api/3/users/search?startAt=${users.length}&maxResults=${maxResults}`,
    );
    pageSizes.push(page.length);
    if (page.length === 0) return { users, pageSizes };
    users.push(...page);
  }
}

/** The status of a call, or `reset` when the connection was dropped without an answer. */
async function outcome(jira: JiraSimulator, path: string): Promise<number | 'reset'> {
  try {
    const response = await get(jira, path);
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    // fetch's own TypeError comes from another realm than Jest's, so look at its cause: undici's socket error.
    const cause: unknown = error !== null && typeof error === 'object' && 'cause' in error ? error.cause : undefined;
    if (cause !== null && typeof cause === 'object' && 'code' in cause && cause.code === 'UND_ERR_SOCKET')
      return 'reset';
    throw error;
  }
}

const basic = (email: string, token: string): string => `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;

function signatureIsValid(rawBody: string, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(rawBody).digest('hex'), 'hex');
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

beforeEach(() => {
  simulators = [];
  servers = [];
});

afterEach(async () => {
  await Promise.all(simulators.map((jira) => jira.stop()));
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

describe('users/search', () => {
  it('pages in a stable order without a total, the last page short', async () => {
    // Prepare
    const jira = await simulator({ users: 10, customers: 5, apps: 1, inactive: 1, hiddenEmails: 1 });

    // Act
    const pages: RestUser[][] = [];
    for (let startAt = 0; ; startAt += 5) {
      const page = await getJson<RestUser[]>(jira, `/rest/api/3/users/search?startAt=${startAt}&maxResults=5`);
      pages.push(page);
      if (page.length < 5) break;
    }
    const again = await getJson<RestUser[]>(jira, '/rest/api/3/users/search?startAt=5&maxResults=5');

    // Assess
    expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 3]);
    const ids = pages.flat().map((user) => user.accountId);
    expect(new Set(ids).size).toBe(18);
    expect(ids).toEqual(jira.accounts().map((account) => account.accountId));
    expect(again.map((user) => user.accountId)).toEqual(ids.slice(5, 10));
    const first = pages[0]?.[0];
    expect(first).toEqual(
      expect.objectContaining({
        self: `${jira.url}/rest/api/3/user?accountId=${encodeURIComponent(first?.accountId ?? '')}`,
        accountType: 'atlassian',
        active: true,
        avatarUrls: expect.objectContaining({ '48x48': expect.any(String) }),
      }),
    );
  });

  it('answers an empty list with maxResults=1 exactly at or past the end, pages capped, slow, or not', async () => {
    // Prepare
    const jira = await simulator({ users: 30, customers: 5 });
    const size = jira.accountCount();
    const probe = async (startAt: number) =>
      (await getJson<RestUser[]>(jira, `/rest/api/3/users/search?startAt=${startAt}&maxResults=1`)).length;

    // Act
    const plain = [await probe(0), await probe(size - 1), await probe(size), await probe(size + 100)];
    jira.setQuirks({ pageCap: 3, latencyMs: 20 });
    const capped = [await probe(0), await probe(size - 1), await probe(size), await probe(size * 4)];

    // Assess
    expect(plain).toEqual([1, 1, 0, 0]);
    expect(capped).toEqual([1, 1, 0, 0]);
    expect(jira.quirks()).toMatchObject({ pageCap: 3, latencyMs: 20 });
  });

  it('answers 50 by default and at most 1000 a page', async () => {
    // Prepare
    const jira = await simulator({ users: 1500 });

    // Act
    const byDefault = await getJson<RestUser[]>(jira, '/rest/api/3/users/search');
    const capped = await getJson<RestUser[]>(jira, '/rest/api/3/users/search?startAt=0&maxResults=5000');
    const rest = await getJson<RestUser[]>(jira, '/rest/api/3/users/search?startAt=1000&maxResults=1000');

    // Assess
    expect(byDefault).toHaveLength(50);
    expect(capped).toHaveLength(1000);
    expect(rest).toHaveLength(jira.accountCount() - 1000);
  });

  it('serves 100,000 accounts, a page of 1000 at any position (speed is the benchmark`s business)', async () => {
    // Prepare
    const jira = await simulator({ users: 100_000 });
    await getJson<RestUser[]>(jira, '/rest/api/3/users/search?startAt=0&maxResults=1000');

    // Act
    const page = await getJson<RestUser[]>(jira, '/rest/api/3/users/search?startAt=99000&maxResults=1000');
    const last = await getJson<RestUser[]>(jira, '/rest/api/3/users/search?startAt=100000&maxResults=1000');

    // Assess
    expect(page).toHaveLength(1000);
    expect(last).toHaveLength(29);
    expect(jira.accountCount()).toBe(100_029);
  });

  it('is deterministic for a seed, with Jira-style ids and mixed-case emails', async () => {
    // Prepare
    const one = await simulator({ users: 200, seed: 42 });
    const two = await simulator({ users: 200, seed: 42 });
    const other = await simulator({ users: 200, seed: 43 });

    // Act
    const accounts = one.accounts();

    // Assess
    expect(two.accounts()).toEqual(accounts);
    expect(other.accounts()).not.toEqual(accounts);
    expect(two.admin).toEqual(one.admin);
    const emails = accounts.flatMap((account) => (account.emailAddress ? [account.emailAddress] : []));
    expect(emails.some((email) => email !== email.toLowerCase())).toBe(true);
    expect(new Set(emails.map((email) => email.toLowerCase())).size).toBe(emails.length);
    for (const account of accounts) {
      const pattern = {
        atlassian: /^712020:[0-9a-f-]{36}$/,
        customer: /^qm:[0-9a-f-]{36}$/,
        app: /^[0-9a-f]{24}$/,
        unknown: /^unknown$/,
      }[account.accountType];
      expect(account.accountId).toMatch(pattern);
    }
  });
});

describe('user', () => {
  it('answers one account, hides hidden emails, and 404s an unknown one', async () => {
    // Prepare
    const jira = await simulator({ users: 5, hiddenEmails: 2, apps: 1, inactive: 2 });
    const accounts = jira.accounts();
    const hidden = accounts.find(
      (account) => account.accountType !== 'app' && account.active && account.emailAddress === undefined,
    );
    const inactive = accounts.find((account) => !account.active);
    const app = accounts.find((account) => account.accountType === 'app');
    const visible = accounts.find(
      (account) => account.accountType === 'atlassian' && account.emailAddress !== undefined,
    );

    // Act
    const hiddenUser = await getJson<RestUser>(
      jira,
      `/rest/api/3/user?accountId=${encodeURIComponent(hidden?.accountId ?? '')}`,
    );
    const visibleUser = await getJson<RestUser>(
      jira,
      `/rest/api/3/user?accountId=${encodeURIComponent(visible?.accountId ?? '')}`,
    );
    const unknown = await get(jira, '/rest/api/3/user?accountId=712020:00000000-0000-4000-8000-000000000000');

    // Assess
    expect(hiddenUser.accountId).toBe(hidden?.accountId);
    expect('emailAddress' in hiddenUser).toBe(false);
    expect(visibleUser.emailAddress).toBe(visible?.emailAddress);
    expect(inactive).toBeDefined();
    expect(app?.emailAddress).toBeUndefined();
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ errorMessages: [expect.any(String)], errors: {} });
  });
});

describe('authentication and permissions', () => {
  it('refuses missing or wrong Basic credentials with 401 on every API route', async () => {
    // Prepare
    const jira = await simulator({ users: 3 });
    const wrong = [
      '',
      basic(jira.admin.email, 'not-the-token'),
      basic('nobody@example.com', jira.admin.apiToken),
      'Bearer abc',
      'Basic !!!',
    ];

    // Act
    const statuses: number[] = [];
    for (const authorization of wrong) {
      for (const path of [
        '/rest/api/3/myself',
        '/rest/api/3/users/search',
        '/rest/api/3/mypermissions?permissions=ADMINISTER',
      ]) {
        statuses.push((await get(jira, path, authorization)).status);
      }
    }

    // Assess
    expect(statuses).toEqual(wrong.flatMap(() => [401, 401, 401]));
  });

  it('knows the administrator, the agent and the service (email case ignored)', async () => {
    // Prepare
    const jira = await simulator();
    const service = basic(jira.service.email.toUpperCase(), jira.service.apiToken);

    // Act
    const admin = await getJson<RestUser>(jira, '/rest/api/3/myself', jira.admin.authorization);
    const agent = await getJson<RestUser>(jira, '/rest/api/3/myself', jira.agent.authorization);
    const serviceUser = await getJson<RestUser>(jira, '/rest/api/3/myself', service);

    // Assess
    expect(admin.emailAddress).toBe(jira.admin.email);
    expect(agent.emailAddress).toBe(jira.agent.email);
    expect(agent.accountId).not.toBe(admin.accountId);
    expect(serviceUser.accountId).toBe(admin.accountId);
  });

  it('grants ADMINISTER to the administrator only', async () => {
    // Prepare
    const jira = await simulator();
    type Permissions = {
      permissions: Record<string, { id: string; key: string; type: string; havePermission: boolean }>;
    };

    // Act
    const admin = await getJson<Permissions>(
      jira,
      '/rest/api/3/mypermissions?permissions=ADMINISTER',
      jira.admin.authorization,
    );
    const agent = await getJson<Permissions>(
      jira,
      '/rest/api/3/mypermissions?permissions=ADMINISTER',
      jira.agent.authorization,
    );
    const missing = await get(jira, '/rest/api/3/mypermissions');

    // Assess
    expect(admin.permissions.ADMINISTER).toEqual(
      expect.objectContaining({ id: '0', key: 'ADMINISTER', type: 'GLOBAL', havePermission: true }),
    );
    expect(agent.permissions.ADMINISTER?.havePermission).toBe(false);
    expect(missing.status).toBe(400);
  });

  it("stops taking a deactivated account's token", async () => {
    // Prepare
    const jira = await simulator();
    const agentId = (await getJson<RestUser>(jira, '/rest/api/3/myself', jira.agent.authorization)).accountId;

    // Act
    await jira.updateAccount(agentId, { active: false });
    const response = await get(jira, '/rest/api/3/myself', jira.agent.authorization);

    // Assess
    expect(response.status).toBe(401);
  });

  it('keeps an issued token working after its account is deactivated, with myself saying so', async () => {
    // Prepare
    const jira = await simulator();
    const user = jira.accounts()[5];
    const token = jira.issueToken(user?.accountId ?? '');

    // Act
    await jira.updateAccount(user?.accountId ?? '', { active: false });
    const self = await getJson<RestUser>(jira, '/rest/api/3/myself', token.authorization);

    // Assess
    expect(self).toMatchObject({ accountId: user?.accountId, active: false });
  });
});

describe('faults', () => {
  it('answers 429 with Retry-After to every Nth call and counts calls per route', async () => {
    // Prepare
    const jira = await simulator();
    jira.setRateLimit({ every: 3, retryAfterSeconds: 2 });

    // Act
    const responses: Response[] = [];
    for (let i = 0; i < 6; i += 1)
      responses.push(await get(jira, i % 2 === 0 ? '/rest/api/3/users/search' : '/rest/api/3/myself'));
    jira.setRateLimit(undefined);
    const afterwards = await get(jira, '/rest/api/3/myself');

    // Assess
    expect(responses.map((response) => response.status)).toEqual([200, 200, 429, 200, 200, 429]);
    expect(responses[2]?.headers.get('Retry-After')).toBe('2');
    expect(afterwards.status).toBe(200);
    expect(jira.callCounts()).toEqual({ 'users/search': 3, myself: 4 });
    jira.resetCallCounts();
    expect(jira.callCounts()).toEqual({});
  });

  it('fails the next N calls with the status asked for', async () => {
    // Prepare
    const jira = await simulator();
    jira.failNext(2);

    // Act
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await get(jira, '/rest/api/3/myself')).status);
    jira.failNext(1, 500);
    statuses.push((await get(jira, '/rest/api/3/myself')).status);

    // Assess
    expect(statuses).toEqual([503, 503, 200, 500]);
  });
});

describe('webhooks', () => {
  it('delivers signed user_created, user_updated and user_deleted, and the REST API follows', async () => {
    // Prepare
    const jira = await simulator({ webhookSecret: 'test-secret' });
    const receiver = await webhookReceiver();
    jira.setWebhookTarget(receiver.url);

    // Act
    const created = await jira.createAccount({ displayName: 'Ada Lovelace', emailAddress: 'Ada.Lovelace@Example.com' });
    const listed = await getJson<RestUser[]>(jira, '/rest/api/3/users/search?startAt=0&maxResults=1000');
    await jira.updateAccount(created.accountId, { emailAddress: undefined });
    const hidden = await getJson<RestUser>(jira, `/rest/api/3/user?accountId=${encodeURIComponent(created.accountId)}`);
    await jira.deleteAccount(created.accountId);
    const afterDelete = await getJson<RestUser[]>(jira, '/rest/api/3/users/search?startAt=0&maxResults=1000');
    const gone = await get(jira, `/rest/api/3/user?accountId=${encodeURIComponent(created.accountId)}`);

    // Assess
    expect(receiver.received).toHaveLength(3);
    const bodies = receiver.received.map((delivery) => JSON.parse(delivery.rawBody) as WebhookBody);
    expect(bodies.map((body) => body.webhookEvent)).toEqual(['user_created', 'user_updated', 'user_deleted']);
    expect(bodies[0]?.user).toEqual({
      accountId: created.accountId,
      accountType: 'atlassian',
      displayName: 'Ada Lovelace',
      emailAddress: 'Ada.Lovelace@Example.com',
      active: true,
      self: `${jira.url}/rest/api/3/user?accountId=${encodeURIComponent(created.accountId)}`,
    });
    expect('emailAddress' in (bodies[1]?.user ?? {})).toBe(false);
    expect(bodies[2]?.user.accountId).toBe(created.accountId);
    for (const delivery of receiver.received) {
      expect(signatureIsValid(delivery.rawBody, delivery.headers['x-hub-signature'], 'test-secret')).toBe(true);
      expect(delivery.headers['content-type']).toBe('application/json');
      // Jira sends X-Atlassian-Webhook-Retry on retries only.
      expect(delivery.headers['x-atlassian-webhook-retry']).toBeUndefined();
    }
    expect(new Set(receiver.received.map((delivery) => delivery.headers['x-atlassian-webhook-identifier'])).size).toBe(
      3,
    );
    expect(bodies.every((body) => typeof body.timestamp === 'number')).toBe(true);
    expect(listed.map((user) => user.accountId)).toContain(created.accountId);
    expect(hidden.emailAddress).toBeUndefined();
    expect(afterDelete.map((user) => user.accountId)).not.toContain(created.accountId);
    expect(afterDelete).toHaveLength(listed.length - 1);
    expect(gone.status).toBe(404);
  });

  it('retries a delivery the target did not take, with the same identifier and body', async () => {
    // Prepare
    const jira = await simulator({ webhookRetryBaseDelayMs: 5 });
    const receiver = await webhookReceiver([503, 429]);
    jira.setWebhookTarget(receiver.url);

    // Act
    const account = await jira.createAccount({
      displayName: 'Grace Hopper',
      emailAddress: 'grace@example.com',
      accountType: 'customer',
    });

    // Assess
    expect(receiver.received.map((delivery) => delivery.headers['x-atlassian-webhook-retry'])).toEqual([
      undefined,
      '1',
      '2',
    ]);
    expect(new Set(receiver.received.map((delivery) => delivery.headers['x-atlassian-webhook-identifier'])).size).toBe(
      1,
    );
    expect(new Set(receiver.received.map((delivery) => delivery.rawBody)).size).toBe(1);
    expect(jira.webhookDeliveries()).toEqual([
      expect.objectContaining({ accountId: account.accountId, attempts: 3, status: 200, delivered: true }),
    ]);
  });

  it('gives up after the retries and does not retry a 4xx Jira would not retry', async () => {
    // Prepare
    const jira = await simulator({ webhookRetries: 2, webhookRetryBaseDelayMs: 5 });
    const receiver = await webhookReceiver([500, 500, 500, 400]);
    jira.setWebhookTarget(receiver.url);

    // Act
    await jira.createAccount({ displayName: 'First' });
    await jira.createAccount({ displayName: 'Second' });

    // Assess
    expect(
      jira.webhookDeliveries().map(({ attempts, status, delivered }) => ({ attempts, status, delivered })),
    ).toEqual([
      { attempts: 3, status: 500, delivered: false },
      { attempts: 1, status: 400, delivered: false },
    ]);
  });

  it('builds and signs deliveries for tests to send themselves', () => {
    // Prepare
    const account = {
      accountId: 'qm:1',
      accountType: 'customer' as const,
      displayName: 'Joan Clarke',
      emailAddress: 'joan@example.org',
      active: true,
    };

    // Act
    const created = buildWebhookDelivery('user_created', account, 1_700_000_000_000, {
      secret: 's',
      identifier: 'id-1',
      retry: 2,
    });
    const deleted = buildWebhookDelivery('user_deleted', account, 1_700_000_000_001, { secret: 's' });

    // Assess
    expect(JSON.parse(created.body)).toEqual({
      timestamp: 1_700_000_000_000,
      webhookEvent: 'user_created',
      user: account,
    });
    expect(created.headers).toEqual(
      expect.objectContaining({
        'X-Hub-Signature': signWebhookBody(created.body, 's'),
        'X-Atlassian-Webhook-Identifier': 'id-1',
        'X-Atlassian-Webhook-Retry': '2',
      }),
    );
    expect(signatureIsValid(created.body, created.headers['X-Hub-Signature'], 's')).toBe(true);
    expect(JSON.parse(deleted.body)).toEqual({
      timestamp: 1_700_000_000_001,
      webhookEvent: 'user_deleted',
      user: { accountId: 'qm:1' },
    });
    expect(signWebhookBody('{}', 'secret')).toBe(`sha256=${createHmac('sha256', 'secret').update('{}').digest('hex')}`);
  });
});

/** A control call with exactly these headers (fetch would set its own Host). */
function controlCall(jira: JiraSimulator, method: string, path: string, headers: OutgoingHttpHeaders): Promise<number> {
  const { port } = new URL(jira.url);
  return new Promise((resolve, reject) => {
    const call = httpRequest({ host: '127.0.0.1', port: Number(port), method, path, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    call.on('error', reject);
    call.end(method === 'PUT' ? JSON.stringify({ every: 2 }) : undefined);
  });
}

describe('control routes', () => {
  it('answer only a loopback Host and no foreign Origin (DNS rebinding, CSRF)', async () => {
    // Prepare
    const jira = await simulator();
    const { port } = new URL(jira.url);
    const json = { 'Content-Type': 'application/json' };

    // Act
    const loopback = await controlCall(jira, 'GET', '/simulator', { Host: `127.0.0.1:${port}` });
    const localhost = await controlCall(jira, 'GET', '/simulator', { Host: `localhost:${port}` });
    const sameOrigin = await controlCall(jira, 'PUT', '/simulator/rate-limit', {
      ...json,
      Host: `127.0.0.1:${port}`,
      Origin: `http://127.0.0.1:${port}`,
    });
    const rebound = await controlCall(jira, 'GET', '/simulator', { Host: `attacker.example:${port}` });
    const foreign = await controlCall(jira, 'PUT', '/simulator/rate-limit', {
      ...json,
      Host: `127.0.0.1:${port}`,
      Origin: 'https://attacker.example',
    });
    const nullOrigin = await controlCall(jira, 'DELETE', '/simulator/rate-limit', {
      Host: `127.0.0.1:${port}`,
      Origin: 'null',
    });
    // The refused DELETE left the rate limit on: every second call answers 429
    const restStatuses = [
      (await get(jira, '/rest/api/3/myself')).status,
      (await get(jira, '/rest/api/3/myself')).status,
    ];

    // Assess
    expect([loopback, localhost, sameOrigin]).toEqual([200, 200, 200]);
    expect([rebound, foreign, nullOrigin]).toEqual([403, 403, 403]);
    expect(restStatuses).toEqual([200, 429]);
  });

  it('issue a working token for any account and revoke or grant "Browse users and groups" over HTTP', async () => {
    // Prepare
    const jira = await simulator();
    const app = jira.accounts().find((account) => account.accountType === 'app');
    const json = { 'Content-Type': 'application/json' };

    // Act
    const issued = await fetch(`${jira.url}/simulator/users/${encodeURIComponent(app?.accountId ?? '')}/tokens`, {
      method: 'POST',
    });
    const token = (await issued.json()) as { authorization: string };
    const self = await getJson<RestUser>(jira, '/rest/api/3/myself', token.authorization);
    const agentId = jira.accounts()[1]?.accountId ?? '';
    const revoke = await fetch(`${jira.url}/simulator/users/${encodeURIComponent(agentId)}/permissions`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ USER_PICKER: false }),
    });
    const agent = await getJson<{ permissions: Record<string, { havePermission: boolean }> }>(
      jira,
      '/rest/api/3/mypermissions?permissions=ADMINISTER,USER_PICKER',
      jira.agent.authorization,
    );
    const unknown = await fetch(`${jira.url}/simulator/users/nobody/tokens`, { method: 'POST' });

    // Assess
    expect(issued.status).toBe(201);
    expect(self).toMatchObject({ accountId: app?.accountId, accountType: 'app' });
    expect(revoke.status).toBe(200);
    expect(agent.permissions.USER_PICKER?.havePermission).toBe(false);
    expect(agent.permissions.ADMINISTER?.havePermission).toBe(false);
    expect(unknown.status).toBe(404);
  });

  it('turn simulated load on and off over HTTP', async () => {
    // Prepare
    const jira = await simulator();
    const json = { 'Content-Type': 'application/json' };

    // Act
    const on = await fetch(`${jira.url}/simulator/rate-limit`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ every: 2, retryAfterSeconds: 3 }),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await get(jira, '/rest/api/3/myself')).status);
    const off = await fetch(`${jira.url}/simulator/rate-limit`, { method: 'DELETE' });
    const afterwards = await get(jira, '/rest/api/3/myself');
    const invalid = await fetch(`${jira.url}/simulator/rate-limit`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ every: 0 }),
    });

    // Assess
    expect(on.status).toBe(200);
    expect(statuses).toEqual([200, 429, 200, 429]);
    expect(off.status).toBe(204);
    expect(afterwards.status).toBe(200);
    expect(invalid.status).toBe(400);
  });

  it('create, update and delete accounts over HTTP, each with its webhook', async () => {
    // Prepare
    const jira = await simulator();
    const receiver = await webhookReceiver();
    jira.setWebhookTarget(receiver.url);
    const json = { 'Content-Type': 'application/json' };

    // Act
    const createdResponse = await fetch(`${jira.url}/simulator/users`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        displayName: 'Katherine Johnson',
        emailAddress: 'katherine@example.com',
        accountType: 'customer',
      }),
    });
    const created = (await createdResponse.json()) as RestUser;
    const path = `${jira.url}/simulator/users/${encodeURIComponent(created.accountId)}`;
    const updatedResponse = await fetch(path, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ emailAddress: null, displayName: 'K. Johnson' }),
    });
    const updated = (await updatedResponse.json()) as RestUser;
    const deletedResponse = await fetch(path, { method: 'DELETE' });
    const invalid = await fetch(`${jira.url}/simulator/users`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ displayName: '' }),
    });
    const notJson = await fetch(`${jira.url}/simulator/users`, { method: 'POST', headers: json, body: '{' });
    const unknown = await fetch(path, { method: 'DELETE' });

    // Assess
    expect(createdResponse.status).toBe(201);
    expect(created).toEqual(
      expect.objectContaining({
        accountType: 'customer',
        displayName: 'Katherine Johnson',
        emailAddress: 'katherine@example.com',
      }),
    );
    expect(created.accountId).toMatch(/^qm:/);
    expect(updatedResponse.status).toBe(200);
    expect(updated.displayName).toBe('K. Johnson');
    expect(updated.emailAddress).toBeUndefined();
    expect(deletedResponse.status).toBe(204);
    expect(jira.getAccount(created.accountId)).toBeUndefined();
    expect(invalid.status).toBe(400);
    expect(notJson.status).toBe(400);
    expect(unknown.status).toBe(404);
    expect(receiver.received.map((delivery) => (JSON.parse(delivery.rawBody) as WebhookBody).webhookEvent)).toEqual([
      'user_created',
      'user_updated',
      'user_deleted',
    ]);
  });
});

describe('Real Jira Cloud quirks (all off by default)', () => {
  it('sends a seeded share of hidden emails as null in users/search, user and webhooks, not the logins', async () => {
    // Prepare
    const jira = await simulator({ users: 100, customers: 50, hiddenEmails: 2, nullEmailRatio: 0.2, seed: 5 });
    const twin = await simulator({ users: 100, customers: 50, hiddenEmails: 2, nullEmailRatio: 0.2, seed: 5 });
    const receiver = await webhookReceiver();
    jira.setWebhookTarget(receiver.url);

    // Act
    const { users } = await listAll(jira);
    const nulls = users.filter((user) => user.emailAddress === null);
    const missing = users.filter((user) => !('emailAddress' in user));
    const first = nulls[0]?.accountId ?? '';
    const oneRaw = await (await get(jira, `/rest/api/3/user?accountId=${encodeURIComponent(first)}`)).text();
    await jira.updateAccount(first, { displayName: 'Renamed' });
    const myself = await getJson<RestUser>(jira, '/rest/api/3/myself', jira.agent.authorization);

    // Assess
    // ⌊148 × 0.2⌋ of the active users and customers other than the administrator and the agent.
    expect(nulls).toHaveLength(29);
    expect(new Set(nulls.map((user) => user.accountType))).toEqual(new Set(['atlassian', 'customer']));
    expect(missing.map((user) => user.accountType).sort()).toEqual(['app', 'app', 'app', 'atlassian', 'customer']);
    expect(oneRaw).toContain('"emailAddress":null');
    const body = JSON.parse(receiver.received[0]?.rawBody ?? '{}') as WebhookBody;
    expect(body.user).toEqual(
      expect.objectContaining({ accountId: first, displayName: 'Renamed', emailAddress: null }),
    );
    expect(users.slice(0, 2).map((user) => user.emailAddress)).toEqual([jira.admin.email, jira.agent.email]);
    expect(myself.emailAddress).toBe(jira.agent.email);
    // The directory agrees: those accounts hide their email; the same seed hides the same ones.
    expect(
      jira
        .accounts()
        .filter((account) => nulls.some((user) => user.accountId === account.accountId))
        .every((account) => account.emailAddress === undefined),
    ).toBe(true);
    expect(
      (await listAll(twin)).users.filter((user) => user.emailAddress === null).map((user) => user.accountId),
    ).toEqual(nulls.map((user) => user.accountId));
  });

  it('renders the other hidden emails as missing or null, as asked', async () => {
    // Prepare
    const jira = await simulator({ users: 5, customers: 2, apps: 1, inactive: 0, hiddenEmails: 2 });

    // Act
    const before = (await listAll(jira)).users;
    const quirks = jira.setQuirks({ hiddenEmailStyle: 'null' });
    const after = (await listAll(jira)).users;

    // Assess
    expect(quirks.hiddenEmailStyle).toBe('null');
    expect(before.filter((user) => user.emailAddress === null)).toHaveLength(0);
    expect(
      after
        .filter((user) => user.emailAddress === null)
        .map((user) => user.accountType)
        .sort(),
    ).toEqual(['atlassian', 'customer']);
    expect(after.find((user) => user.accountType === 'app')).not.toHaveProperty('emailAddress');
  });

  it('sends null display names and corrupted unknown records, and counts them', async () => {
    // Prepare
    const jira = await simulator({
      users: 20,
      customers: 10,
      apps: 1,
      inactive: 1,
      hiddenEmails: 1,
      nullDisplayNameRatio: 0.5,
      unknownAccounts: 2,
    });

    // Act
    const { users } = await listAll(jira);
    const corrupted = await getJson<RestUser>(jira, '/rest/api/3/user?accountId=unknown');
    jira.setQuirks({ unknownAccounts: 0, nullDisplayNameRatio: 0 });
    const afterwards = (await listAll(jira)).users;

    // Assess
    expect(users.filter((user) => user.displayName === null)).toHaveLength(14);
    const unknown = users.filter((user) => user.accountType === 'unknown');
    expect(unknown).toHaveLength(2);
    expect(unknown.map((user) => user.accountId)).toContain('unknown');
    expect(unknown.every((user) => !('displayName' in user) && !('emailAddress' in user))).toBe(true);
    expect(corrupted).toEqual(expect.objectContaining({ accountId: 'unknown', accountType: 'unknown' }));
    expect(jira.accountCount()).toBe(20 + 10 + 1 + 1 + 1);
    expect(users).toHaveLength(35);
    expect(users.map((user) => user.accountId)).toEqual(expect.arrayContaining(unknown.map((user) => user.accountId)));
    expect(afterwards).toHaveLength(33);
    expect(afterwards.map((user) => user.accountId)).toEqual(jira.accounts().map((account) => account.accountId));
    expect(afterwards.every((user) => typeof user.displayName === 'string')).toBe(true);
  });

  it('caps a page below maxResults, so only an empty page ends the list', async () => {
    // Prepare
    const jira = await simulator({ users: 250, pageCap: 100 });

    // Act
    const { users, pageSizes } = await listAll(jira);

    // Assess
    expect(pageSizes).toEqual([100, 100, 79, 0]);
    expect(users.map((user) => user.accountId)).toEqual(jira.accounts().map((account) => account.accountId));
  });

  it('fails every Nth read in turn: 409, 503 with Retry-After, a reset, 504; it spares the logins', async () => {
    // Prepare
    const jira = await simulator({ transientFailures: { every: 2, retryAfterSeconds: 3 } });

    // Act
    const outcomes: Array<number | 'reset'> = [];
    const logins: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i += 1) {
      logins.push((await get(jira, '/rest/api/3/myself')).status);
      if (i === 3) {
        const response = await get(jira, '/rest/api/3/users/search');
        retryAfter = response.headers.get('Retry-After');
        outcomes.push(response.status);
      } else {
        outcomes.push(await outcome(jira, '/rest/api/3/users/search'));
      }
      // Another switch changed midway does not restart the count.
      if (i === 0) jira.setQuirks({ pageCap: 500 });
    }
    jira.setQuirks({ transientFailures: { every: 1, routes: ['user'] } });
    const onUser = await get(
      jira,
      `/rest/api/3/user?accountId=${encodeURIComponent(jira.accounts()[0]?.accountId ?? '')}`,
    );
    const searchUnaffected = await outcome(jira, '/rest/api/3/users/search');
    jira.setQuirks({ transientFailures: null });
    const healed = await outcome(
      jira,
      `/rest/api/3/user?accountId=${encodeURIComponent(jira.accounts()[0]?.accountId ?? '')}`,
    );

    // Assess
    expect(outcomes).toEqual([200, 409, 200, 503, 200, 'reset', 200, 504]);
    expect(retryAfter).toBe('3');
    expect(logins.every((status) => status === 200)).toBe(true);
    expect(onUser.status).toBe(502);
    expect(onUser.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(searchUnaffected).toBe(200);
    expect(healed).toBe(200);
    expect(jira.faultCounts()).toEqual({ '409': 1, '503': 1, reset: 1, '504': 1, '502': 1 });
  });

  it('answers 429 with Retry-After and the X-RateLimit headers', async () => {
    // Prepare
    const jira = await simulator();
    jira.setRateLimit({ every: 1, retryAfterSeconds: 2 });

    // Act
    const response = await get(jira, '/rest/api/3/users/search');

    // Assess
    expect(response.status).toBe(429);
    expect(response.headers.get('Retry-After')).toBe('2');
    expect(response.headers.get('X-RateLimit-Limit')).toMatch(/^[1-9][0-9]*$/);
    expect(response.headers.get('X-RateLimit-Remaining')).toBe('0');
    expect(response.headers.get('X-RateLimit-Reset')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(response.headers.get('RateLimit-Reason')).toBe('jira-burst-based');
    expect(jira.faultCounts()).toEqual({ '429': 1 });
  });

  it("gives customers Jira's long ids when asked, the same for a seed", async () => {
    // Prepare
    const jira = await simulator({ customerIdStyle: 'real', customers: 30, seed: 9 });
    const twin = await simulator({ customerIdStyle: 'real', customers: 30, seed: 9 });

    // Act
    const customers = jira.accounts().filter((account) => account.accountType === 'customer');
    const created = await jira.createAccount({ displayName: 'New Customer', accountType: 'customer' });
    const one = await getJson<RestUser>(
      jira,
      `/rest/api/3/user?accountId=${encodeURIComponent(customers[0]?.accountId ?? '')}`,
    );

    // Assess
    expect(customers.length).toBeGreaterThanOrEqual(30);
    for (const customer of [...customers, created])
      expect(customer.accountId).toMatch(/^qm:[0-9a-f-]{36}:[0-9a-f]{24}$/);
    expect(twin.accounts().filter((account) => account.accountType === 'customer')).toEqual(customers);
    expect(one.accountId).toBe(customers[0]?.accountId);
  });

  it('refuses switches out of range, from code and at start', async () => {
    // Prepare
    const jira = await simulator();

    // Act
    const fromCode = (): unknown => jira.setQuirks({ pageCap: 0 });
    const atStart = startJiraSimulator({ nullEmailRatio: 2 });

    // Assess
    expect(fromCode).toThrow(InvalidQuirksError);
    await expect(atStart).rejects.toThrow(InvalidQuirksError);
    expect(jira.quirks().pageCap).toBe(1000);
  });

  it('turn on and off over HTTP', async () => {
    // Prepare
    const jira = await simulator({ users: 30 });
    const json = { 'Content-Type': 'application/json' };
    const quirksUrl = `${jira.url}/simulator/quirks`;

    // Act
    const on = await fetch(quirksUrl, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ pageCap: 10, hiddenEmailStyle: 'null', transientFailures: { every: 2 } }),
    });
    const shown = (await (await fetch(quirksUrl)).json()) as {
      quirks: Record<string, unknown>;
      faultCounts: Record<string, number>;
    };
    const outcomes = [
      await outcome(jira, '/rest/api/3/users/search?maxResults=50'),
      await outcome(jira, '/rest/api/3/users/search'),
    ];
    const page = await getJson<RestUser[]>(jira, '/rest/api/3/users/search?maxResults=50');
    const invalid = await fetch(quirksUrl, { method: 'PUT', headers: json, body: JSON.stringify({ pageCap: 0 }) });
    const unknownSwitch = await fetch(quirksUrl, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ nope: true }),
    });
    const off = await fetch(quirksUrl, { method: 'DELETE' });
    const afterwards = await getJson<RestUser[]>(jira, '/rest/api/3/users/search?maxResults=1000');

    // Assess
    expect(on.status).toBe(200);
    expect(shown.quirks).toEqual(
      expect.objectContaining({
        pageCap: 10,
        hiddenEmailStyle: 'null',
        transientFailures: { every: 2, retryAfterSeconds: 1, routes: ['users/search', 'user'] },
      }),
    );
    expect(outcomes).toEqual([200, 409]);
    expect(page).toHaveLength(10);
    expect(invalid.status).toBe(400);
    expect(unknownSwitch.status).toBe(400);
    expect(off.status).toBe(204);
    expect(afterwards).toHaveLength(jira.accountCount());
    expect(jira.quirks()).toEqual(
      expect.objectContaining({ pageCap: 1000, hiddenEmailStyle: 'missing', transientFailures: null }),
    );
  });
});
