import type { JiraAccount } from './jira-account.js';

/** One page of a directory listed by an opaque token (Jira Data Center's `user/list` cursor, or its split searches). */
export interface UserListingPage {
  /** Records Jira returned, readable or not: the step's bounded work is counted in these. */
  returned: number;
  accounts: JiraAccount[];
  /** Records that could not be read as a user at all (no `key`): skipped and counted. */
  unreadable: number;
  /** What to ask for next; undefined once the listing has ended. */
  nextToken: string | undefined;
  /** The same account may come in several pages (split searches overlap): the reader merges by id. */
}

/**
 * A directory that can only be walked from its start, page by page, with a token the workflow
 * keeps between steps (Data Center: no position maps onto `user/list`'s cursor).
 */
export interface UserListing {
  /** One bounded page; `token` undefined asks for the first. */
  listUsers(token: string | undefined): Promise<UserListingPage>;
}
