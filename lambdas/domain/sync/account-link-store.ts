import type { AccountSnapshot } from './account-snapshot.js';

/**
 * The one link a Jira account has to a contact. Claiming it with a conditional write is what keeps
 * "one contact per account" without transactions. An unlinked link is a tombstone: it remembers the
 * time the account stopped syncing so that a late, older event cannot bring it back.
 */
export interface AccountLink {
  accountId: string;
  status: 'linked' | 'unlinked';
  /** Set while linked. */
  contactId?: string;
  /** Whether the claim made a new contact or linked an existing one (for idempotent run counts). */
  origin?: 'created' | 'linked';
  eventTs: number;
  /** The sync run that linked or unlinked it, if any. */
  runId?: string;
  /** When the link was claimed (ISO); a contact created for it carries this as its creation time. */
  claimedAt?: string;
}

export type LinkContactResult =
  | 'linked' // an unsynced contact now carries the account
  | 'updated' // the account's contact took newer values
  | 'stale' // the contact already holds a newer event of this account
  | 'missing' // no contact has this id
  | 'taken'; // the contact belongs to another account

/** What a synced contact holds of its Jira account, to tell whether a reconcile must write at all. */
export interface SyncedContactValues {
  name: string;
  email: string | null;
  jiraAccountId: string | undefined;
  jiraAccountType: string | undefined;
}

export type UnlinkContactResult = 'unlinked' | 'stale' | 'not-linked';

/** The conditional writes the sync rules are built from. Each one is atomic on its own. */
export interface AccountLinkStore {
  getLink(accountId: string): Promise<AccountLink | undefined>;
  /** The links of many accounts at once (a page's worth), strongly consistent; absent accounts have none. */
  getLinks(accountIds: readonly string[]): Promise<Map<string, AccountLink>>;
  /** Writes `link` only if the account has no link, or its tombstone is older than `link.eventTs`. */
  claimLink(link: AccountLink & { contactId: string; status: 'linked' }): Promise<boolean>;
  /** Points a linked account at another contact, only if it still points at `fromContactId`. */
  retargetLink(accountId: string, fromContactId: string, toContactId: string): Promise<boolean>;
  /** Marks the account unlinked as of `eventTs`, only if that is newer than what the link holds. */
  markUnlinked(
    accountId: string,
    eventTs: number,
    runId: string | undefined,
    expectedContactId: string | undefined,
  ): Promise<boolean>;
  /**
   * Which of these emails (normalized) may belong to a contact no account is synced with: never
   * misses one, may name a few too many. Lets a page skip the per-account lookup for the rest.
   */
  linkableEmails(emails: readonly string[]): Promise<Set<string>>;
  /** The oldest contact with this email (any case) that no account is synced with. */
  findLinkableContactId(email: string): Promise<string | undefined>;
  /** Makes contact `contactId` carry the account's values, if it is free or holds an older event of it. */
  linkContact(contactId: string, snapshot: AccountSnapshot): Promise<LinkContactResult>;
  /**
   * Creates the contact `contactId` already linked; false if a contact with that id exists.
   * `createdAt` comes from the claim, so a create repeated after a crash writes the very same item.
   */
  createLinkedContact(contactId: string, snapshot: AccountSnapshot, createdAt: string): Promise<boolean>;
  /** The Jira-owned values of many contacts at once (a page's worth); absent contacts are left out. */
  syncedContacts(contactIds: readonly string[]): Promise<Map<string, SyncedContactValues>>;
  /** One page of the links in `shard` (linked ones and tombstones), for demotion to walk. */
  listLinks(shard: number, limit: number, cursor?: string): Promise<{ links: AccountLink[]; cursor: string | null }>;
  /** Turns the account's contact into a regular contact, unless it holds a newer event (or `force`). */
  unlinkContact(contactId: string, accountId: string, eventTs: number, force?: boolean): Promise<UnlinkContactResult>;
}
