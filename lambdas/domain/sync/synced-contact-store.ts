import type { AccountSnapshot } from './account-snapshot.js';

export type LinkContactResult =
  | 'linked' // an unsynced contact now carries the account
  | 'updated' // the account's contact took newer values
  | 'stale' // the contact already holds a newer event of this account
  | 'missing' // no contact has this id
  | 'taken'; // the contact belongs to another account (or, reclaimed, to someone else: see linkContact)

export type UnlinkContactResult = 'unlinked' | 'stale' | 'not-linked';

/** What a synced contact holds of its Jira account, to tell whether a reconcile must write at all. */
export interface SyncedContactValues {
  name: string;
  email: string | null;
  jiraAccountId: string | undefined;
  jiraAccountType: string | undefined;
}

/**
 * The contact writes the sync makes: finding a contact an account may take, creating one already
 * synced, and making a contact carry (or stop carrying) an account. Each write is conditional on
 * the contact's own event time, so older events lose.
 */
export interface SyncedContactStore {
  /**
   * Which of these emails (normalized) may belong to a contact no account is synced with: never
   * misses one, may name a few too many. Lets a page skip the per-account lookup for the rest.
   */
  linkableEmails(emails: readonly string[]): Promise<Set<string>>;
  /**
   * The oldest contact with this email (in any form: see email.ts) that no account is synced with,
   * leaving out `excluding`; one last linked to `accountId` comes first.
   */
  findLinkableContactId(
    email: string,
    options?: { accountId?: string; excluding?: ReadonlySet<string> },
  ): Promise<string | undefined>;
  /**
   * Makes contact `contactId` carry the account's values, if it is free or holds an older event of it.
   * `asFormer`: the account reclaims the contact it was last linked to, which a CRM user may have given
   * to someone else meanwhile (another email): then it is `taken`.
   */
  linkContact(
    contactId: string,
    snapshot: AccountSnapshot,
    options?: { asFormer?: boolean },
  ): Promise<LinkContactResult>;
  /**
   * Creates the contact `contactId` already linked; false if a contact with that id exists.
   * `createdAt` comes from the claim, so a create repeated after a crash writes the very same item.
   */
  createLinkedContact(contactId: string, snapshot: AccountSnapshot, createdAt: string): Promise<boolean>;
  /** The Jira-owned values of many contacts at once (a page's worth); absent contacts are left out. */
  syncedContacts(contactIds: readonly string[]): Promise<Map<string, SyncedContactValues>>;
  /** Turns the account's contact into a regular contact, unless it holds a newer event (or `force`). */
  unlinkContact(
    contactId: string,
    unlink: { accountId: string; eventTs: number; force?: boolean },
  ): Promise<UnlinkContactResult>;
}
