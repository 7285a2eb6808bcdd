import type { JiraAccount } from './jira-account.js';
import type { JsmListPage } from './jsm-list-page.js';

/**
 * Jira Service Management's own lists, read with the service's credentials. Customers come from
 * every service desk because `users/search` may not list portal-only customers.
 */
export interface ServiceDeskDirectory {
  /** One page of the site's service desks (their ids); an empty last page when JSM is not installed. */
  serviceDesks(start: number): Promise<JsmListPage<string>>;
  /**
   * One page of a desk's customers, each typed `customer` (JSM's records carry no `accountType`).
   * `limit` asks for fewer than the usual page (1 to probe the list's length).
   */
  customers(serviceDeskId: string, start: number, options?: { limit?: number }): Promise<JsmListPage<JiraAccount>>;
}

/** Every service desk of the site, page by page (a page shorter than asked is not the last). */
export async function listServiceDesks(directory: Pick<ServiceDeskDirectory, 'serviceDesks'>): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; ; ) {
    const page = await directory.serviceDesks(start);
    for (const id of page.values) if (!ids.includes(id)) ids.push(id);
    start += page.returned;
    if (page.isLastPage || page.returned === 0) return ids;
  }
}
