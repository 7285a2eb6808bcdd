import type { z } from 'zod';
import type {
  JiraAccount,
  JiraCaller,
  JiraCallerCheck,
  JiraCallerPermissions,
  JiraDirectory,
  JiraUsersPage,
} from '../../domain/jira-account.js';
import { UpstreamError } from '../../domain/errors.js';
import { jiraBaseUrl, jiraServiceCredentials } from '../../shared/config.js';
import { LOGIN_RETRY_POLICY, type RetryPolicy, SYNC_RETRY_POLICY } from './retry-policy.js';
import { jiraGet, serviceAuthorization } from './jira-http.js';
import { jiraAccountSchema, jiraCallerSchema } from './jira-schemas.js';

/** `users/search` answers 409 when a request runs past Jira's 10 s: ask for less, down to this. */
const SMALLEST_PAGE = 10;
/** A page already this small that still gets 409 is asked again as it is, this many times at most. */
const SMALL_PAGE_409_RETRIES = 3;

export interface JiraRestClientOptions {
  /** The site, e.g. `https://example.atlassian.net` or `https://api.atlassian.com/ex/jira/<cloudId>`. */
  baseUrl?: () => string;
  /** The sync's reads (patient). */
  syncPolicy?: RetryPolicy;
  /** Login checks (fail fast). */
  loginPolicy?: RetryPolicy;
  /** Epoch ms by which every call must have ended (the running Lambda's time less headroom). */
  deadline?: number;
}

/** Jira Cloud's REST API v3, as the sync and the CRM's login use it. */
export class JiraRestClient implements JiraDirectory, JiraCallerCheck {
  private readonly baseUrl: () => string;
  private readonly syncPolicy: RetryPolicy;
  private readonly loginPolicy: RetryPolicy;

  constructor(private readonly options: JiraRestClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? jiraBaseUrl;
    this.syncPolicy = options.syncPolicy ?? SYNC_RETRY_POLICY;
    this.loginPolicy = options.loginPolicy ?? LOGIN_RETRY_POLICY;
  }

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
      const response = await this.serviceGet(`/rest/api/3/users/search?startAt=${startAt}&maxResults=${size}`);
      // A small page (a size probe asks for one record) is asked again as it is: it cannot get smaller.
      if (response.status === 409 && (size > SMALLEST_PAGE || smallRetries++ < SMALL_PAGE_409_RETRIES)) {
        await response.body?.cancel();
        continue;
      }
      await this.expectOk(response, 'users/search');
      const body = await this.json(response, 'users/search');
      if (!Array.isArray(body))
        throw new UpstreamError('Jira answered users/search with something other than a list of users.');
      return readUsers(body);
    }
  }

  async getUser(accountId: string): Promise<JiraAccount | undefined> {
    const response = await this.serviceGet(`/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`);
    if (response.status === 404) return undefined;
    await this.expectOk(response, 'user');
    return this.parse(response, jiraAccountSchema, 'user');
  }

  async whoIs(authorization: string): Promise<JiraCaller | undefined> {
    const response = await this.loginGet('/rest/api/3/myself', authorization);
    if (response.status === 401 || response.status === 403) return undefined;
    await this.expectOk(response, 'myself');
    return this.parse(response, jiraCallerSchema, 'myself');
  }

  /** `ADMINISTER` and `USER_PICKER` in one request; a permission Jira leaves out is not granted. */
  async permissions(authorization: string): Promise<JiraCallerPermissions> {
    const response = await this.loginGet('/rest/api/3/mypermissions?permissions=ADMINISTER,USER_PICKER', authorization);
    if (response.status === 401 || response.status === 403) return { administer: false, browseUsers: false };
    await this.expectOk(response, 'mypermissions');
    const body = (await this.json(response, 'mypermissions')) as {
      permissions?: Record<string, { havePermission?: boolean } | undefined>;
    } | null;
    const granted = (key: string) => body?.permissions?.[key]?.havePermission === true;
    return { administer: granted('ADMINISTER'), browseUsers: granted('USER_PICKER') };
  }

  async isAdministrator(authorization: string): Promise<boolean> {
    return (await this.permissions(authorization)).administer;
  }

  private async serviceGet(path: string): Promise<Response> {
    const credentials = await jiraServiceCredentials();
    return jiraGet(`${this.baseUrl()}${path}`, serviceAuthorization(credentials), {
      policy: this.syncPolicy,
      deadline: this.options.deadline,
    });
  }

  private loginGet(path: string, authorization: string): Promise<Response> {
    return jiraGet(`${this.baseUrl()}${path}`, authorization, {
      policy: this.loginPolicy,
      deadline: this.options.deadline,
    });
  }

  private async json(response: Response, what: string): Promise<unknown> {
    try {
      return await response.json();
    } catch {
      throw new UpstreamError(`Jira answered ${what} with something that is not JSON.`);
    }
  }

  /** Jira's answers are input too: a shape we do not understand is Jira's failure, not ours to guess. */
  private async parse<T>(response: Response, schema: z.ZodType<T>, what: string): Promise<T> {
    const result = schema.safeParse(await this.json(response, what));
    if (!result.success)
      throw new UpstreamError(
        `Jira answered ${what} with an unexpected shape: ${result.error.issues[0]?.message ?? 'invalid'}`,
      );
    return result.data;
  }

  private async expectOk(response: Response, what: string): Promise<void> {
    if (response.ok) return;
    const text = await response.text().catch(() => '');
    throw new UpstreamError(`Jira answered ${response.status} to ${what}: ${text.slice(0, 200)}`);
  }
}

/** Each record on its own: one Jira describes in a way we cannot use is counted, never fails the page. */
export function readUsers(records: readonly unknown[]): JiraUsersPage {
  const accounts: JiraAccount[] = [];
  let unreadable = 0;
  for (const record of records) {
    const parsed = jiraAccountSchema.safeParse(record);
    if (parsed.success) accounts.push(parsed.data);
    else unreadable += 1;
  }
  return { returned: records.length, accounts, unreadable };
}
