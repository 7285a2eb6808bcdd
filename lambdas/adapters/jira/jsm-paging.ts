import { z } from 'zod';
import { UpstreamError } from '../../domain/errors.js';
import { sleep } from '../../shared/jittered-backoff.js';
import { jiraBaseUrl, jiraServiceCredentials } from '../../shared/config.js';
import { expectOk, readJson } from './jira-client-base.js';
import { jiraGet, serviceAuthorization } from './jira-http.js';
import { type RetryPolicy, SYNC_RETRY_POLICY } from './retry-policy.js';

/** JSM's documented burst limit on its REST API (customers, organizations): 5 requests a second, per site. */
export const JSM_REQUESTS_PER_SECOND = 5;
/** What a JSM list is asked for; Jira may answer fewer (its own cap), and the next page starts where it stopped. */
export const JSM_PAGE_LIMIT = 100;
/** JSM's experimental endpoints (the customer list among them) answer only with this header. */
export const JSM_EXPERIMENTAL_HEADERS = { 'X-ExperimentalApi': 'opt-in' } as const;

/**
 * At most `perSecond` request starts in any one-second window (a sliding window), so a burst limit
 * is never met in the first place; a 429 that comes anyway is waited out as Jira asks (jira-http.ts).
 * One per container, shared by every JSM client of it (lambdas/composition.ts): the limit is the site's.
 */
export class BurstLimiter {
  private readonly starts: number[] = [];

  constructor(
    private readonly options: { perSecond: number; windowMs?: number; now?: () => number } = {
      perSecond: JSM_REQUESTS_PER_SECOND,
    },
  ) {}

  /** Resolves when one more request may start now. */
  async take(): Promise<void> {
    // A quarter second over a second: requests leave evenly paced but may reach Jira bunched (a busy
    // host, a slow connection), and JSM counts them as they arrive.
    const windowMs = this.options.windowMs ?? 1_250;
    const now = this.options.now ?? Date.now;
    for (;;) {
      const current = now();
      while (this.starts.length && (this.starts[0] as number) <= current - windowMs) this.starts.shift();
      if (this.starts.length < this.options.perSecond) {
        this.starts.push(current);
        return;
      }
      await sleep((this.starts[0] as number) + windowMs - current);
    }
  }
}

/** The envelope of every JSM list: `{size, start, limit, isLastPage, values}`. */
const jsmPageSchema = z.looseObject({
  values: z.array(z.unknown()),
  isLastPage: z.boolean().nullish(),
});

/** One page of a JSM list, each record read on its own. */
export interface JsmPage<T> {
  values: T[];
  /** Records Jira returned, usable or not: the next page starts this far on. */
  returned: number;
  unreadable: number;
  isLastPage: boolean;
}

/**
 * Reads one page of a JSM list paged by `start`/`limit`/`isLastPage`, each record on its own: one we
 * cannot use (`read` answers undefined) is counted, never fails the page. An empty page is the last,
 * whatever `isLastPage` says (a list that never ends would never let the run finish); a page without
 * `isLastPage` is not (a page too many costs less than records missed).
 */
export function readJsmPage<T>(body: unknown, what: string, read: (record: unknown) => T | undefined): JsmPage<T> {
  const page = jsmPageSchema.safeParse(body);
  if (!page.success) throw new UpstreamError(`Jira answered ${what} with something other than a page of values.`);
  const values: T[] = [];
  let unreadable = 0;
  for (const record of page.data.values) {
    const value = read(record);
    if (value === undefined) unreadable += 1;
    else values.push(value);
  }
  const returned = page.data.values.length;
  return { values, returned, unreadable, isLastPage: returned === 0 || page.data.isLastPage === true };
}

/** `read` for {@link readJsmPage} by a schema: a record it refuses is unreadable. */
export const readBy =
  <T>(schema: z.ZodType<T>) =>
  (record: unknown): T | undefined => {
    const parsed = schema.safeParse(record);
    return parsed.success ? parsed.data : undefined;
  };

export interface JsmPageRequest<T> {
  /** The site, as `JIRA_BASE_URL` names it (a path kept). */
  baseUrl: string;
  /** `/rest/servicedeskapi/...`, without a query. */
  path: string;
  /** How errors name the list, e.g. `organization/{id}/user`. */
  what: string;
  start: number;
  limit: number;
  authorization: string;
  limiter: BurstLimiter;
  policy: RetryPolicy;
  deadline?: number | undefined;
  /** A 404 reads as an empty last page (the service desk list of a site without JSM). */
  missingIsEmpty?: boolean;
  read: (record: unknown) => T | undefined;
}

/**
 * GETs one page of any JSM list, every attempt (retries too) within the burst limit and with JSM's
 * experimental header, and reads it with {@link readJsmPage}.
 */
export async function getJsmPage<T>(request: JsmPageRequest<T>): Promise<JsmPage<T>> {
  const url = `${request.baseUrl}${request.path}?start=${request.start}&limit=${request.limit}`;
  const response = await jiraGet(url, request.authorization, {
    policy: request.policy,
    deadline: request.deadline,
    headers: JSM_EXPERIMENTAL_HEADERS,
    beforeAttempt: () => request.limiter.take(),
  });
  if (response.status === 404 && request.missingIsEmpty) {
    await response.body?.cancel();
    return { values: [], returned: 0, unreadable: 0, isLastPage: true };
  }
  await expectOk(response, request.what);
  return readJsmPage(await readJson(response, request.what), request.what, request.read);
}

export interface JsmClientOptions {
  /** The site, as `JIRA_BASE_URL` names it. */
  baseUrl?: () => string;
  policy?: RetryPolicy;
  /** Epoch ms by which every call must have ended (the running Lambda's time less headroom). */
  deadline?: number;
  /** JSM's burst limit is the site's: the composition root gives every JSM client one limiter. */
  limiter?: BurstLimiter;
  /** What each page asks for; by default the client's own. */
  pageLimit?: number;
}

/** What the JSM clients share: the site, the policy, the deadline, the limiter, and a page read as the service account. */
export abstract class JsmClientBase {
  protected readonly limiter: BurstLimiter;

  constructor(
    protected readonly options: JsmClientOptions,
    private readonly defaultPageLimit: number,
  ) {
    this.limiter = options.limiter ?? new BurstLimiter();
  }

  /** One page of the list at `path` (see {@link getJsmPage}). */
  protected async page<T>(
    path: string,
    what: string,
    start: number,
    how: { read: (record: unknown) => T | undefined; missingIsEmpty?: boolean; limit?: number | undefined },
  ): Promise<JsmPage<T>> {
    const credentials = await jiraServiceCredentials();
    return getJsmPage({
      baseUrl: (this.options.baseUrl ?? jiraBaseUrl)(),
      path,
      what,
      read: how.read,
      start,
      limit: how.limit ?? this.options.pageLimit ?? this.defaultPageLimit,
      authorization: serviceAuthorization(credentials),
      limiter: this.limiter,
      policy: this.options.policy ?? SYNC_RETRY_POLICY,
      deadline: this.options.deadline,
      missingIsEmpty: how.missingIsEmpty ?? false,
    });
  }
}
