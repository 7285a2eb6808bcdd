import { normalizeEmail } from '../email.js';
import type { AccountLink } from './account-link-store.js';
import type { AccountSnapshot } from './account-snapshot.js';
import type { SyncAccountOptions, SyncStores } from './sync-account.js';

/** What a batch of accounts' syncs read up front, so each account costs its writes and little else. */
export interface PrefetchedAccounts {
  /**
   * Options for `syncAccount`: the link as read (first use only; a retry reads afresh) and whether
   * its email could be linked.
   */
  optionsFor(snapshot: AccountSnapshot): Pick<SyncAccountOptions, 'knownLink' | 'mayBeLinkable'>;
  /** The account's link as read up front (undefined: none). */
  linkOf(accountId: string): AccountLink | undefined;
}

/**
 * Reads the links of a batch of accounts (a page, or a batch of webhook deliveries) and which of
 * their emails could match an existing contact, in batched requests instead of per account.
 * What is read may be stale by the time it is used: every write that follows is conditional, so a
 * stale link costs a retry round; a hint written after the read is the same race as a contact
 * created just after a byEmail query would be.
 */
export async function prefetchAccounts(
  stores: SyncStores,
  accounts: ReadonlyArray<{ accountId: string; email?: string | undefined }>,
): Promise<PrefetchedAccounts> {
  const emails = accounts.flatMap((account) => (account.email ? [account.email] : []));
  const [known, linkable] = await Promise.all([
    stores.links.getLinks(accounts.map((account) => account.accountId)),
    stores.syncedContacts.linkableEmails(emails),
  ]);
  const asked = new Set(emails.map(normalizeEmail));
  const used = new Set<string>();
  return {
    linkOf: (accountId) => known.get(accountId),
    optionsFor(snapshot) {
      // An email not asked about (it was looked up in Jira afterwards) may be linkable: look it up.
      const email = normalizeEmail(snapshot.email);
      const mayBeLinkable = !asked.has(email) || linkable.has(email);
      if (used.has(snapshot.accountId)) return { mayBeLinkable };
      used.add(snapshot.accountId);
      const knownLink: AccountLink | null = known.get(snapshot.accountId) ?? null;
      return { knownLink, mayBeLinkable };
    },
  };
}
