import type { JiraAccount, JiraDirectory } from '../jira-account.js';
import { type PrefetchedAccounts, prefetchAccounts } from './account-prefetch.js';
import type { AccountMentionEvent } from './account-mention.js';
import { type MentionOutcome, MentionedAccounts, type RecentLookups } from './apply-account-mentions.js';
import { eligibility, nameCutMessage } from './account-eligibility.js';
import { type SyncOutcome, type SyncStores, type UnsyncOutcome, syncAccount, unsyncAccount } from './sync-account.js';
import type { UserEvent } from './user-event.js';
import { type UserSyncSettingsStore, acceptsUserEvents } from './user-sync-state.js';

export type UserEventOutcome =
  | SyncOutcome
  | UnsyncOutcome
  | 'skipped-hidden-email'
  | 'skipped-unusable'
  | 'ignored-sync-off';

export interface UserEventDependencies extends SyncStores {
  jira: JiraDirectory;
  settings: UserSyncSettingsStore;
  log?: (message: string, details: Record<string, unknown>) => void;
}

/** A batch of user events being applied: each event in turn, then `settle` once they are all done. */
export interface UserEventBatch {
  /** Applies one event of the batch (changes nothing while syncing is off). */
  apply(event: UserEvent): Promise<UserEventOutcome>;
  /** Gives the accounts an issue or comment event of the batch names a contact, if they have none. */
  applyMentions(event: AccountMentionEvent): Promise<Array<{ accountId: string; outcome: MentionOutcome }>>;
  /** Undoes the links the batch made if syncing was turned off while it ran. */
  settle(): Promise<void>;
}

/**
 * A batch of Jira user events reaches their contacts (live sync).
 * Primary course: syncing is on (read once per batch), and the events' links and emails are read in
 * batched requests -> each event is applied with `apply` -> `settle` reads syncing again, and if it
 * was turned off meanwhile, undoes the links just made, so that no synced contact outlives the switch
 * (the demotion may already have passed those accounts).
 * While syncing is off or being turned off, events change nothing.
 */
export async function beginUserEventBatch(
  deps: UserEventDependencies,
  events: readonly UserEvent[],
  options: { mentions?: readonly AccountMentionEvent[]; recentLookups?: RecentLookups } = {},
): Promise<UserEventBatch> {
  const accepting = acceptsUserEvents((await deps.settings.get()).state);
  // The accounts issue events name are read with the batch's others: one that has a contact costs no more.
  const mentioned = MentionedAccounts.accountIdsOf(options.mentions ?? []).map((accountId) => ({ accountId }));
  const prefetched = accepting
    ? await prefetchAccounts(deps, [
        ...events
          .filter((event) => event.webhookEvent !== 'user_deleted')
          .map((event) => ({ accountId: event.user.accountId, email: event.user.emailAddress })),
        ...mentioned,
      ])
    : undefined;
  const mentions = prefetched
    ? new MentionedAccounts({ ...deps, recentLookups: options.recentLookups }, prefetched)
    : undefined;
  const linkedAccounts: string[] = [];
  return {
    async applyMentions(event) {
      if (!mentions) return [];
      const outcomes = await mentions.apply(event);
      for (const { accountId, outcome } of outcomes)
        if (outcome === 'created' || outcome === 'linked' || outcome === 'updated') linkedAccounts.push(accountId);
      return outcomes;
    },
    async apply(event) {
      if (!accepting) return 'ignored-sync-off';
      const outcome = await applyUserEvent(deps, event, prefetched);
      if (outcome === 'created' || outcome === 'linked' || outcome === 'updated')
        linkedAccounts.push(event.user.accountId);
      return outcome;
    },
    async settle() {
      if (!linkedAccounts.length) return;
      const now = await deps.settings.get();
      if (acceptsUserEvents(now.state)) return;
      const runId = now.runId ?? undefined;
      for (const accountId of linkedAccounts) {
        await unsyncAccount(deps, { accountId, eventTs: Date.now(), runId, force: true });
      }
    },
  };
}

/**
 * One Jira user event, while syncing is on: the account is read from the event (or from Jira when
 * the event hides its email) -> its contact is created, linked or updated, ordered by the event's
 * own time; a deleted, deactivated or app account's contact becomes a regular contact.
 */
export async function applyUserEvent(
  deps: UserEventDependencies,
  event: UserEvent,
  prefetched?: PrefetchedAccounts,
): Promise<UserEventOutcome> {
  const { accountId } = event.user;
  const unsync = () => unsyncAccount(deps, { accountId, eventTs: event.timestamp });
  if (event.webhookEvent === 'user_deleted') return unsync();

  let account: JiraAccount | undefined = completeAccount(event.user);
  if (!account) {
    account = await deps.jira.getUser(accountId);
    // Jira no longer knows the account: it was deleted after this event was sent.
    if (!account) return unsync();
  }
  const verdict = eligibility(account, event.timestamp);
  switch (verdict.kind) {
    case 'sync':
      if (verdict.cutFrom !== undefined) deps.log?.(nameCutMessage(accountId, verdict.cutFrom), { accountId });
      return syncAccount(deps, verdict.snapshot, {
        ...prefetched?.optionsFor(verdict.snapshot),
        createdAt: new Date(event.timestamp).toISOString(),
      });
    case 'unsync':
      return unsync();
    case 'skip':
      return verdict.reason === 'hiddenEmail' ? 'skipped-hidden-email' : 'skipped-unusable';
  }
}

/**
 * The event's user, if it carries all the sync needs (a missing `active` means active); otherwise
 * Jira is asked.
 */
function completeAccount(user: UserEvent['user']): JiraAccount | undefined {
  if (!user.emailAddress || user.accountType === undefined) return undefined;
  return {
    accountId: user.accountId,
    accountType: user.accountType,
    displayName: user.displayName,
    emailAddress: user.emailAddress,
    active: user.active ?? true,
  };
}
