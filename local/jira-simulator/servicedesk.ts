/**
 * Jira Service Management as the simulator speaks it: service desks with their customers, read
 * through `/rest/servicedeskapi/...` in JSM's own shapes (`start`/`limit`/`isLastPage` pages, capped
 * by the `jsmPageCap` quirk; customer records without `accountType`), behind JSM's burst limit of
 * 5 requests a second (429 with `Retry-After`), and portal sign-ups that raise a request.
 */
import type { IncomingMessage } from 'node:http';
import type { AccountDirectory, SimulatedAccount } from './accounts.js';
import { type Reply, errorBody } from './http-reply.js';
import type { JiraQuirks } from './quirks.js';

const DEFAULT_LIMIT = 50;
const BURST_WINDOW_MS = 1_000;

export interface ServiceDeskLayout {
  /** Service desks; the seeded customers are spread over them. Default 0 (no JSM). */
  serviceDesks: number;
  /** Every Nth seeded customer is also a customer of the next desk (an account on two desks). Default 4. */
  sharedCustomerEvery: number;
}

export interface SimulatedServiceDesk {
  id: string;
  projectId: string;
  projectKey: string;
  projectName: string;
}

/** The site's service desks and who their customers are (account ids; the directory holds the accounts). */
export class ServiceDesks {
  private readonly desks: SimulatedServiceDesk[] = [];
  private readonly customers = new Map<string, string[]>();
  private requestCount = 0;

  constructor(
    private readonly directory: AccountDirectory,
    layout: ServiceDeskLayout,
  ) {
    for (let index = 0; index < layout.serviceDesks; index += 1) {
      const id = String(index + 1);
      this.desks.push({
        id,
        projectId: String(10_000 + index + 1),
        projectKey: `SUP${index + 1}`,
        projectName: `Support desk ${index + 1}`,
      });
      this.customers.set(id, []);
    }
    if (!this.desks.length) return;
    // Every seeded customer (active or not, email shown or hidden) is on one desk; every Nth on two.
    const seeded = directory.all().filter((account) => account.accountType === 'customer');
    seeded.forEach((account, index) => {
      const first = index % this.desks.length;
      this.customers.get(this.desks[first]?.id ?? '')?.push(account.accountId);
      if (this.desks.length > 1 && index % Math.max(1, layout.sharedCustomerEvery) === 0) {
        const second = (first + 1) % this.desks.length;
        this.customers.get(this.desks[second]?.id ?? '')?.push(account.accountId);
      }
    });
  }

  list(): SimulatedServiceDesk[] {
    return this.desks.map((desk) => ({ ...desk }));
  }

  /** The desk's customers that still exist, in the order they joined. */
  customersOf(deskId: string): SimulatedAccount[] {
    return (this.customers.get(deskId) ?? []).flatMap((accountId) => {
      const account = this.directory.get(accountId);
      return account ? [account] : [];
    });
  }

  /** Adds a customer to a desk (once). Throws for an unknown desk. */
  join(deskId: string, accountId: string): void {
    const members = this.customers.get(deskId);
    if (!members) throw new UnknownServiceDeskError(deskId);
    if (!members.includes(accountId)) members.push(accountId);
  }

  /** The next request's key on a desk, e.g. `SUP1-3`. */
  nextRequestKey(deskId: string): { id: string; key: string } {
    const desk = this.desks.find((candidate) => candidate.id === deskId);
    if (!desk) throw new UnknownServiceDeskError(deskId);
    this.requestCount += 1;
    return { id: String(20_000 + this.requestCount), key: `${desk.projectKey}-${this.requestCount}` };
  }
}

export class UnknownServiceDeskError extends Error {
  constructor(readonly deskId: string) {
    super(`No service desk ${deskId}.`);
    this.name = 'UnknownServiceDeskError';
  }
}

/** The JSM routes the simulator counts calls by. */
export function jsmRouteOf(pathname: string): string | undefined {
  if (pathname === '/rest/servicedeskapi/servicedesk') return 'servicedesk';
  if (/^\/rest\/servicedeskapi\/servicedesk\/[^/]+\/customer$/.test(pathname)) return 'servicedesk/customer';
  return pathname.startsWith('/rest/servicedeskapi/') ? 'servicedeskapi' : undefined;
}

function integerParam(value: string | null, fallback: number): number {
  if (value === null || value.trim() === '') return fallback;
  const parsed = Number(value);
  return Number.isInteger(parsed) ? parsed : fallback;
}

/**
 * `/rest/servicedeskapi/...` for an authenticated caller: the desks and their customers, paged as
 * JSM pages, within its burst limit.
 */
export class JsmRestApi {
  private readonly recent: number[] = [];

  constructor(
    private readonly site: {
      desks: ServiceDesks;
      baseUrl: string;
      /** The account as `users/search` shows it (the customer record takes its fields, not its type). */
      restUser: (account: SimulatedAccount) => Record<string, unknown>;
      countFault: (kind: string) => void;
    },
  ) {}

  /** Whether this call is over JSM's burst limit: more than `limit` calls answered in the last second. */
  private overBurstLimit(limit: number): boolean {
    const now = Date.now();
    while (this.recent.length && (this.recent[0] as number) <= now - BURST_WINDOW_MS) this.recent.shift();
    if (limit > 0 && this.recent.length >= limit) return true;
    this.recent.push(now);
    return false;
  }

  handle(request: IncomingMessage, requestUrl: URL, quirks: JiraQuirks): Reply {
    if (this.overBurstLimit(quirks.jsmBurstLimit)) {
      this.site.countFault('jsm-burst');
      return {
        status: 429,
        headers: { 'Retry-After': '1', 'RateLimit-Reason': 'jira-burst-based' },
        body: errorBody('Rate limit exceeded.'),
      };
    }
    const route = jsmRouteOf(requestUrl.pathname);
    const query = requestUrl.searchParams;
    const start = Math.max(0, integerParam(query.get('start'), 0));
    const limit = Math.max(1, integerParam(query.get('limit'), DEFAULT_LIMIT));
    const size = Math.min(limit, quirks.jsmPageCap);
    if (route === 'servicedesk') {
      const desks = this.site.desks.list().map((desk) => ({
        ...desk,
        _links: { self: `${this.site.baseUrl}/rest/servicedeskapi/servicedesk/${desk.id}` },
      }));
      return { status: 200, body: this.page(requestUrl, desks, { start, limit, size }) };
    }
    if (route === 'servicedesk/customer') {
      if (request.headers['x-experimentalapi'] !== 'opt-in')
        return {
          status: 412,
          body: errorBody(
            "This API is experimental. To use it, send the header 'X-ExperimentalApi: opt-in' with the request.",
          ),
        };
      const deskId = decodeURIComponent(requestUrl.pathname.split('/')[4] ?? '');
      if (!this.site.desks.list().some((desk) => desk.id === deskId))
        return { status: 404, body: errorBody(`The service desk ${deskId} does not exist.`) };
      const customers = this.site.desks.customersOf(deskId).map((account) => this.customerRecord(account));
      return { status: 200, body: this.page(requestUrl, customers, { start, limit, size }) };
    }
    return { status: 404, body: errorBody('The requested resource does not exist in the simulator.') };
  }

  /** A customer as JSM lists it: the user's fields, no `accountType`. */
  private customerRecord(account: SimulatedAccount): Record<string, unknown> {
    const user = this.site.restUser(account);
    // Data Center's JSM lists v2 users: `key` and `name`, no `accountId`.
    const record: Record<string, unknown> =
      'key' in user ? { key: user.key, name: user.name } : { accountId: account.accountId };
    if ('emailAddress' in user) record.emailAddress = user.emailAddress;
    record.displayName = user.displayName ?? null;
    record.active = account.active;
    record.timeZone = user.timeZone ?? 'Etc/UTC';
    record._links = {
      jiraRest: user.self,
      avatarUrls: user.avatarUrls,
      self: user.self,
    };
    return record;
  }

  private page<T>(requestUrl: URL, all: T[], at: { start: number; limit: number; size: number }) {
    const values = all.slice(at.start, at.start + at.size);
    const isLastPage = at.start + values.length >= all.length;
    const base = `${this.site.baseUrl}${requestUrl.pathname}`;
    const links: Record<string, string> = { base: this.site.baseUrl, context: '', self: base };
    if (!isLastPage) links.next = `${base}?start=${at.start + values.length}&limit=${at.limit}`;
    if (at.start > 0) links.prev = `${base}?start=${Math.max(0, at.start - at.limit)}&limit=${at.limit}`;
    return { _expands: [], size: values.length, start: at.start, limit: at.limit, isLastPage, values, _links: links };
  }
}
