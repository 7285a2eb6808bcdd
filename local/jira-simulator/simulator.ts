import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { AccountDirectory, UnknownAccountError, type AccountChanges, type SimulatedAccount } from './accounts.js';
import {
  DEFAULT_QUIRKS,
  InvalidQuirksError,
  TransientFaultSchedule,
  applyQuirks,
  type JiraQuirks,
  type QuirksInput,
  type TransientFaultKind,
} from './quirks.js';
import {
  DEFAULT_WEBHOOK_SECRET,
  buildWebhookDelivery,
  deliverWebhook,
  type JiraUserWebhookEvent,
  type WebhookDeliveryRecord,
} from './webhooks.js';

export interface JiraSimulatorOptions extends QuirksInput {
  /** 0 picks a free port (the default). */
  port?: number;
  /** Jira users (`atlassian`, active, email visible), the administrator and the agent included; at least 2. Default 50. */
  users?: number;
  /** JSM customers (`customer`, active, email visible). Default 20. */
  customers?: number;
  /** App accounts (never synced). Default 3. */
  apps?: number;
  /** Extra inactive accounts, alternately atlassian and customer. Default 3. */
  inactive?: number;
  /** Extra active accounts whose email is hidden, alternately atlassian and customer. Default 3. */
  hiddenEmails?: number;
  /** The same seed gives the same accounts, ids and tokens. Default 1. */
  seed?: number;
  /** Domain of the Jira users' emails (customers use other domains). Default `example.com`. */
  emailDomain?: string;
  /** Default {@link DEFAULT_WEBHOOK_SECRET}. */
  webhookSecret?: string;
  /** Retries of a webhook the target did not take (408, 409, 425, 429, 5xx, unreachable). Default 3. */
  webhookRetries?: number;
  /** The first retry waits this long, each further one twice as long. Default 200. */
  webhookRetryBaseDelayMs?: number;
  /** `real` gives customers Jira's long ids, `qm:<uuid>:<24 hex>`. Fixed at start: an account id never changes. Default `short` (`qm:<uuid>`). */
  customerIdStyle?: 'short' | 'real';
}

export interface SimulatorCredentials {
  email: string;
  apiToken: string;
  /** The `Authorization` header value (Basic). */
  authorization: string;
}

export interface JiraSimulator {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** A Jira administrator (ADMINISTER granted). */
  admin: SimulatorCredentials;
  /** A normal Jira user (ADMINISTER not granted). */
  agent: SimulatorCredentials;
  /** The service's own API token; it belongs to the administrator's account. */
  service: { email: string; apiToken: string };
  webhookSecret: string;
  /** Every live account in listing order (builds them all: use sparingly with large directories). */
  accounts(): SimulatedAccount[];
  accountCount(): number;
  getAccount(accountId: string): SimulatedAccount | undefined;
  /** Each mutation resolves once its webhook (if a target is set) is delivered or given up. */
  createAccount(account: Partial<SimulatedAccount> & { displayName: string }): Promise<SimulatedAccount>;
  /** `emailAddress: undefined` (present in the changes) hides the email. */
  updateAccount(accountId: string, changes: AccountChanges): Promise<SimulatedAccount>;
  deleteAccount(accountId: string): Promise<void>;
  setWebhookTarget(url: string | undefined): void;
  /** Answer 429 with `Retry-After` to every Nth API call (counting from this call); undefined turns it off. */
  setRateLimit(options: { every?: number; retryAfterSeconds?: number } | undefined): void;
  /** The next `count` API calls answer `status` (default 503). */
  failNext(count: number, status?: number): void;
  /** API calls per route (`users/search`, `user`, `myself`, `mypermissions`, `unknown`), failed ones included. */
  callCounts(): Record<string, number>;
  /** Resets the call counts and the fault counts. */
  resetCallCounts(): void;
  /** Change any of the quirks (see quirks.ts); answers all of them. Throws InvalidQuirksError for a value out of range. */
  setQuirks(changes: QuirksInput): JiraQuirks;
  quirks(): JiraQuirks;
  /**
   * Faults injected so far, by kind: `409`, `502`, `503`, `504`, `reset` (transient failures),
   * `429` (rate limit), and the status of each `failNext` failure.
   */
  faultCounts(): Record<string, number>;
  /** The last 1,000 webhook deliveries, oldest first. */
  webhookDeliveries(): WebhookDeliveryRecord[];
  stop(): Promise<void>;
}

const MAX_PAGE = 1000;
/** What a 429 says the limit is; the simulated load itself is counted in calls (`every`). */
const RATE_LIMIT_HEADER_LIMIT = 350;
const DEFAULT_PAGE = 50;
const MAX_CONTROL_BODY_BYTES = 64 * 1024;
const MAX_DELIVERY_LOG = 1000;

interface GlobalPermission {
  id: string;
  key: string;
  name: string;
  type: 'GLOBAL';
  description: string;
}

const GLOBAL_PERMISSIONS: Record<string, GlobalPermission> = {
  ADMINISTER: {
    id: '0',
    key: 'ADMINISTER',
    name: 'Administer Jira',
    type: 'GLOBAL',
    description:
      'Create and administer projects, issue types, fields, workflows, and schemes for all projects. Users with this permission can perform most administration tasks, except: managing users, importing data, and editing system email settings.',
  },
  SYSTEM_ADMIN: {
    id: '44',
    key: 'SYSTEM_ADMIN',
    name: 'Jira System Administrator',
    type: 'GLOBAL',
    description:
      'Ability to perform all administration functions. There must be at least one group with this permission.',
  },
  BROWSE_USERS: {
    id: '27',
    key: 'BROWSE_USERS',
    name: 'Browse users and groups',
    type: 'GLOBAL',
    description: 'View and select users or groups from the user picker, and share issues.',
  },
  USER_PICKER: {
    id: '27',
    key: 'USER_PICKER',
    name: 'Browse users and groups',
    type: 'GLOBAL',
    description: 'View and select users or groups from the user picker, and share issues.',
  },
};
const AGENT_PERMISSIONS = new Set(['BROWSE_USERS', 'USER_PICKER']);

interface Credential {
  apiToken: string;
  accountId: string;
  administrator: boolean;
}

interface Reply {
  status: number;
  body?: unknown;
  /** An HTML page instead of JSON, as Atlassian's edge answers 502 and 504. */
  html?: string;
  headers?: Record<string, string>;
  /** Drop the connection without answering (a connection reset, as the client sees it). */
  resetConnection?: boolean;
}

const edgePage = (status: number, title: string): string =>
  `<!DOCTYPE html><html><head><title>${status} ${title}</title></head><body><h1>${status} ${title}</h1></body></html>`;

const errorBody = (message: string): { errorMessages: string[]; errors: Record<string, string> } => ({
  errorMessages: [message],
  errors: {},
});

const accountTypeSchema = z.enum(['atlassian', 'customer', 'app']);
const rateLimitSchema = z.strictObject({
  every: z.number().int().min(1).max(1000),
  retryAfterSeconds: z.number().int().min(0).max(60).default(1),
});

const newAccountSchema = z.strictObject({
  accountId: z.string().min(1).max(128).optional(),
  displayName: z.string().trim().min(1).max(255),
  emailAddress: z.string().trim().min(3).max(254).optional(),
  accountType: accountTypeSchema.optional(),
  active: z.boolean().optional(),
});
const accountChangesSchema = z.strictObject({
  displayName: z.string().trim().min(1).max(255).optional(),
  /** null hides the email. */
  emailAddress: z.string().trim().min(3).max(254).nullable().optional(),
  accountType: accountTypeSchema.optional(),
  active: z.boolean().optional(),
});

const basicAuthorization = (email: string, apiToken: string): string =>
  `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;

const tokenFor = (seed: number, who: string): string =>
  `ATATT3xFfGF0${createHash('sha256').update(`jira-simulator:${seed}:${who}`).digest('hex').slice(0, 48).toUpperCase()}`;

/** Parse `Basic base64(email:token)`; undefined when the header is absent or malformed. */
function parseBasic(header: string | undefined): { email: string; apiToken: string } | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { email: decoded.slice(0, colon), apiToken: decoded.slice(colon + 1) };
}

function integerParam(value: string | null, fallback: number): number {
  if (value === null || value.trim() === '') return fallback;
  const parsed = Number(value);
  return Number.isInteger(parsed) ? parsed : fallback;
}

function initials(displayName: string): string {
  const letters = displayName
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase());
  return (letters.length > 1 ? `${letters[0]}${letters[letters.length - 1]}` : (letters[0] ?? 'U')).replace(
    /[^A-Z0-9]/g,
    'U',
  );
}

class InvalidBodyError extends Error {}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_CONTROL_BODY_BYTES) throw new InvalidBodyError('The body is larger than 64 KiB.');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidBodyError('The body is not JSON.');
  }
}

function zodMessage(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}

/** Start a Jira Cloud simulator on 127.0.0.1. Stop it with `stop()`. */
export async function startJiraSimulator(options: JiraSimulatorOptions = {}): Promise<JiraSimulator> {
  const seed = options.seed ?? 1;
  let quirks = applyQuirks(DEFAULT_QUIRKS, {
    nullEmailRatio: options.nullEmailRatio,
    hiddenEmailStyle: options.hiddenEmailStyle,
    nullDisplayNameRatio: options.nullDisplayNameRatio,
    unknownAccounts: options.unknownAccounts,
    pageCap: options.pageCap,
    transientFailures: options.transientFailures,
  });
  const directory = new AccountDirectory({
    seed,
    users: Math.max(2, options.users ?? 50),
    customers: Math.max(0, options.customers ?? 20),
    apps: Math.max(0, options.apps ?? 3),
    inactive: Math.max(0, options.inactive ?? 3),
    hiddenEmails: Math.max(0, options.hiddenEmails ?? 3),
    emailDomain: options.emailDomain ?? 'example.com',
    customerIdStyle: options.customerIdStyle ?? 'short',
  });
  const webhookSecret = options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET;
  const deliveryPolicy = { retries: options.webhookRetries ?? 3, baseDelayMs: options.webhookRetryBaseDelayMs ?? 200 };

  const adminAccount = directory.atSlot(0);
  const agentAccount = directory.atSlot(1);
  if (!adminAccount?.emailAddress || !agentAccount?.emailAddress)
    throw new Error('The simulator could not seed its administrator and agent.');
  const adminToken = tokenFor(seed, 'admin');
  const agentToken = tokenFor(seed, 'agent');
  const serviceToken = tokenFor(seed, 'service');
  // Keyed by lower-case email: Atlassian treats the login email case-insensitively.
  const credentials = new Map<string, Credential[]>([
    [
      adminAccount.emailAddress.toLowerCase(),
      [
        { apiToken: adminToken, accountId: adminAccount.accountId, administrator: true },
        { apiToken: serviceToken, accountId: adminAccount.accountId, administrator: true },
      ],
    ],
    [
      agentAccount.emailAddress.toLowerCase(),
      [{ apiToken: agentToken, accountId: agentAccount.accountId, administrator: false }],
    ],
  ]);

  let url = '';
  let counts: Record<string, number> = {};
  let rateLimit: { every: number; retryAfterSeconds: number } | undefined;
  let callsSinceRateLimitSet = 0;
  let failures: { remaining: number; status: number } = { remaining: 0, status: 503 };
  let faultSchedule: TransientFaultSchedule | undefined;
  let faults: Record<string, number> = {};
  const countFault = (kind: string): void => {
    faults[kind] = (faults[kind] ?? 0) + 1;
  };
  let webhookTarget: string | undefined;
  const deliveryLog: WebhookDeliveryRecord[] = [];
  const stopping = new AbortController();
  useQuirks(quirks);

  /** Quirks that shape the accounts themselves go to the directory; the failures get a schedule of their own. */
  function useQuirks(next: JiraQuirks): void {
    const failuresChanged =
      !faultSchedule || JSON.stringify(next.transientFailures) !== JSON.stringify(quirks.transientFailures);
    quirks = next;
    directory.setShape({ nullEmailRatio: quirks.nullEmailRatio, nullDisplayNameRatio: quirks.nullDisplayNameRatio });
    directory.setUnknownAccounts(quirks.unknownAccounts);
    // Changing another switch does not restart the count of the failures.
    if (failuresChanged)
      faultSchedule = quirks.transientFailures ? new TransientFaultSchedule(quirks.transientFailures) : undefined;
  }

  /** The email as Jira sends it: the address, `null` (hidden, by the quirks), or undefined (the key left out). */
  function sentEmail(account: SimulatedAccount): string | null | undefined {
    if (account.emailAddress !== undefined) return account.emailAddress;
    if (account.accountType !== 'atlassian' && account.accountType !== 'customer') return undefined;
    return quirks.hiddenEmailStyle === 'null' || directory.emailSentAsNull(account.accountId) ? null : undefined;
  }

  function restUser(account: SimulatedAccount): Record<string, unknown> {
    const avatar = `https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials/${initials(account.displayName ?? '')}-4.png`;
    const { timeZone, locale } = directory.profileOf(account.accountId);
    const user: Record<string, unknown> = {
      self: `${url}/rest/api/3/user?accountId=${encodeURIComponent(account.accountId)}`,
      accountId: account.accountId,
      accountType: account.accountType,
    };
    const email = sentEmail(account);
    if (email !== undefined) user.emailAddress = email;
    user.avatarUrls = { '48x48': avatar, '24x24': avatar, '16x16': avatar, '32x32': avatar };
    // A corrupted (`unknown`) record leaves the name out altogether; a user without one sends null.
    if (account.accountType !== 'unknown' || account.displayName !== null) user.displayName = account.displayName;
    user.active = account.active;
    if (account.accountType === 'atlassian' || account.accountType === 'customer') {
      user.timeZone = timeZone;
      user.locale = locale;
    }
    return user;
  }

  function authenticate(request: IncomingMessage): Credential | undefined {
    const basic = parseBasic(request.headers.authorization);
    if (!basic) return undefined;
    const credential = credentials
      .get(basic.email.toLowerCase())
      ?.find((candidate) => candidate.apiToken === basic.apiToken);
    // A deleted or deactivated account's tokens stop working, as on a real site.
    return credential && directory.get(credential.accountId)?.active ? credential : undefined;
  }

  function routeOf(pathname: string): string {
    switch (pathname) {
      case '/rest/api/3/users/search':
      case '/rest/api/3/users':
        return 'users/search';
      case '/rest/api/3/user':
        return 'user';
      case '/rest/api/3/myself':
        return 'myself';
      case '/rest/api/3/mypermissions':
        return 'mypermissions';
      default:
        return 'unknown';
    }
  }

  function handleApi(request: IncomingMessage, requestUrl: URL): Reply {
    const route = routeOf(requestUrl.pathname);
    counts[route] = (counts[route] ?? 0) + 1;

    if (failures.remaining > 0) {
      failures.remaining -= 1;
      countFault(String(failures.status));
      return { status: failures.status, body: errorBody(`Simulated failure (${failures.status}).`) };
    }
    if (rateLimit) {
      callsSinceRateLimitSet += 1;
      if (callsSinceRateLimitSet % rateLimit.every === 0) {
        countFault('429');
        return {
          status: 429,
          headers: {
            'Retry-After': String(rateLimit.retryAfterSeconds),
            'X-RateLimit-Limit': String(RATE_LIMIT_HEADER_LIMIT),
            'X-RateLimit-Remaining': '0',
            'X-RateLimit-Reset': new Date(Date.now() + rateLimit.retryAfterSeconds * 1000).toISOString(),
            'RateLimit-Reason': 'jira-burst-based',
          },
          body: errorBody('Rate limit exceeded.'),
        };
      }
    }
    const fault = faultSchedule?.next(route);
    if (fault) return transientFault(fault, route);
    const caller = authenticate(request);
    if (!caller) {
      return {
        status: 401,
        headers: { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' },
        body: errorBody('Client must be authenticated to access this resource.'),
      };
    }
    if (request.method !== 'GET')
      return { status: 405, body: errorBody(`${request.method ?? 'This method'} is not supported here.`) };

    const query = requestUrl.searchParams;
    switch (route) {
      case 'users/search': {
        const startAt = Math.max(0, integerParam(query.get('startAt'), 0));
        const requested = integerParam(query.get('maxResults'), DEFAULT_PAGE);
        const maxResults = Math.min(MAX_PAGE, quirks.pageCap, Math.max(0, requested));
        return { status: 200, body: directory.page(startAt, maxResults).map(restUser) };
      }
      case 'user': {
        const accountId = query.get('accountId');
        if (!accountId) return { status: 400, body: errorBody('The accountId query parameter needs to be provided.') };
        const account = directory.get(accountId);
        if (!account)
          return {
            status: 404,
            body: errorBody(`Specified user does not exist or you do not have required permissions`),
          };
        return { status: 200, body: restUser(account) };
      }
      case 'myself': {
        const account = directory.get(caller.accountId);
        return account
          ? { status: 200, body: restUser(account) }
          : { status: 401, body: errorBody('Client must be authenticated to access this resource.') };
      }
      case 'mypermissions': {
        const keys = (query.get('permissions') ?? '')
          .split(',')
          .map((key) => key.trim())
          .filter(Boolean);
        if (keys.length === 0) return { status: 400, body: errorBody('The permissions query parameter is required.') };
        const permissions: Record<string, GlobalPermission & { havePermission: boolean }> = {};
        for (const key of keys) {
          const permission = GLOBAL_PERMISSIONS[key];
          if (!permission) return { status: 400, body: errorBody(`Invalid permission key: ${key}`) };
          permissions[key] = { ...permission, havePermission: caller.administrator || AGENT_PERMISSIONS.has(key) };
        }
        return { status: 200, body: { permissions } };
      }
      default:
        return { status: 404, body: errorBody('The requested resource does not exist in the simulator.') };
    }
  }

  function transientFault(kind: TransientFaultKind, route: string): Reply {
    switch (kind) {
      case 'timeout':
        // Jira stops a users/search that runs past 10 s with 409; elsewhere the edge gives up with 502.
        if (route === 'users/search') {
          countFault('409');
          return {
            status: 409,
            body: errorBody(
              'The request took longer than 10 seconds and was cancelled. Try again, or ask for fewer results.',
            ),
          };
        }
        countFault('502');
        return { status: 502, html: edgePage(502, 'Bad Gateway') };
      case '503': {
        countFault('503');
        const retryAfterSeconds = quirks.transientFailures?.retryAfterSeconds ?? 1;
        return {
          status: 503,
          headers: { 'Retry-After': String(retryAfterSeconds) },
          body: errorBody('Service temporarily unavailable.'),
        };
      }
      case 'reset':
        countFault('reset');
        return { status: 0, resetConnection: true };
      case '504':
        countFault('504');
        return { status: 504, html: edgePage(504, 'Gateway Time-out') };
    }
  }

  async function emit(event: JiraUserWebhookEvent, account: SimulatedAccount): Promise<void> {
    const target = webhookTarget;
    if (!target || stopping.signal.aborted) return;
    const delivery = buildWebhookDelivery(event, account, Date.now(), {
      secret: webhookSecret,
      baseUrl: url,
      hiddenEmailAs: sentEmail(account) === null ? 'null' : 'missing',
    });
    const record = await deliverWebhook(target, event, account.accountId, delivery, deliveryPolicy, stopping.signal);
    deliveryLog.push(record);
    if (deliveryLog.length > MAX_DELIVERY_LOG) deliveryLog.shift();
  }

  async function createAccount(input: Partial<SimulatedAccount> & { displayName: string }): Promise<SimulatedAccount> {
    const account = directory.create(input);
    await emit('user_created', account);
    return account;
  }

  async function updateAccount(accountId: string, changes: AccountChanges): Promise<SimulatedAccount> {
    const account = directory.update(accountId, changes);
    await emit('user_updated', account);
    return account;
  }

  async function deleteAccount(accountId: string): Promise<void> {
    const account = directory.delete(accountId);
    await emit('user_deleted', account);
  }

  async function handleControl(request: IncomingMessage, requestUrl: URL): Promise<Reply> {
    const path = requestUrl.pathname.replace(/\/+$/, '');
    if (path === '/simulator' && request.method === 'GET') {
      return {
        status: 200,
        body: {
          url,
          accounts: directory.size,
          admin: simulator.admin,
          agent: simulator.agent,
          webhookTarget: webhookTarget ?? null,
          callCounts: counts,
          quirks,
          faultCounts: faults,
        },
      };
    }
    if (path === '/simulator/quirks' && request.method === 'GET') {
      return { status: 200, body: { quirks, faultCounts: faults } };
    }
    if (path === '/simulator/quirks' && (request.method === 'PUT' || request.method === 'PATCH')) {
      // For people trying the service with `npm start`: Jira at its least convenient, any subset of the switches.
      useQuirks(applyQuirks(quirks, await readJson(request)));
      return { status: 200, body: simulator.quirks() };
    }
    if (path === '/simulator/quirks' && request.method === 'DELETE') {
      useQuirks(DEFAULT_QUIRKS);
      return { status: 204 };
    }
    if (path === '/simulator/users' && request.method === 'POST') {
      const parsed = newAccountSchema.safeParse(await readJson(request));
      if (!parsed.success) return { status: 400, body: errorBody(zodMessage(parsed.error)) };
      const { accountId, emailAddress, accountType, active, displayName } = parsed.data;
      const input: Partial<SimulatedAccount> & { displayName: string } = { displayName };
      if (accountId !== undefined) input.accountId = accountId;
      if (emailAddress !== undefined) input.emailAddress = emailAddress;
      if (accountType !== undefined) input.accountType = accountType;
      if (active !== undefined) input.active = active;
      return { status: 201, body: restUser(await createAccount(input)) };
    }
    if (path === '/simulator/rate-limit' && request.method === 'PUT') {
      // Simulated load for people using `npm start`: 429 with Retry-After on every Nth API call.
      const parsed = rateLimitSchema.safeParse(await readJson(request));
      if (!parsed.success) return { status: 400, body: errorBody(zodMessage(parsed.error)) };
      simulator.setRateLimit(parsed.data);
      return { status: 200, body: parsed.data };
    }
    if (path === '/simulator/rate-limit' && request.method === 'DELETE') {
      simulator.setRateLimit(undefined);
      return { status: 204 };
    }
    const match = /^\/simulator\/users\/([^/]+)$/.exec(path);
    if (match?.[1]) {
      const accountId = decodeURIComponent(match[1]);
      if (request.method === 'GET') {
        const account = directory.get(accountId);
        return account
          ? { status: 200, body: restUser(account) }
          : { status: 404, body: errorBody(`No account ${accountId}.`) };
      }
      if (request.method === 'PUT' || request.method === 'PATCH') {
        const parsed = accountChangesSchema.safeParse(await readJson(request));
        if (!parsed.success) return { status: 400, body: errorBody(zodMessage(parsed.error)) };
        const { emailAddress, ...rest } = parsed.data;
        const changes: AccountChanges = {};
        if (rest.displayName !== undefined) changes.displayName = rest.displayName;
        if (rest.accountType !== undefined) changes.accountType = rest.accountType;
        if (rest.active !== undefined) changes.active = rest.active;
        if (emailAddress === null) changes.emailAddress = undefined;
        else if (emailAddress !== undefined) changes.emailAddress = emailAddress;
        return { status: 200, body: restUser(await updateAccount(accountId, changes)) };
      }
      if (request.method === 'DELETE') {
        await deleteAccount(accountId);
        return { status: 204 };
      }
    }
    return { status: 404, body: errorBody('Unknown simulator route. See local/jira-simulator/README.md.') };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const requestUrl = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (requestUrl.pathname.startsWith('/rest/')) reply = handleApi(request, requestUrl);
      else if (requestUrl.pathname === '/simulator' || requestUrl.pathname.startsWith('/simulator/'))
        reply = await handleControl(request, requestUrl);
      else reply = { status: 404, body: errorBody('Not found.') };
    } catch (error) {
      if (error instanceof UnknownAccountError) reply = { status: 404, body: errorBody(error.message) };
      else if (error instanceof InvalidBodyError || error instanceof InvalidQuirksError)
        reply = { status: 400, body: errorBody(error.message) };
      else reply = { status: 500, body: errorBody(error instanceof Error ? error.message : 'Internal error.') };
    }
    if (reply.resetConnection) {
      request.socket.destroy();
      return;
    }
    const headers: Record<string, string> = { ...reply.headers };
    let payload: string | undefined;
    if (reply.html !== undefined) {
      payload = reply.html;
      headers['Content-Type'] = 'text/html;charset=UTF-8';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    } else if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      headers['Content-Type'] = 'application/json;charset=UTF-8';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    response.writeHead(reply.status, headers);
    response.end(payload);
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const simulator: JiraSimulator = {
    url,
    admin: {
      email: adminAccount.emailAddress,
      apiToken: adminToken,
      authorization: basicAuthorization(adminAccount.emailAddress, adminToken),
    },
    agent: {
      email: agentAccount.emailAddress,
      apiToken: agentToken,
      authorization: basicAuthorization(agentAccount.emailAddress, agentToken),
    },
    service: { email: adminAccount.emailAddress, apiToken: serviceToken },
    webhookSecret,
    accounts: () => directory.all(),
    accountCount: () => directory.size,
    getAccount: (accountId) => {
      const account = directory.get(accountId);
      return account ? { ...account } : undefined;
    },
    createAccount,
    updateAccount,
    deleteAccount,
    setWebhookTarget: (target) => {
      webhookTarget = target;
    },
    setRateLimit: (limit) => {
      callsSinceRateLimitSet = 0;
      rateLimit = limit
        ? {
            every: Math.max(1, Math.floor(limit.every ?? 1)),
            retryAfterSeconds: Math.max(0, limit.retryAfterSeconds ?? 1),
          }
        : undefined;
    },
    failNext: (count, status = 503) => {
      failures = { remaining: Math.max(0, Math.floor(count)), status };
    },
    callCounts: () => ({ ...counts }),
    resetCallCounts: () => {
      counts = {};
      faults = {};
    },
    setQuirks: (changes) => {
      useQuirks(applyQuirks(quirks, changes));
      return simulator.quirks();
    },
    quirks: () => ({
      ...quirks,
      transientFailures: quirks.transientFailures
        ? { ...quirks.transientFailures, routes: [...quirks.transientFailures.routes] }
        : null,
    }),
    faultCounts: () => ({ ...faults }),
    webhookDeliveries: () => [...deliveryLog],
    stop: async () => {
      stopping.abort();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return simulator;
}
