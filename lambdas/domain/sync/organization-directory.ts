/** A JSM organization, as the sync uses it. */
export interface JsmOrganization {
  id: string;
  name: string;
}

/**
 * One page of a JSM list (`start`/`limit`/`isLastPage`): the records we could use, how many we could
 * not (no id, no name), and how many Jira returned in all (the next page starts that much further).
 */
export interface JsmListPage<T> {
  values: T[];
  returned: number;
  unreadable: number;
  isLastPage: boolean;
}

/** JSM's organizations and their members (customers' account ids), read page by page. */
export interface OrganizationDirectory {
  organizationsPage(start: number): Promise<JsmListPage<JsmOrganization>>;
  /** Account ids of the organization's members. */
  membersPage(organizationId: string, start: number): Promise<JsmListPage<string>>;
}
