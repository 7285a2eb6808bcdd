import type { JiraAccount } from './jira-account.js';

/**
 * One page of a JSM list (`servicedesk`, `servicedesk/{id}/customer`), as Jira returned it. JSM pages
 * by `start`/`limit` and says `isLastPage`; it may return fewer than asked, so the next page starts
 * `returned` further on, never `limit`.
 */
export interface JsmListPage<T> {
  /** Records Jira returned, readable or not. */
  returned: number;
  items: T[];
  /** Records that could not be read at all (no id): skipped and counted. */
  unreadable: number;
  isLastPage: boolean;
}

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
    for (const id of page.items) if (!ids.includes(id)) ids.push(id);
    start += page.returned;
    if (page.isLastPage || page.returned === 0) return ids;
  }
}
