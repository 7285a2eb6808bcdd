import { z } from 'zod';
import type { JsmListPage } from '../../domain/jsm-list-page.js';
import type { JsmOrganization, OrganizationDirectory } from '../../domain/sync/organization-directory.js';
import { type JsmClientOptions, JsmClientBase } from './jsm-paging.js';

/** What an organization list is asked for (JSM's own cap on these lists is 50); Jira may return fewer. */
export const ORGANIZATION_PAGE_LIMIT = 50;

const organizationSchema = z.object({ id: z.union([z.string().min(1), z.number()]), name: z.string().trim().min(1) });
const memberSchema = z.object({ accountId: z.string().min(1) });

/** The organization client's options (its pages ask for {@link ORGANIZATION_PAGE_LIMIT} unless told). */
export type JiraOrganizationsClientOptions = JsmClientOptions;

/** JSM's organizations (`/rest/servicedeskapi/organization`) and their members, as the service account. */
export class JiraOrganizationsClient extends JsmClientBase implements OrganizationDirectory {
  constructor(options: JiraOrganizationsClientOptions = {}) {
    super(options, ORGANIZATION_PAGE_LIMIT);
  }

  /** The same client, whose calls all end by `deadline` (epoch ms). */
  until(deadline: number): JiraOrganizationsClient {
    return new JiraOrganizationsClient({ ...this.options, limiter: this.limiter, deadline });
  }

  async organizationsPage(start: number): Promise<JsmListPage<JsmOrganization>> {
    return this.page('/rest/servicedeskapi/organization', 'organization', start, {
      read: (record) => {
        const parsed = organizationSchema.safeParse(record);
        return parsed.success ? { id: String(parsed.data.id), name: parsed.data.name } : undefined;
      },
    });
  }

  async membersPage(organizationId: string, start: number): Promise<JsmListPage<string>> {
    const path = `/rest/servicedeskapi/organization/${encodeURIComponent(organizationId)}/user`;
    return this.page(path, 'organization/{id}/user', start, {
      read: (record) => {
        const parsed = memberSchema.safeParse(record);
        return parsed.success ? parsed.data.accountId : undefined;
      },
    });
  }
}
