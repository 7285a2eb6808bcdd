import { UpstreamError } from '../../../domain/errors.js';
import type { JiraAccount, JiraCallerCheck, JiraDirectory, JiraUsersPage } from '../../../domain/jira-account.js';
import type { UserListing, UserListingPage } from '../../../domain/user-listing.js';
import {
  type JiraClientOptions,
  JiraClientBase,
  expectOk,
  parseAnswer,
  readEach,
  readJson,
} from '../jira-client-base.js';
import {
  dcApplicationRoleSchema,
  dcApplicationRolesSchema,
  dcCallerSchema,
  dcUserListSchema,
  dcUserSchema,
} from './dc-schemas.js';
import {
  USER_SEARCH_CAP,
  afterQuery,
  decodeSplitSearch,
  encodeSplitSearch,
  initialSplitSearch,
} from './split-user-search.js';

/** Users asked per `user/list` page (Jira's default is 2,000; a step reads about 1,000). */
export const USER_LIST_PAGE_SIZE = 1000;
const CURSOR_TOKEN = 'c:';

/** Data Center's client options: the site (a context path kept), the sync's and the login's policies, the deadline. */
export type JiraDataCenterClientOptions = JiraClientOptions;

/**
 * Jira Data Center's REST API v2, as the sync and the CRM's login use it. A user's id is its `key`.
 * Every user is listed by {@link listUsers} (a token-paged walk); Data Center has no list by
 * position, so {@link searchUsers} (the position-paged port Cloud's segments read) finds it empty,
 * and the run's listing step reads everyone instead.
 */
export class JiraDataCenterClient extends JiraClientBase implements JiraDirectory, JiraCallerCheck, UserListing {
  /** Data Center has no list by position: every user is read by {@link listUsers}. */
  readonly listsByPosition = false;
  protected readonly api = '/rest/api/2';
  protected readonly callerSchema = dcCallerSchema;

  /** The same client, whose calls all end by `deadline` (epoch ms). */
  until(deadline: number): JiraDataCenterClient {
    return new JiraDataCenterClient({ ...this.options, deadline });
  }

  /** No position-paged list exists on Data Center: the segments find it empty (see {@link listUsers}). */
  async searchUsers(_startAt: number, _maxResults: number): Promise<JiraUsersPage> {
    return { returned: 0, accounts: [], unreadable: 0 };
  }

  /**
   * One page of every user: `user/list` by its cursor (Jira 10.3 and later) until `isLast`; on an
   * older Jira (`user/list` is 404) one `user/search` query of a split search (see split-user-search.ts).
   */
  async listUsers(token: string | undefined): Promise<UserListingPage> {
    if (token === undefined) {
      const first = await this.userListPage(undefined);
      return first ?? this.searchStep(encodeSplitSearch(initialSplitSearch()));
    }
    if (token.startsWith(CURSOR_TOKEN)) {
      const page = await this.userListPage(token.slice(CURSOR_TOKEN.length));
      if (!page) throw new UpstreamError('Jira answered 404 to user/list in the middle of the listing.');
      return page;
    }
    return this.searchStep(token);
  }

  /**
   * The users the run will meet, at least: the largest `userCount` of `applicationrole` (Administer),
   * or null when no role has one. A user with two applications counts in both, so a sum would count
   * agents who also use Software twice; the largest never overcounts the licensed users. Inactive
   * users, users without an application and JSM's customers count in none: the desks' parts add
   * the customers, and the run's own total is a little larger than this.
   */
  async countUsers(): Promise<number | null> {
    const response = await this.serviceGet(`${this.api}/applicationrole`);
    await expectOk(response, 'applicationrole');
    const roles = await parseAnswer(response, dcApplicationRolesSchema, 'applicationrole');
    return largestUserCount(roles);
  }

  async getUser(key: string): Promise<JiraAccount | undefined> {
    return this.getIfFound(`/user?key=${encodeURIComponent(key)}`, dcUserSchema, 'user');
  }

  /** A `user/list` page, or undefined when this Jira has no `user/list` (older than 10.3). */
  private async userListPage(cursor: string | undefined): Promise<UserListingPage | undefined> {
    const query = cursor === undefined ? '' : `cursor=${encodeURIComponent(cursor)}&`;
    const response = await this.serviceGet(`${this.api}/user/list?${query}maxResults=${USER_LIST_PAGE_SIZE}`);
    if (response.status === 404 && cursor === undefined) {
      await response.body?.cancel();
      return undefined;
    }
    await expectOk(response, 'user/list');
    const body = await parseAnswer(response, dcUserListSchema, 'user/list');
    const read = readDcUsers(body.values);
    const ended = body.isLast === true || body.values.length === 0;
    if (!ended && (body.nextCursor === undefined || body.nextCursor === null))
      throw new UpstreamError('Jira answered user/list with neither isLast nor nextCursor.');
    return { ...read, nextToken: ended ? undefined : `${CURSOR_TOKEN}${body.nextCursor}` };
  }

  /** One query of a split search; a full answer makes its longer queries pending. */
  private async searchStep(token: string): Promise<UserListingPage> {
    const state = decodeSplitSearch(token);
    const query = state?.pending[0];
    if (!state || query === undefined) return { returned: 0, accounts: [], unreadable: 0, nextToken: undefined };
    const response = await this.serviceGet(
      `${this.api}/user/search?username=${encodeURIComponent(query)}&includeActive=true&includeInactive=true` +
        `&startAt=0&maxResults=${USER_SEARCH_CAP}`,
    );
    await expectOk(response, 'user/search');
    const body = await readJson(response, 'user/search');
    if (!Array.isArray(body))
      throw new UpstreamError('Jira answered user/search with something other than a list of users.');
    const next = afterQuery(state, query, body.length);
    return { ...readDcUsers(body), nextToken: next.pending.length ? encodeSplitSearch(next) : undefined };
  }
}

/** Each record on its own: one Jira describes in a way we cannot use is counted, never fails the page. */
export function readDcUsers(records: readonly unknown[]): Omit<UserListingPage, 'nextToken'> {
  const { items, unreadable } = readEach(records, dcUserSchema);
  return { returned: records.length, accounts: items, unreadable };
}

/** The largest `userCount` among the roles Jira described usably; null when none did. */
export function largestUserCount(roles: readonly unknown[]): number | null {
  const counts = readEach(roles, dcApplicationRoleSchema).items.map((role) => role.userCount);
  return counts.length ? Math.max(...counts) : null;
}
