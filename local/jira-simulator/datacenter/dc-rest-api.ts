import type { IncomingMessage } from 'node:http';
import type { Caller } from '../credentials.js';
import { type Reply, errorBody } from '../http-reply.js';
import { applicationRoles } from './dc-application-roles.js';
import type { DataCenterCredentials } from './dc-credentials.js';
import type { DataCenterUsers } from './dc-users.js';

/** `user/list` (Jira 10.3 and later, cursor-paged) or only `user/search` (older: `user/list` is 404). */
export type DataCenterListing = 'user-list' | 'user-search';

/** Jira 10's cap on one `user/search` query, whatever `maxResults` and `startAt` say (JRASERVER-78660). */
export const DEFAULT_USER_SEARCH_CAP = 100;
/** `user/list`'s default and largest page. */
const USER_LIST_MAX = 2000;

export interface DataCenterRestOptions {
  users: DataCenterUsers;
  credentials: DataCenterCredentials;
  /** Whether a caller holds a global permission (the Cloud site's rule, by account). */
  holds: (caller: Caller, permission: string) => boolean;
  listing: DataCenterListing;
  userSearchCap: number;
  /** The fault a call meets (`failNext`, the rate limit, the transient failures), as on the Cloud routes. */
  fault?: (route: string) => Reply | undefined;
}

const PERMISSION_NAMES: Record<string, string> = {
  ADMINISTER: 'Jira Administrators',
  USER_PICKER: 'Browse Users',
  SYSTEM_ADMIN: 'Jira System Administrators',
};

function integerParam(value: string | null, fallback: number): number {
  if (value === null || value.trim() === '') return fallback;
  const parsed = Number(value);
  return Number.isInteger(parsed) ? parsed : fallback;
}

/** `serverInfo` as each Jira answers it (anonymously). */
export function serverInfo(deployment: 'cloud' | 'datacenter', listing: DataCenterListing): Record<string, unknown> {
  if (deployment === 'cloud')
    return { version: '1001.0.0-SNAPSHOT', versionNumbers: [1001, 0, 0], deploymentType: 'Cloud', buildNumber: 100296 };
  const version = listing === 'user-list' ? [10, 3, 1] : [10, 0, 1];
  return { version: version.join('.'), versionNumbers: version, deploymentType: 'Server', buildNumber: 10030001 };
}

/**
 * The part of Jira Data Center's REST API v2 the service calls: PATs or Basic username:password,
 * v2 users (`key`, `name`), `user/list` by cursor or only a capped `user/search`, and the
 * application roles' user counts (Administer only).
 */
export class DataCenterRestApi {
  private counts: Record<string, number> = {};

  constructor(private readonly options: DataCenterRestOptions) {}

  callCounts(): Record<string, number> {
    return { ...this.counts };
  }

  resetCounts(): void {
    this.counts = {};
  }

  handle(request: IncomingMessage, url: URL): Reply {
    const route = url.pathname.replace(/^\/rest\/api\/2\//, '');
    this.counts[route] = (this.counts[route] ?? 0) + 1;
    const fault = this.options.fault?.(route);
    if (fault) return fault;
    const caller = this.options.credentials.authenticate(request.headers.authorization);
    if (!caller)
      return {
        status: 401,
        headers: { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' },
        body: { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'] },
      };
    if (request.method !== 'GET') return { status: 405, body: errorBody('Method not allowed.') };
    const { users } = this.options;
    const query = url.searchParams;
    switch (route) {
      case 'user/list':
        return this.options.listing === 'user-list' ? this.userList(query) : notFound();
      case 'user/search':
        return this.userSearch(query);
      case 'user': {
        const key = query.get('key');
        const username = query.get('username');
        if (!key && !username) return { status: 400, body: errorBody('Either the key or the username is required.') };
        const account = key ? users.byKey(key) : users.byUsername(username ?? '');
        return account
          ? { status: 200, body: users.restUser(account) }
          : { status: 404, body: { errorMessages: [`The user named '${key ?? username}' does not exist`] } };
      }
      case 'myself': {
        const account = users.byKey(users.keyOf(caller.accountId));
        return account ? { status: 200, body: users.restUser(account) } : { status: 401, body: errorBody('Gone.') };
      }
      case 'mypermissions': {
        const keys = (query.get('permissions') ?? '')
          .split(',')
          .map((key) => key.trim())
          .filter(Boolean);
        const permissions: Record<string, unknown> = {};
        for (const key of keys)
          permissions[key] = {
            id: key,
            key,
            name: PERMISSION_NAMES[key] ?? key,
            type: 'GLOBAL',
            havePermission: this.options.holds(caller, key),
          };
        return { status: 200, body: { permissions } };
      }
      case 'applicationrole':
        return this.options.holds(caller, 'ADMINISTER')
          ? { status: 200, body: applicationRoles(users) }
          : { status: 403, body: { errorMessages: ['You do not have the permission to see the application roles.'] } };
      default:
        return notFound();
    }
  }

  /** Everyone, `maxResults` at a time, from an opaque cursor (here a position) until `isLast`. */
  private userList(query: URLSearchParams): Reply {
    const { users } = this.options;
    const start = Math.max(0, integerParam(query.get('cursor'), 0));
    const maxResults = Math.min(USER_LIST_MAX, Math.max(1, integerParam(query.get('maxResults'), USER_LIST_MAX)));
    const all = users.all();
    const values = all.slice(start, start + maxResults).map((account) => users.restUser(account));
    const isLast = start + values.length >= all.length;
    return {
      status: 200,
      body: { maxResults, values, isLast, ...(isLast ? {} : { nextCursor: String(start + values.length) }) },
    };
  }

  /**
   * Users whose username, a display name's word or email starts with `username`, active only
   * unless `includeInactive=true`; at most the first `userSearchCap` of them, whatever
   * `startAt` and `maxResults` ask.
   */
  private userSearch(query: URLSearchParams): Reply {
    const { users, userSearchCap } = this.options;
    const text = (query.get('username') ?? '').toLowerCase();
    if (!text) return { status: 400, body: { errorMessages: ['The username query parameter was not provided'] } };
    const includeActive = query.get('includeActive') !== 'false';
    const includeInactive = query.get('includeInactive') === 'true';
    const startAt = Math.max(0, integerParam(query.get('startAt'), 0));
    const maxResults = Math.max(0, integerParam(query.get('maxResults'), 50));
    const matches = users
      .all()
      .filter((account) => (account.active ? includeActive : includeInactive))
      .filter((account) => {
        const words = (account.displayName ?? '').toLowerCase().split(/\s+/);
        return (
          users.usernameOf(account).startsWith(text) ||
          words.some((word) => word.startsWith(text)) ||
          (account.emailAddress ?? '').toLowerCase().startsWith(text)
        );
      })
      .sort((a, b) => users.usernameOf(a).localeCompare(users.usernameOf(b)));
    const capped = matches.slice(0, userSearchCap).slice(startAt, startAt + maxResults);
    return { status: 200, body: capped.map((account) => users.restUser(account)) };
  }
}

function notFound(): Reply {
  return { status: 404, body: { errorMessages: ['null for uri: the resource does not exist'] } };
}
