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
  /**
   * On a tombstone: the contact the account was last linked to, which it reclaims when it is synced
   * again (so that off/on cycles never give it another contact). Absent: it never had one.
   */
  formerContactId?: string;
}

/** A claim: the link as it is written when an account takes a contact. */
export type LinkClaim = AccountLink & { contactId: string; status: 'linked' };

/** A claim that creates the account's contact: the store names the contact and decides where it lives. */
export type NewContactClaim = Pick<AccountLink, 'accountId' | 'eventTs' | 'runId'> & {
  claimedAt: string;
  /** The account's link as the claim read it (undefined: none); the claim holds only over that. */
  asRead: AccountLink | undefined;
};

/** The accounts' links: the conditional writes that decide which contact an account has. Each is atomic. */
export interface AccountLinkStore {
  getLink(accountId: string): Promise<AccountLink | undefined>;
  /** The links of many accounts at once (a page's worth), strongly consistent; absent accounts have none. */
  getLinks(accountIds: readonly string[]): Promise<Map<string, AccountLink>>;
  /** Writes `claim` only if the account has no link, or its tombstone is older than `claim.eventTs`. */
  claimLink(claim: LinkClaim): Promise<boolean>;
  /**
   * Claims the account for a new contact made from `snapshot`, created with the claim (one write for an
   * account that never had a contact): only if the account has no link, or a tombstone older than
   * `claim.eventTs`. False when another claim or a newer event came first.
   */
  claimWithNewContact(claim: NewContactClaim, snapshot: AccountSnapshot): Promise<boolean>;
  /**
   * Points a linked account at another contact, only if it still points at `fromContactId`; `origin`
   * says whether that contact exists (`linked`) or is to be created (`created`).
   */
  retargetLink(
    accountId: string,
    change: { fromContactId: string; toContactId: string; origin: 'created' | 'linked' },
  ): Promise<boolean>;
  /**
   * Marks the account unlinked as of `eventTs`: only if that is newer than what the link holds, or,
   * with `expectedContactId`, only if the link still names that contact (then kept as the account's
   * former contact).
   */
  markUnlinked(
    accountId: string,
    mark: { eventTs: number; runId?: string | undefined; expectedContactId?: string | undefined },
  ): Promise<boolean>;
  /**
   * Makes the account's contact regular and marks the link unlinked at once, where the store can
   * (a contact the sync created): only if the link still names that contact and the contact still
   * carries the account with an older event (any event with `force`). False otherwise: then the
   * contact's and the link's own writes decide.
   */
  unlinkOwnContact(
    accountId: string,
    unlink: { contactId: string; eventTs: number; runId?: string | undefined; force?: boolean },
  ): Promise<boolean>;
  /** How many accounts are linked now (a disable's size, measured at its start): counted, not read. */
  countLinked(): Promise<number>;
  /** One page of the links in `shard` (linked ones and tombstones), for demotion to walk. */
  listLinks(shard: number, page: { limit: number; cursor?: string | undefined }): Promise<LinkPage>;
}

export interface LinkPage {
  links: AccountLink[];
  cursor: string | null;
}
