import type { z } from 'zod';
import type { JiraAccount, JiraCaller, JiraCallerCheck, JiraDirectory } from '../../domain/jira-account.js';
import { UpstreamError } from '../../domain/errors.js';
import { jiraBaseUrl, jiraServiceCredentials } from '../../shared/config.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.js';
import { basicAuthorization, jiraGet } from './jira-http.js';
import { jiraAccountSchema, jiraAccountsSchema } from './jira-schemas.js';

/** Jira Cloud's REST API v3, as the sync and the CRM's login use it. */
export class JiraRestClient implements JiraDirectory, JiraCallerCheck {
  constructor(
    private readonly baseUrl: () => string = jiraBaseUrl,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  async searchUsers(startAt: number, maxResults: number): Promise<JiraAccount[]> {
    const response = await this.serviceGet(`/rest/api/3/users/search?startAt=${startAt}&maxResults=${maxResults}`);
    await this.expectOk(response, 'users/search');
    return this.parse(response, jiraAccountsSchema, 'users/search');
  }

  async getUser(accountId: string): Promise<JiraAccount | undefined> {
    const response = await this.serviceGet(`/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`);
    if (response.status === 404) return undefined;
    await this.expectOk(response, 'user');
    return this.parse(response, jiraAccountSchema, 'user');
  }

  async whoIs(authorization: string): Promise<JiraCaller | undefined> {
    const response = await jiraGet(`${this.baseUrl()}/rest/api/3/myself`, authorization, this.policy);
    if (response.status === 401 || response.status === 403) return undefined;
    await this.expectOk(response, 'myself');
    const body = (await response.json()) as JiraCaller;
    return { accountId: body.accountId, displayName: body.displayName };
  }

  async isAdministrator(authorization: string): Promise<boolean> {
    const response = await jiraGet(`${this.baseUrl()}/rest/api/3/mypermissions?permissions=ADMINISTER`, authorization, this.policy);
    if (response.status === 401 || response.status === 403) return false;
    await this.expectOk(response, 'mypermissions');
    const body = (await response.json()) as { permissions?: { ADMINISTER?: { havePermission?: boolean } } };
    return body.permissions?.ADMINISTER?.havePermission === true;
  }

  private async serviceGet(path: string): Promise<Response> {
    const { email, apiToken } = await jiraServiceCredentials();
    return jiraGet(`${this.baseUrl()}${path}`, basicAuthorization(email, apiToken), this.policy);
  }

  /** Jira's answers are input too: a shape we do not understand is Jira's failure, not ours to guess. */
  private async parse<T>(response: Response, schema: z.ZodType<T>, what: string): Promise<T> {
    const result = schema.safeParse(await response.json().catch(() => undefined));
    if (!result.success) throw new UpstreamError(`Jira answered ${what} with an unexpected shape: ${result.error.issues[0]?.message ?? 'invalid'}`);
    return result.data;
  }

  private async expectOk(response: Response, what: string): Promise<void> {
    if (response.ok) return;
    const text = await response.text().catch(() => '');
    throw new UpstreamError(`Jira answered ${response.status} to ${what}: ${text.slice(0, 200)}`);
  }
}
