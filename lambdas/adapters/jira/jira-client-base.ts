import type { z } from 'zod';
import { UpstreamError } from '../../domain/errors.js';
import type { JiraCaller, JiraCallerCheck, JiraCallerPermissions } from '../../domain/jira-account.js';
import { jiraBaseUrl, jiraServiceCredentials } from '../../shared/config.js';
import { jiraGet, serviceAuthorization } from './jira-http.js';
import { LOGIN_RETRY_POLICY, type RetryPolicy, SYNC_RETRY_POLICY } from './retry-policy.js';

export interface JiraClientOptions {
  /** The site, e.g. `https://example.atlassian.net`, `https://api.atlassian.com/ex/jira/<cloudId>` or `https://jira.example.com/jira`. */
  baseUrl?: () => string;
  /** The sync's reads (patient). */
  syncPolicy?: RetryPolicy;
  /** Login checks (fail fast). */
  loginPolicy?: RetryPolicy;
  /** Epoch ms by which every call must have ended (the running Lambda's time less headroom). */
  deadline?: number;
}

/**
 * What Cloud's and Data Center's REST clients share: the site, the two retry policies, the deadline,
 * the two kinds of GET and the caller's checks, which differ only by the API's version and the
 * caller's record.
 */
export abstract class JiraClientBase implements JiraCallerCheck {
  /** The REST API's root: `/rest/api/3` (Cloud) or `/rest/api/2` (Data Center). */
  protected abstract readonly api: string;
  /** `myself` as this Jira describes the caller. */
  protected abstract readonly callerSchema: z.ZodType<JiraCaller>;

  protected readonly baseUrl: () => string;
  protected readonly syncPolicy: RetryPolicy;
  protected readonly loginPolicy: RetryPolicy;

  constructor(protected readonly options: JiraClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? jiraBaseUrl;
    this.syncPolicy = options.syncPolicy ?? SYNC_RETRY_POLICY;
    this.loginPolicy = options.loginPolicy ?? LOGIN_RETRY_POLICY;
  }

  async whoIs(authorization: string): Promise<JiraCaller | undefined> {
    const response = await this.loginGet(`${this.api}/myself`, authorization);
    if (response.status === 401 || response.status === 403) return undefined;
    await expectOk(response, 'myself');
    return parseAnswer(response, this.callerSchema, 'myself');
  }

  /** `ADMINISTER` and `USER_PICKER` ("Browse users and groups") in one request; a permission Jira leaves out is not granted. */
  async permissions(authorization: string): Promise<JiraCallerPermissions> {
    const response = await this.loginGet(`${this.api}/mypermissions?permissions=ADMINISTER,USER_PICKER`, authorization);
    if (response.status === 401 || response.status === 403) return { administer: false, browseUsers: false };
    await expectOk(response, 'mypermissions');
    const body = (await readJson(response, 'mypermissions')) as {
      permissions?: Record<string, { havePermission?: boolean } | undefined>;
    } | null;
    const granted = (key: string) => body?.permissions?.[key]?.havePermission === true;
    return { administer: granted('ADMINISTER'), browseUsers: granted('USER_PICKER') };
  }

  async isAdministrator(authorization: string): Promise<boolean> {
    return (await this.permissions(authorization)).administer;
  }

  /** A record read as the service account, or undefined when Jira answers 404 (e.g. a deleted user). */
  protected async getIfFound<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T | undefined> {
    const response = await this.serviceGet(`${this.api}${path}`);
    if (response.status === 404) return undefined;
    await expectOk(response, what);
    return parseAnswer(response, schema, what);
  }

  /** A GET as the service account, with the sync's policy. */
  protected async serviceGet(path: string): Promise<Response> {
    return jiraGet(`${this.baseUrl()}${path}`, serviceAuthorization(await jiraServiceCredentials()), {
      policy: this.syncPolicy,
      deadline: this.options.deadline,
    });
  }

  /** A GET as the caller (`authorization` as it sent it), with the login's policy. */
  protected loginGet(path: string, authorization: string): Promise<Response> {
    return jiraGet(`${this.baseUrl()}${path}`, authorization, {
      policy: this.loginPolicy,
      deadline: this.options.deadline,
    });
  }
}

/** The answer's JSON; an answer that is not JSON is Jira's failure. */
export async function readJson(response: Response, what: string): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new UpstreamError(`Jira answered ${what} with something that is not JSON.`);
  }
}

/** Jira's answers are input too: a shape we do not understand is Jira's failure, not ours to guess. */
export async function parseAnswer<T>(response: Response, schema: z.ZodType<T>, what: string): Promise<T> {
  const result = schema.safeParse(await readJson(response, what));
  if (!result.success)
    throw new UpstreamError(
      `Jira answered ${what} with an unexpected shape: ${result.error.issues[0]?.message ?? 'invalid'}`,
    );
  return result.data;
}

/** Fails with Jira's status and the start of its text unless the answer is a 2xx. */
export async function expectOk(response: Response, what: string): Promise<void> {
  if (response.ok) return;
  const text = await response.text().catch(() => '');
  throw new UpstreamError(`Jira answered ${response.status} to ${what}: ${text.slice(0, 200)}`);
}

/** Each record on its own: one Jira describes in a way we cannot use is counted, never fails the page. */
export function readEach<T>(records: readonly unknown[], schema: z.ZodType<T>): { items: T[]; unreadable: number } {
  const items: T[] = [];
  let unreadable = 0;
  for (const record of records) {
    const parsed = schema.safeParse(record);
    if (parsed.success) items.push(parsed.data);
    else unreadable += 1;
  }
  return { items, unreadable };
}
