import type { IncomingMessage } from 'node:http';
import type { AccountDirectory, SimulatedAccount } from './accounts.js';
import type { Caller, SiteCredentials } from './credentials.js';
import { type Reply, errorBody } from './http-reply.js';
import { type SimulatedOrganizations, organizationRouteOf } from './organizations.js';
import { FAULTABLE_ROUTES, type JiraQuirks, type TransientFaultKind, TransientFaultSchedule } from './quirks.js';
import { JsmRestApi, type ServiceDesks, jsmRouteOf } from './servicedesk.js';

const MAX_PAGE = 1000;
const DEFAULT_PAGE = 50;
/** What a 429 says the limit is; the simulated load itself is counted in calls (`every`). */
const RATE_LIMIT_HEADER_LIMIT = 350;

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
      'Create and administer projects, issue types, fields, workflows, and schemes for all projects. ' +
      'Users with this permission can perform most administration tasks, except: managing users, ' +
      'importing data, and editing system email settings.',
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

const AVATAR_BASE = 'https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials';

const edgePage = (status: number, title: string): string =>
  `<!DOCTYPE html><html><head><title>${status} ${title}</title></head>` +
  `<body><h1>${status} ${title}</h1></body></html>`;

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

function routeOf(pathname: string): string {
  // Organizations first: every other `/rest/servicedeskapi/` path is the service desks'.
  const jsmRoute = organizationRouteOf(pathname) ?? jsmRouteOf(pathname);
  if (jsmRoute) return jsmRoute;
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

/**
 * The part of Jira Cloud's REST API v3 the service calls (`/rest/...`), as a real site answers it:
 * Basic auth, Jira's shapes, the quirks (see quirks.ts) and the faults asked for (rate limit,
 * `failNext`, transient failures), each counted.
 */
export class JiraRestApi {
  private quirks: JiraQuirks;
  private faultSchedule: TransientFaultSchedule | undefined;
  private counts: Record<string, number> = {};
  private faults: Record<string, number> = {};
  private rateLimit: { every: number; retryAfterSeconds: number } | undefined;
  private callsSinceRateLimitSet = 0;
  private failures: { remaining: number; status: number } = { remaining: 0, status: 503 };
  private readonly jsm: JsmRestApi;

  constructor(
    private readonly site: {
      directory: AccountDirectory;
      credentials: SiteCredentials;
      /** `http://127.0.0.1:PORT`. */
      baseUrl: string;
      organizations?: SimulatedOrganizations;
      /** Jira Service Management's desks and their customers (see servicedesk.ts). */
      desks: ServiceDesks;
      /** Data Center's logins (PATs, username:password) instead of the Cloud site's API tokens. */
      authenticate?: (authorization: string | undefined) => Caller | undefined;
      /** How JSM shows a customer: Data Center's v2 user instead of Cloud's. */
      jsmUser?: (account: SimulatedAccount) => Record<string, unknown>;
    },
    quirks: JiraQuirks,
  ) {
    this.quirks = quirks;
    this.jsm = new JsmRestApi({
      desks: site.desks,
      baseUrl: site.baseUrl,
      restUser: (account) => (site.jsmUser ?? ((user) => this.restUser(user)))(account),
      countFault: (kind) => this.countFault(kind),
    });
    this.useQuirks(quirks);
  }

  /** The quirks in force (the live object: copy it before handing it out). */
  currentQuirks(): JiraQuirks {
    return this.quirks;
  }

  /** Quirks that shape the accounts themselves go to the directory; the failures get a schedule of their own. */
  useQuirks(next: JiraQuirks): void {
    const failuresChanged =
      !this.faultSchedule || JSON.stringify(next.transientFailures) !== JSON.stringify(this.quirks.transientFailures);
    this.quirks = next;
    const { directory } = this.site;
    directory.setShape({ nullEmailRatio: next.nullEmailRatio, nullDisplayNameRatio: next.nullDisplayNameRatio });
    directory.setUnknownAccounts(next.unknownAccounts);
    // Changing another switch does not restart the count of the failures.
    if (failuresChanged)
      this.faultSchedule = next.transientFailures ? new TransientFaultSchedule(next.transientFailures) : undefined;
  }

  setRateLimit(limit: { every?: number; retryAfterSeconds?: number } | undefined): void {
    this.callsSinceRateLimitSet = 0;
    this.rateLimit = limit
      ? {
          every: Math.max(1, Math.floor(limit.every ?? 1)),
          retryAfterSeconds: Math.max(0, limit.retryAfterSeconds ?? 1),
        }
      : undefined;
  }

  failNext(count: number, status: number): void {
    this.failures = { remaining: Math.max(0, Math.floor(count)), status };
  }

  callCounts(): Record<string, number> {
    return { ...this.counts };
  }

  faultCounts(): Record<string, number> {
    return { ...this.faults };
  }

  resetCounts(): void {
    this.counts = {};
    this.faults = {};
  }

  /** The email as Jira sends it: the address, `null` (hidden, by the quirks), or undefined (the key left out). */
  sentEmail(account: SimulatedAccount): string | null | undefined {
    if (account.emailAddress !== undefined) return account.emailAddress;
    if (account.accountType !== 'atlassian' && account.accountType !== 'customer') return undefined;
    const sentAsNull =
      this.quirks.hiddenEmailStyle === 'null' || this.site.directory.emailSentAsNull(account.accountId);
    return sentAsNull ? null : undefined;
  }

  /** An account as `users/search` and `user` show it. */
  restUser(account: SimulatedAccount): Record<string, unknown> {
    const avatar = `${AVATAR_BASE}/${initials(account.displayName ?? '')}-4.png`;
    const { timeZone, locale } = this.site.directory.profileOf(account.accountId);
    const user: Record<string, unknown> = {
      self: `${this.site.baseUrl}/rest/api/3/user?accountId=${encodeURIComponent(account.accountId)}`,
      accountId: account.accountId,
      accountType: account.accountType,
    };
    const email = this.sentEmail(account);
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

  async handle(request: IncomingMessage, requestUrl: URL): Promise<Reply> {
    const route = routeOf(requestUrl.pathname);
    this.counts[route] = (this.counts[route] ?? 0) + 1;
    const { latencyMs } = this.quirks;
    if (latencyMs > 0 && (FAULTABLE_ROUTES as readonly string[]).includes(route))
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const fault = this.injectedFault(route);
    if (fault) return fault;

    const caller = (this.site.authenticate ?? ((header) => this.site.credentials.authenticate(header)))(
      request.headers.authorization,
    );
    if (!caller) {
      return {
        status: 401,
        headers: { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' },
        body: errorBody('Client must be authenticated to access this resource.'),
      };
    }
    if (request.method !== 'GET')
      return { status: 405, body: errorBody(`${request.method ?? 'This method'} is not supported here.`) };

    const { directory } = this.site;
    const query = requestUrl.searchParams;
    switch (route) {
      case 'users/search': {
        const startAt = Math.max(0, integerParam(query.get('startAt'), 0));
        const requested = integerParam(query.get('maxResults'), DEFAULT_PAGE);
        const maxResults = Math.min(MAX_PAGE, this.quirks.pageCap, Math.max(0, requested));
        // Portal-only customers have no Atlassian account: with the switch off, users/search leaves them out.
        const page = this.quirks.customersInUserSearch
          ? directory.page(startAt, maxResults)
          : directory.pageWhere(startAt, maxResults, (account) => account.accountType !== 'customer');
        return { status: 200, body: page.map((account) => this.restUser(account)) };
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
        return { status: 200, body: this.restUser(account) };
      }
      case 'myself': {
        const account = directory.get(caller.accountId);
        return account
          ? { status: 200, body: this.restUser(account) }
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
          permissions[key] = { ...permission, havePermission: this.site.credentials.holds(caller, key) };
        }
        return { status: 200, body: { permissions } };
      }
      case 'organization':
      case 'organization/{id}/user':
        if (this.site.organizations) {
          const reply = this.site.organizations.handle(route, requestUrl);
          if (reply.status === 429) this.countFault('429');
          return reply;
        }
        return { status: 404, body: errorBody('The requested resource does not exist in the simulator.') };
      default:
        if (route.startsWith('servicedesk')) return this.jsm.handle(request, requestUrl, this.quirks);
        return { status: 404, body: errorBody('The requested resource does not exist in the simulator.') };
    }
  }

  /** The fault a call of another API (the Data Center mode's v2 routes) meets, counted as this API's are. */
  faultFor(route: string): Reply | undefined {
    return this.injectedFault(route);
  }

  /** The fault this call meets, if any: `failNext` first, then the rate limit, then the transient failures. */
  private injectedFault(route: string): Reply | undefined {
    if (this.failures.remaining > 0) {
      this.failures.remaining -= 1;
      this.countFault(String(this.failures.status));
      return { status: this.failures.status, body: errorBody(`Simulated failure (${this.failures.status}).`) };
    }
    if (this.rateLimit) {
      this.callsSinceRateLimitSet += 1;
      if (this.callsSinceRateLimitSet % this.rateLimit.every === 0) {
        this.countFault('429');
        const { retryAfterSeconds } = this.rateLimit;
        return {
          status: 429,
          headers: {
            'Retry-After': String(retryAfterSeconds),
            'X-RateLimit-Limit': String(RATE_LIMIT_HEADER_LIMIT),
            'X-RateLimit-Remaining': '0',
            'X-RateLimit-Reset': new Date(Date.now() + retryAfterSeconds * 1000).toISOString(),
            'RateLimit-Reason': 'jira-burst-based',
          },
          body: errorBody('Rate limit exceeded.'),
        };
      }
    }
    const fault = this.faultSchedule?.next(route);
    return fault ? this.transientFault(fault, route) : undefined;
  }

  private transientFault(kind: TransientFaultKind, route: string): Reply {
    switch (kind) {
      case 'timeout':
        // Jira stops a users/search that runs past 10 s with 409; elsewhere the edge gives up with 502.
        if (route === 'users/search') {
          this.countFault('409');
          return {
            status: 409,
            body: errorBody(
              'The request took longer than 10 seconds and was cancelled. Try again, or ask for fewer results.',
            ),
          };
        }
        this.countFault('502');
        return { status: 502, html: edgePage(502, 'Bad Gateway') };
      case '503': {
        this.countFault('503');
        const retryAfterSeconds = this.quirks.transientFailures?.retryAfterSeconds ?? 1;
        return {
          status: 503,
          headers: { 'Retry-After': String(retryAfterSeconds) },
          body: errorBody('Service temporarily unavailable.'),
        };
      }
      case 'reset':
        this.countFault('reset');
        return { status: 0, resetConnection: true };
      case '504':
        this.countFault('504');
        return { status: 504, html: edgePage(504, 'Gateway Time-out') };
    }
  }

  private countFault(kind: string): void {
    this.faults[kind] = (this.faults[kind] ?? 0) + 1;
  }
}
