import type { JsmListPage } from '../jsm-list-page.js';

/** A JSM organization, as the sync uses it. */
export interface JsmOrganization {
  id: string;
  name: string;
}

/** JSM's organizations and their members (customers' account ids), read page by page. */
export interface OrganizationDirectory {
  organizationsPage(start: number): Promise<JsmListPage<JsmOrganization>>;
  /** Account ids of the organization's members. */
  membersPage(organizationId: string, start: number): Promise<JsmListPage<string>>;
}
