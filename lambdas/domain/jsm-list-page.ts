/**
 * One page of a JSM list (service desks, a desk's customers, organizations, an organization's
 * members), as Jira returned it. JSM pages by `start`/`limit` and says `isLastPage`; it may return
 * fewer than asked, so the next page starts `returned` further on, never `limit`.
 */
export interface JsmListPage<T> {
  /** The records we could use. */
  values: T[];
  /** Records Jira returned, readable or not. */
  returned: number;
  /** Records that could not be read at all (no id, no name): skipped and counted. */
  unreadable: number;
  isLastPage: boolean;
}
