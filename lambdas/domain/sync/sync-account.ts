import { randomUUID } from 'node:crypto';
import type { AccountLink, AccountLinkStore } from './account-link-store.js';
import type { AccountSnapshot } from './account-snapshot.js';
import type { SyncedContactStore } from './synced-contact-store.js';

/** The two stores the sync rules write: the accounts' links and the contacts they name. */
export interface SyncStores {
  links: AccountLinkStore;
  syncedContacts: SyncedContactStore;
}

export type SyncOutcome = 'created' | 'linked' | 'updated' | 'stale';
export type UnsyncOutcome = 'unlinked' | 'not-synced' | 'stale';

/** Concurrent writers settle in one or two rounds; more means something else is wrong. */
const MAX_ROUNDS = 8;

export class SyncContentionError extends Error {
  constructor(accountId: string) {
    super(`Account ${accountId} kept changing under us; giving up this attempt so it is retried.`);
    this.name = 'SyncContentionError';
  }
}

/**
 * Gives a Jira account its one contact, the shared rule of the initial sync and of webhooks.
 * Primary course: no contact has the account's email -> the account's new contact is created by the
 * same conditional write that claims the account (one write).
 * Alternate courses:
 * 1. The account had a contact (its tombstone names it) -> it claims its link naming that contact
 *    again, whatever other contacts now share its email (off/on cycles keep every contact and what
 *    CRM users wrote on it) -> the contact takes the account's name and email and the `Jira User` tag.
 *    If that contact is gone, another account holds it, or a CRM user gave it another email: as 2.
 * 2. The account never had a contact -> it claims its link naming the oldest free contact with its
 *    email -> as above; if another account took that contact meanwhile, the next free one, and only
 *    then a new contact (a deleted former contact is made again under its id).
 * Safe to repeat and to run concurrently: every course claims the account's one link item with a
 * conditional write, so an account never gets a second contact; the contact's own event time makes
 * older events lose.
 */
export async function syncAccount(
  stores: SyncStores,
  snapshot: AccountSnapshot,
  options: SyncAccountOptions = {},
): Promise<SyncOutcome> {
  const { links, syncedContacts } = stores;
  const { runId } = options;
  const newContactId = options.newContactId ?? randomUUID;
  // Contacts found to belong to another account: not tried again by this call.
  const taken = new Set<string>();
  // The former contact this call is reclaiming, if any.
  let reclaiming: string | undefined;
  const nextFreeContact = () =>
    options.mayBeLinkable === false
      ? Promise.resolve(undefined)
      : syncedContacts.findLinkableContactId(snapshot.email, { accountId: snapshot.accountId, excluding: taken });
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    // The caller may have read the link already (a page reads them in batches); later rounds re-read.
    let link =
      round === 0 && options.knownLink !== undefined
        ? (options.knownLink ?? undefined)
        : await links.getLink(snapshot.accountId);
    if (link?.status === 'unlinked' && link.eventTs >= snapshot.eventTs) return 'stale';
    if (link?.status !== 'linked') {
      // The read link already names the former contact: reclaiming it costs no lookup.
      const former = link?.formerContactId;
      const existing = former !== undefined ? (taken.has(former) ? undefined : former) : await nextFreeContact();
      if (former !== undefined && existing === former) reclaiming = former;
      const claimed = {
        accountId: snapshot.accountId,
        eventTs: snapshot.eventTs,
        claimedAt: options.createdAt ?? new Date().toISOString(),
        ...(runId ? { runId } : {}),
      };
      if (!existing) {
        // A new contact, created with the claim (the common case of an initial sync: one write).
        if (await links.claimWithNewContact({ ...claimed, asRead: link }, snapshot)) return 'created';
        continue; // someone else claimed it first, or a newer event did: followed next round
      }
      const claim = { ...claimed, status: 'linked' as const, contactId: existing, origin: 'linked' as const };
      if (!(await links.claimLink(claim))) continue; // someone else claimed it first: follow their claim
      link = claim;
    }
    const contactId = link.contactId;
    if (!contactId) continue;
    const result = await syncedContacts.linkContact(contactId, snapshot, { asFormer: contactId === reclaiming });
    // What this run did to the account, even if an earlier attempt of the same run did the work.
    const claimedInThisRun = runId !== undefined && link.runId === runId;
    switch (result) {
      case 'linked':
        return link.origin ?? 'linked';
      case 'updated':
        return claimedInThisRun ? (link.origin ?? 'linked') : 'updated';
      case 'stale':
        return claimedInThisRun ? (link.origin ?? 'linked') : 'stale';
      case 'missing':
        if (contactId === reclaiming) {
          // The former contact was deleted: a free contact with the email, if there is one.
          reclaiming = undefined;
          taken.add(contactId);
          const next = await nextFreeContact();
          if (next) {
            await links.retargetLink(snapshot.accountId, {
              fromContactId: contactId,
              toContactId: next,
              origin: 'linked',
            });
            continue;
          }
        }
        // The claim named a new contact (or one deleted since, with no other to take): create it,
        // already linked, under that id.
        if (await syncedContacts.createLinkedContact(contactId, snapshot, link.claimedAt ?? new Date().toISOString()))
          return 'created';
        continue;
      case 'taken': {
        // The chosen contact was linked to another account in the meantime (or, reclaimed, given
        // another email): the next free contact with the email, else a new contact of its own.
        taken.add(contactId);
        const next = await nextFreeContact();
        await links.retargetLink(snapshot.accountId, {
          fromContactId: contactId,
          toContactId: next ?? newContactId(),
          origin: next ? 'linked' : 'created',
        });
        continue;
      }
    }
  }
  throw new SyncContentionError(snapshot.accountId);
}

export interface SyncAccountOptions {
  /** The sync run doing it, so that a retried page reports what the first attempt did. */
  runId?: string | undefined;
  /**
   * When a contact this creates counts as created: the start of the sync run, or the time of the
   * Jira event, never the moment of the attempt. A create retried after a crash (the local store can
   * lose an item while keeping its index entries) then writes the very same item and index keys.
   * Default: now.
   */
  createdAt?: string | undefined;
  /** The account's link as already read (null: known to have none); skips one read. */
  knownLink?: AccountLink | null;
  /** False when the caller knows no contact with this email could be linked (skips the lookup). */
  mayBeLinkable?: boolean;
  newContactId?: () => string;
}

export interface UnsyncAccountOptions {
  accountId: string;
  /** When the account stopped syncing: an older event cannot relink it afterwards. */
  eventTs: number;
  /** The sync run doing it (turning syncing off, a reconcile), so that a retry reports the same outcome. */
  runId?: string | undefined;
  /** Unlink whatever the contact's event time (turning syncing off: Jira's clock may run ahead of ours). */
  force?: boolean;
  /** The link as the caller already read it (demotion lists them); later rounds re-read. */
  knownLink?: AccountLink | undefined;
}

/**
 * Makes a Jira account's contact a regular contact again (user deleted, deactivated, turned into an
 * app, or syncing turned off). Deletes nothing. Records the time so an older event cannot relink it.
 */
export async function unsyncAccount(stores: SyncStores, options: UnsyncAccountOptions): Promise<UnsyncOutcome> {
  const { links, syncedContacts } = stores;
  const { accountId, eventTs, runId, force = false, knownLink } = options;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const link = round === 0 && knownLink ? knownLink : await links.getLink(accountId);
    if (link && link.eventTs >= eventTs && link.status === 'unlinked') {
      return runId !== undefined && link.runId === runId ? 'unlinked' : 'stale';
    }
    if (link?.status === 'linked' && link.contactId) {
      // The common case, a contact the sync created: the contact and its link change in one write.
      if (await links.unlinkOwnContact(accountId, { contactId: link.contactId, eventTs, runId, force })) {
        return 'unlinked';
      }
      const result = await syncedContacts.unlinkContact(link.contactId, { accountId, eventTs, force });
      if (result === 'stale') return 'stale';
      if (await links.markUnlinked(accountId, { eventTs, runId, expectedContactId: link.contactId })) {
        return result === 'unlinked' ? 'unlinked' : 'not-synced';
      }
      continue;
    }
    if (await links.markUnlinked(accountId, { eventTs, runId })) return 'not-synced';
  }
  throw new SyncContentionError(accountId);
}
