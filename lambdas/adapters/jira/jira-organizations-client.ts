import { z } from 'zod';
import type { JsmListPage, JsmOrganization, OrganizationDirectory } from '../../domain/sync/organization-directory.js';
import { jiraBaseUrl, jiraServiceCredentials } from '../../shared/config.js';
import { type RetryPolicy, SYNC_RETRY_POLICY } from './retry-policy.js';
import { serviceAuthorization } from './jira-http.js';
import { BurstLimiter, getJsmPage } from './jsm-paging.js';

/** What an organization list is asked for (JSM's own cap on these lists is 50); Jira may return fewer. */
export const ORGANIZATION_PAGE_LIMIT = 50;

const organizationSchema = z.object({ id: z.union([z.string().min(1), z.number()]), name: z.string().trim().min(1) });
const memberSchema = z.object({ accountId: z.string().min(1) });

export interface JiraOrganizationsClientOptions {
  baseUrl?: () => string;
  policy?: RetryPolicy;
  /** Epoch ms by which every call must have ended. */
  deadline?: number;
  /** JSM's burst limit is the site's: the composition root gives both JSM clients one limiter. */
  limiter?: BurstLimiter;
}

/** JSM's organizations (`/rest/servicedeskapi/organization`) and their members, as the service account. */
export class JiraOrganizationsClient implements OrganizationDirectory {
  private readonly limiter: BurstLimiter;

  constructor(private readonly options: JiraOrganizationsClientOptions = {}) {
    this.limiter = options.limiter ?? new BurstLimiter();
  }

  /** The same client, whose calls all end by `deadline` (epoch ms). */
  until(deadline: number): JiraOrganizationsClient {
    return new JiraOrganizationsClient({ ...this.options, limiter: this.limiter, deadline });
  }

  async organizationsPage(start: number): Promise<JsmListPage<JsmOrganization>> {
    return this.page('/rest/servicedeskapi/organization', 'organization', start, (record) => {
      const parsed = organizationSchema.safeParse(record);
      return parsed.success ? { id: String(parsed.data.id), name: parsed.data.name } : undefined;
    });
  }

  async membersPage(organizationId: string, start: number): Promise<JsmListPage<string>> {
    const path = `/rest/servicedeskapi/organization/${encodeURIComponent(organizationId)}/user`;
    return this.page(path, 'organization/{id}/user', start, (record) => {
      const parsed = memberSchema.safeParse(record);
      return parsed.success ? parsed.data.accountId : undefined;
    });
  }

  private async page<T>(
    path: string,
    what: string,
    start: number,
    read: (record: unknown) => T | undefined,
  ): Promise<JsmListPage<T>> {
    const credentials = await jiraServiceCredentials();
    return getJsmPage({
      baseUrl: (this.options.baseUrl ?? jiraBaseUrl)(),
      path,
      what,
      start,
      limit: ORGANIZATION_PAGE_LIMIT,
      authorization: serviceAuthorization(credentials),
      limiter: this.limiter,
      policy: this.options.policy ?? SYNC_RETRY_POLICY,
      deadline: this.options.deadline,
      read,
    });
  }
}
