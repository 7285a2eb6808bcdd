import type { JiraAccount, JiraCallerCheck, JiraDirectory, JiraUsersPage } from '../../domain/jira-account.js';
import { UpstreamError } from '../../domain/errors.js';
import { type JiraClientOptions, JiraClientBase, expectOk, readEach, readJson } from './jira-client-base.js';
import { jiraAccountSchema, jiraCallerSchema } from './jira-schemas.js';

/** `users/search` answers 409 when a request runs past Jira's 10 s: ask for less, down to this. */
const SMALLEST_PAGE = 10;
/** A page already this small that still gets 409 is asked again as it is, this many times at most. */
const SMALL_PAGE_409_RETRIES = 3;

/** Cloud's client options: the site, the sync's and the login's policies, the deadline. */
export type JiraRestClientOptions = JiraClientOptions;

/** Jira Cloud's REST API v3, as the sync and the CRM's login use it. */
export class JiraRestClient extends JiraClientBase implements JiraDirectory, JiraCallerCheck {
  protected readonly api = '/rest/api/3';
  protected readonly callerSchema = jiraCallerSchema;

  /** The same client, whose calls all end by `deadline` (epoch ms): a Lambda never cuts one off mid-wait. */
  until(deadline: number): JiraRestClient {
    return new JiraRestClient({ ...this.options, deadline });
  }

  /**
   * One page of users. Jira may return fewer than asked anywhere in the list, and answers 409 to a
   * request that runs too long: then the same page is asked again, smaller.
   */
  async searchUsers(startAt: number, maxResults: number): Promise<JiraUsersPage> {
    let smallRetries = 0;
    for (let size = maxResults; ; size = Math.min(size, Math.max(SMALLEST_PAGE, Math.floor(size / 2)))) {
      const response = await this.serviceGet(`${this.api}/users/search?startAt=${startAt}&maxResults=${size}`);
      // A small page (a size probe asks for one record) is asked again as it is: it cannot get smaller.
      if (response.status === 409 && (size > SMALLEST_PAGE || smallRetries++ < SMALL_PAGE_409_RETRIES)) {
        await response.body?.cancel();
        continue;
      }
      await expectOk(response, 'users/search');
      const body = await readJson(response, 'users/search');
      if (!Array.isArray(body))
        throw new UpstreamError('Jira answered users/search with something other than a list of users.');
      return readUsers(body);
    }
  }

  async getUser(accountId: string): Promise<JiraAccount | undefined> {
    return this.getIfFound(`/user?accountId=${encodeURIComponent(accountId)}`, jiraAccountSchema, 'user');
  }
}

/** Each record on its own: one Jira describes in a way we cannot use is counted, never fails the page. */
export function readUsers(records: readonly unknown[]): JiraUsersPage {
  const { items, unreadable } = readEach(records, jiraAccountSchema);
  return { returned: records.length, accounts: items, unreadable };
}
