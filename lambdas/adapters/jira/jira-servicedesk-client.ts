import { z } from 'zod';
import type { JiraAccount } from '../../domain/jira-account.js';
import type { JsmListPage, ServiceDeskDirectory } from '../../domain/service-desk.js';
import { jiraBaseUrl, jiraServiceCredentials } from '../../shared/config.js';
import { type RetryPolicy, SYNC_RETRY_POLICY } from './retry-policy.js';
import { serviceAuthorization } from './jira-http.js';
import { BurstLimiter, JSM_PAGE_LIMIT, getJsmPage, readBy } from './jsm-paging.js';
import { dcUserSchema } from './datacenter/dc-schemas.js';
import { cloudAccountFields } from './jira-schemas.js';

const deskSchema = z.looseObject({ id: z.union([z.string().min(1), z.number()]).transform(String) });

/** A JSM customer record: no `accountType` (it is a customer), any field but the id may be missing. */
const cloudCustomerSchema = z
  .object(cloudAccountFields)
  .transform((customer): JiraAccount => ({ ...customer, accountType: 'customer' }));

/** On Data Center the same routes list v2 users (`key`, no `accountId`): the key is the id, as everywhere there. */
const customerSchema = z.union([
  cloudCustomerSchema,
  dcUserSchema.transform((user): JiraAccount => ({ ...user, accountType: 'customer' })),
]);

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
    const { values, ...page } = await this.page('/rest/servicedeskapi/servicedesk', 'servicedesk', start, {
      read: readBy(deskSchema),
      allowMissing: true,
    });
    return { ...page, items: values.map((desk) => desk.id) };
  }

  async customers(
    serviceDeskId: string,
    start: number,
    options?: { limit?: number },
  ): Promise<JsmListPage<JiraAccount>> {
    const path = `/rest/servicedeskapi/servicedesk/${encodeURIComponent(serviceDeskId)}/customer`;
    const { values, ...page } = await this.page(path, 'servicedesk/{id}/customer', start, {
      read: readBy(customerSchema),
      allowMissing: false,
      limit: options?.limit,
    });
    return { ...page, items: values };
  }

  private async page<T>(
    path: string,
    what: string,
    start: number,
    how: { read: (record: unknown) => T | undefined; allowMissing: boolean; limit?: number | undefined },
  ) {
    const credentials = await jiraServiceCredentials();
    return getJsmPage({
      baseUrl: (this.options.baseUrl ?? jiraBaseUrl)(),
      path,
      what,
      read: how.read,
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
