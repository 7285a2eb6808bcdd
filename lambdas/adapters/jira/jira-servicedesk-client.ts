import { z } from 'zod';
import type { JiraAccount } from '../../domain/jira-account.js';
import type { JsmListPage } from '../../domain/jsm-list-page.js';
import type { ServiceDeskDirectory } from '../../domain/service-desk.js';
import { JSM_PAGE_LIMIT, type JsmClientOptions, JsmClientBase, readBy } from './jsm-paging.js';
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

/** The service desk client's options (its pages ask for {@link JSM_PAGE_LIMIT} unless told). */
export type JiraServiceDeskClientOptions = JsmClientOptions;

/** Jira Service Management's REST API (`/rest/servicedeskapi`), as the sync reads it. */
export class JiraServiceDeskClient extends JsmClientBase implements ServiceDeskDirectory {
  constructor(options: JiraServiceDeskClientOptions = {}) {
    super(options, JSM_PAGE_LIMIT);
  }

  /** The same client (and the same limiter), whose calls all end by `deadline` (epoch ms). */
  until(deadline: number): JiraServiceDeskClient {
    return new JiraServiceDeskClient({ ...this.options, limiter: this.limiter, deadline });
  }

  async serviceDesks(start: number): Promise<JsmListPage<string>> {
    const page = await this.page('/rest/servicedeskapi/servicedesk', 'servicedesk', start, {
      read: readBy(deskSchema),
      // A site without Jira Service Management has no service desks: nothing to read, not a failure.
      missingIsEmpty: true,
    });
    return { ...page, values: page.values.map((desk) => desk.id) };
  }

  async customers(
    serviceDeskId: string,
    start: number,
    options?: { limit?: number },
  ): Promise<JsmListPage<JiraAccount>> {
    const path = `/rest/servicedeskapi/servicedesk/${encodeURIComponent(serviceDeskId)}/customer`;
    return this.page(path, 'servicedesk/{id}/customer', start, {
      read: readBy(customerSchema),
      limit: options?.limit,
    });
  }
}
