import { z } from 'zod';
import { UpstreamError } from '../../domain/errors.js';
import type { JiraAccount } from '../../domain/jira-account.js';
import type { JsmListPage, ServiceDeskDirectory } from '../../domain/service-desk.js';
import { sleep } from '../../shared/jittered-backoff.js';
import { jiraBaseUrl, jiraServiceCredentials } from '../../shared/config.js';
import { type RetryPolicy, SYNC_RETRY_POLICY } from './retry-policy.js';
import { jiraGet, serviceAuthorization } from './jira-http.js';
import { dcUserSchema } from './datacenter/dc-schemas.js';

/** JSM's documented burst limit on its customer endpoints: 5 requests a second. */
export const JSM_REQUESTS_PER_SECOND = 5;
/** What a JSM list is asked for; Jira may answer fewer (then the next page starts where it stopped). */
export const JSM_PAGE_LIMIT = 100;
/** JSM's experimental endpoints (the customer list among them) answer only with this header. */
export const JSM_EXPERIMENTAL_HEADERS = { 'X-ExperimentalApi': 'opt-in' } as const;

/**
 * At most `perSecond` request starts in any one-second window (a sliding window), so a burst limit
 * is never met in the first place; a 429 that comes anyway is waited out as Jira asks (jira-http.ts).
 * One per container: the workflow reads JSM from one task at a time, so this is the site's rate too.
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
    const windowMs = this.options.windowMs ?? 1_050; // a little over a second: clocks and latency differ
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

export interface JsmPageRequest {
  /** The site, as `JIRA_BASE_URL` names it (a path kept). */
  baseUrl: string;
  /** `/rest/servicedeskapi/...`, without a query. */
  path: string;
  start: number;
  limit: number;
  authorization: string;
  limiter: BurstLimiter;
  policy: RetryPolicy;
  deadline?: number | undefined;
  /** A 404 reads as an empty last page (the service desk list of a site without JSM). */
  missingIsEmpty?: boolean;
}

/**
 * Reads one page of any JSM list (`start`/`limit` until `isLastPage`), within the burst limit and
 * with JSM's experimental header. A page whose `isLastPage` is missing ends the list only when it
 * is empty (the least convenient reading). Answers the raw records: each reader validates its own.
 */
export async function readJsmPage(request: JsmPageRequest): Promise<{ values: unknown[]; isLastPage: boolean }> {
  const url = `${request.baseUrl}${request.path}?start=${request.start}&limit=${request.limit}`;
  const response = await jiraGet(url, request.authorization, {
    policy: request.policy,
    deadline: request.deadline,
    headers: JSM_EXPERIMENTAL_HEADERS,
    beforeAttempt: () => request.limiter.take(),
  });
  const what = request.path.replace('/rest/servicedeskapi/', '');
  if (response.status === 404 && request.missingIsEmpty) {
    await response.body?.cancel();
    return { values: [], isLastPage: true };
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    throw new UpstreamError(`Jira answered ${response.status} to ${what}: ${text.slice(0, 200)}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new UpstreamError(`Jira answered ${what} with something that is not JSON.`);
  }
  const page = jsmPageSchema.safeParse(body);
  if (!page.success) throw new UpstreamError(`Jira answered ${what} with something other than a JSM page.`);
  return { values: page.data.values, isLastPage: page.data.isLastPage ?? page.data.values.length === 0 };
}

const deskSchema = z.looseObject({ id: z.union([z.string().min(1), z.number()]).transform(String) });

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

/** A JSM customer record: no `accountType` (it is a customer), any field but the id may be missing. */
const cloudCustomerSchema = z
  .looseObject({
    accountId: z.string().min(1),
    displayName: optionalText,
    emailAddress: optionalText,
    active: z
      .boolean()
      .nullish()
      .transform((value) => value ?? true),
  })
  .transform(
    (customer): JiraAccount => ({
      accountId: customer.accountId,
      accountType: 'customer',
      displayName: customer.displayName,
      emailAddress: customer.emailAddress,
      active: customer.active,
    }),
  );

/** On Data Center the same routes list v2 users (`key`, no `accountId`): the key is the id, as everywhere there. */
const customerSchema = z.union([
  cloudCustomerSchema,
  dcUserSchema.transform((user): JiraAccount => ({ ...user, accountType: 'customer' })),
]);

function readEach<T>(values: readonly unknown[], schema: z.ZodType<T>): { items: T[]; unreadable: number } {
  const items: T[] = [];
  let unreadable = 0;
  for (const value of values) {
    const parsed = schema.safeParse(value);
    if (parsed.success) items.push(parsed.data);
    else unreadable += 1;
  }
  return { items, unreadable };
}

export interface JiraServiceDeskClientOptions {
  baseUrl?: () => string;
  policy?: RetryPolicy;
  /** Epoch ms by which every call must have ended (the running Lambda's time less headroom). */
  deadline?: number;
  limiter?: BurstLimiter;
  /** What each page asks for. Default {@link JSM_PAGE_LIMIT}. */
  pageLimit?: number;
}

/** Jira Service Management's REST API (`/rest/servicedeskapi`), as the sync reads it. */
export class JiraServiceDeskClient implements ServiceDeskDirectory {
  private readonly limiter: BurstLimiter;

  constructor(private readonly options: JiraServiceDeskClientOptions = {}) {
    this.limiter = options.limiter ?? new BurstLimiter();
  }

  /** The same client (and the same limiter), whose calls all end by `deadline` (epoch ms). */
  until(deadline: number): JiraServiceDeskClient {
    return new JiraServiceDeskClient({ ...this.options, limiter: this.limiter, deadline });
  }

  async serviceDesks(start: number): Promise<JsmListPage<string>> {
    const page = await this.page('/rest/servicedeskapi/servicedesk', start, { allowMissing: true });
    const { items, unreadable } = readEach(page.values, deskSchema);
    return {
      returned: page.values.length,
      items: items.map((desk) => desk.id),
      unreadable,
      isLastPage: page.isLastPage,
    };
  }

  async customers(
    serviceDeskId: string,
    start: number,
    options?: { limit?: number },
  ): Promise<JsmListPage<JiraAccount>> {
    const path = `/rest/servicedeskapi/servicedesk/${encodeURIComponent(serviceDeskId)}/customer`;
    const page = await this.page(path, start, { allowMissing: false, limit: options?.limit });
    const { items, unreadable } = readEach(page.values, customerSchema);
    return { returned: page.values.length, items, unreadable, isLastPage: page.isLastPage };
  }

  private async page(path: string, start: number, how: { allowMissing: boolean; limit?: number | undefined }) {
    const credentials = await jiraServiceCredentials();
    return readJsmPage({
      baseUrl: (this.options.baseUrl ?? jiraBaseUrl)(),
      path,
      start,
      limit: how.limit ?? this.options.pageLimit ?? JSM_PAGE_LIMIT,
      authorization: serviceAuthorization(credentials),
      limiter: this.limiter,
      policy: this.options.policy ?? SYNC_RETRY_POLICY,
      deadline: this.options.deadline,
      // A site without Jira Service Management has no service desks: nothing to read, not a failure.
      missingIsEmpty: how.allowMissing,
    });
  }
}
