import { randomUUID } from 'node:crypto';
import type { AccountLink, AccountLinkStore } from './account-link-store.js';
import type { AccountSnapshot } from './account-snapshot.js';

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
 * Primary course: the account claims its link (naming the oldest free contact with its email, or a
 * new one) -> that contact takes the account's name and email and the `Jira User` tag.
 * Safe to repeat and to run concurrently: the claim is a conditional write, so an account never
 * gets a second contact; the contact's own event time makes older events lose.
 *
 * `runId` names the sync run doing it, so that a retried page reports what the first attempt did.
 */
export async function syncAccount(
  store: AccountLinkStore,
  snapshot: AccountSnapshot,
  runId?: string,
  options: SyncAccountOptions = {},
): Promise<SyncOutcome> {
  const newContactId = options.newContactId ?? randomUUID;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    // The caller may have read the link already (a page reads them in batches); later rounds re-read.
    let link =
      round === 0 && options.knownLink !== undefined
        ? (options.knownLink ?? undefined)
        : await store.getLink(snapshot.accountId);
    if (link?.status === 'unlinked' && link.eventTs >= snapshot.eventTs) return 'stale';
    if (link?.status !== 'linked') {
      const existing = options.mayBeLinkable === false ? undefined : await store.findLinkableContactId(snapshot.email);
      const claim = {
        accountId: snapshot.accountId,
        status: 'linked' as const,
        contactId: existing ?? newContactId(),
        origin: existing ? ('linked' as const) : ('created' as const),
        eventTs: snapshot.eventTs,
        claimedAt: new Date().toISOString(),
        ...(runId ? { runId } : {}),
      };
      if (!(await store.claimLink(claim))) continue; // someone else claimed it first: follow their claim
      // A fresh claim of a new contact: create it straight away (the common case of an initial sync).
      if (claim.origin === 'created' && (await store.createLinkedContact(claim.contactId, snapshot, claim.claimedAt)))
        return 'created';
      link = claim;
    }
    const contactId = link.contactId;
    if (!contactId) continue;
    const result = await store.linkContact(contactId, snapshot);
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
        // The claim named a new contact (or one deleted since): create it, already linked.
        if (await store.createLinkedContact(contactId, snapshot, link.claimedAt ?? new Date().toISOString()))
          return 'created';
        continue;
      case 'taken':
        // The chosen contact was linked to another account in the meantime: give this one its own.
        await store.retargetLink(snapshot.accountId, contactId, newContactId());
        continue;
    }
  }
  throw new SyncContentionError(snapshot.accountId);
}

export interface SyncAccountOptions {
  /** The account's link as already read (null: known to have none); skips one read. */
  knownLink?: AccountLink | null;
  /** False when the caller knows no contact with this email could be linked (skips the lookup). */
  mayBeLinkable?: boolean;
  newContactId?: () => string;
}

/**
 * Makes a Jira account's contact a regular contact again (user deleted, deactivated, turned into an
 * app, or syncing turned off). Deletes nothing. Records the time so an older event cannot relink it.
 */
export async function unsyncAccount(
  store: AccountLinkStore,
  accountId: string,
  eventTs: number,
  runId?: string,
  /** Turning syncing off unlinks whatever the contact's event time (Jira's clock may run ahead of ours). */
  force = false,
  /** The link as the caller already read it (demotion lists them); later rounds re-read. */
  knownLink?: AccountLink,
): Promise<UnsyncOutcome> {
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const link = round === 0 && knownLink ? knownLink : await store.getLink(accountId);
    if (link && link.eventTs >= eventTs && link.status === 'unlinked') {
      return runId !== undefined && link.runId === runId ? 'unlinked' : 'stale';
    }
    if (link?.status === 'linked' && link.contactId) {
      const result = await store.unlinkContact(link.contactId, accountId, eventTs, force);
      if (result === 'stale') return 'stale';
      if (await store.markUnlinked(accountId, eventTs, runId, link.contactId)) {
        return result === 'unlinked' ? 'unlinked' : 'not-synced';
      }
      continue;
    }
    if (await store.markUnlinked(accountId, eventTs, runId, undefined)) return 'not-synced';
  }
  throw new SyncContentionError(accountId);
}
