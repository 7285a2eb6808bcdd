import type { z } from 'zod';
import { UpstreamError } from '../../domain/errors.js';
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

/** What Cloud's and Data Center's REST clients share: the site, the two retry policies, the deadline and the two kinds of GET. */
export abstract class JiraClientBase {
  protected readonly baseUrl: () => string;
  protected readonly syncPolicy: RetryPolicy;
  protected readonly loginPolicy: RetryPolicy;

  constructor(protected readonly options: JiraClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? jiraBaseUrl;
    this.syncPolicy = options.syncPolicy ?? SYNC_RETRY_POLICY;
    this.loginPolicy = options.loginPolicy ?? LOGIN_RETRY_POLICY;
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
