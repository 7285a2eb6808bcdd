import type { JiraAccountType } from './contact.js';

/**
 * The id Jira gives a corrupted user record (its docs: `accountId: "unknown"`): it names no real
 * account, so nothing is ever synced from it or looked up for it.
 */
export const CORRUPTED_ACCOUNT_ID = 'unknown';

/** A Jira account as Jira's REST API describes it (`users/search`, `user`, webhook `user`). */
export interface JiraAccount {
  accountId: string;
  accountType: JiraAccountType | string;
  /** Jira may send it `null` or leave it out: adapters turn both into undefined. */
  displayName?: string | undefined;
  /** Undefined when the user's privacy settings hide it (Jira sends `null` or leaves it out). */
  emailAddress?: string | undefined;
  /** A record without `active` is taken as active (Jira leaves it out of some shapes). */
  active: boolean;
}

/** One page of `users/search`, as Jira returned it. */
export interface JiraUsersPage {
  /** Records Jira returned, readable or not: the next page starts this many further on. */
  returned: number;
  accounts: JiraAccount[];
  /** Records that could not be read as an account at all (no `accountId`): skipped and counted. */
  unreadable: number;
}

/** The directory of Jira accounts the sync reads, with the service's own credentials. */
export interface JiraDirectory {
  /**
   * One page of `users/search`. Jira may return fewer than asked anywhere in the list (page maxima
   * change without notice): only an empty page is the last.
   */
  searchUsers(startAt: number, maxResults: number): Promise<JiraUsersPage>;
  /** One account, or undefined when Jira no longer knows it. */
  getUser(accountId: string): Promise<JiraAccount | undefined>;
  /**
   * `false` when the directory has no list by position (Jira Data Center): `searchUsers` then finds
   * nothing, every user is read through a `UserListing`, and the run's size cannot be probed.
   */
  readonly listsByPosition?: boolean;
  /**
   * How many users a directory without positions holds, counted cheaply (one call, no listing):
   * the run's estimate of its users. Null when the directory cannot tell.
   */
  countUsers?(): Promise<number | null>;
}

/** Who is calling, checked with Jira using the caller's own credentials. */
export interface JiraCaller {
  accountId: string;
  displayName: string;
  /** `atlassian` for a Jira user; `customer`, `app` or `unknown` may not open the CRM. */
  accountType: JiraAccountType | string;
  /** A deactivated account's token may still work at Jira; such a caller may not open the CRM. */
  active: boolean;
}

/** The global permissions the CRM asks about, in one `mypermissions` request. */
export interface JiraCallerPermissions {
  /** "Administer Jira" (`ADMINISTER`): may read and change the sync settings. */
  administer: boolean;
  /** "Browse users and groups" (`USER_PICKER`): Jira's own rule for who may see other people's details. */
  browseUsers: boolean;
}

export interface JiraCallerCheck {
  /** Undefined when Jira does not accept the credentials. */
  whoIs(authorization: string): Promise<JiraCaller | undefined>;
  /** Both permissions in one request; none when Jira refuses the credentials. */
  permissions(authorization: string): Promise<JiraCallerPermissions>;
}
