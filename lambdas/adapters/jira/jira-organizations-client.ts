import { z } from 'zod';
import { UpstreamError } from '../../domain/errors.js';
import type { JsmListPage, JsmOrganization, OrganizationDirectory } from '../../domain/sync/organization-directory.js';
import { sleep } from '../../shared/jittered-backoff.js';
import { jiraBaseUrl, jiraServiceCredentials } from '../../shared/config.js';
import { type RetryPolicy, SYNC_RETRY_POLICY } from './retry-policy.js';
import { jiraGet, serviceAuthorization } from './jira-http.js';

/** What we ask for; JSM may return fewer (its own cap), and the next page starts after what it returned. */
export const JSM_PAGE_LIMIT = 50;
/** JSM's burst limit is 5 requests a second: stay under it. */
export const JSM_REQUESTS_PER_SECOND = 4;

const jsmPageSchema = z.object({
  values: z.array(z.unknown()),
  isLastPage: z.boolean().optional(),
});
const organizationSchema = z.object({ id: z.union([z.string().min(1), z.number()]), name: z.string().trim().min(1) });
const memberSchema = z.object({ accountId: z.string().min(1) });

/**
 * Spaces requests so that no second holds more than `perSecond` of them (one limiter per container,
 * shared by every JSM read of it).
 */
export class JsmRequestPacer {
  private readonly sent: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly perSecond: number = JSM_REQUESTS_PER_SECOND) {}

  /** Resolves when one more request may go. */
  next(): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const now = Date.now();
        while (this.sent.length && (this.sent[0] ?? 0) <= now - 1000) this.sent.shift();
        if (this.sent.length < this.perSecond) break;
        await sleep((this.sent[0] ?? now) + 1000 - now + 1);
      }
      this.sent.push(Date.now());
    });
    this.queue = turn;
    return turn;
  }
}

/**
 * Reads one page of a JSM list paged by `start`/`limit`/`isLastPage`, each record on its own: one we
 * cannot use is counted, never fails the page. An empty page is the last, whatever `isLastPage` says
 * (a list that never ends would never let the run finish); a page without `isLastPage` is not.
 */
export function readJsmPage<T>(body: unknown, what: string, read: (record: unknown) => T | undefined): JsmListPage<T> {
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
  // Without `isLastPage`, read on until an empty page: a page too many costs less than records missed.
  return { values, returned, unreadable, isLastPage: returned === 0 || page.data.isLastPage === true };
}

export interface JiraOrganizationsClientOptions {
  baseUrl?: () => string;
  policy?: RetryPolicy;
  /** Epoch ms by which every call must have ended. */
  deadline?: number;
  pacer?: JsmRequestPacer;
}

const sharedPacer = new JsmRequestPacer();

/** JSM's organizations (`/rest/servicedeskapi/organization`) and their members, as the service account. */
export class JiraOrganizationsClient implements OrganizationDirectory {
  private readonly pacer: JsmRequestPacer;

  constructor(private readonly options: JiraOrganizationsClientOptions = {}) {
    this.pacer = options.pacer ?? sharedPacer;
  }

  /** The same client, whose calls all end by `deadline` (epoch ms). */
  until(deadline: number): JiraOrganizationsClient {
    return new JiraOrganizationsClient({ ...this.options, pacer: this.pacer, deadline });
  }

  async organizationsPage(start: number): Promise<JsmListPage<JsmOrganization>> {
    const body = await this.get(
      `/rest/servicedeskapi/organization?start=${start}&limit=${JSM_PAGE_LIMIT}`,
      'organization',
    );
    return readJsmPage(body, 'organization', (record) => {
      const parsed = organizationSchema.safeParse(record);
      return parsed.success ? { id: String(parsed.data.id), name: parsed.data.name } : undefined;
    });
  }

  async membersPage(organizationId: string, start: number): Promise<JsmListPage<string>> {
    const path = `/rest/servicedeskapi/organization/${encodeURIComponent(organizationId)}/user`;
    const body = await this.get(`${path}?start=${start}&limit=${JSM_PAGE_LIMIT}`, 'organization/{id}/user');
    return readJsmPage(body, 'organization/{id}/user', (record) => {
      const parsed = memberSchema.safeParse(record);
      return parsed.success ? parsed.data.accountId : undefined;
    });
  }

  private async get(path: string, what: string): Promise<unknown> {
    const credentials = await jiraServiceCredentials();
    await this.pacer.next();
    const response = await jiraGet(
      `${(this.options.baseUrl ?? jiraBaseUrl)()}${path}`,
      serviceAuthorization(credentials),
      {
        policy: this.options.policy ?? SYNC_RETRY_POLICY,
        deadline: this.options.deadline,
      },
    );
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new UpstreamError(`Jira answered ${response.status} to ${what}: ${text.slice(0, 200)}`);
    }
    try {
      return await response.json();
    } catch {
      throw new UpstreamError(`Jira answered ${what} with something that is not JSON.`);
    }
  }
}
