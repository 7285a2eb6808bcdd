import type { JiraAccount, JiraDirectory } from '../jira-account.js';
import type { AccountLinkStore } from './account-link-store.js';
import { type PrefetchedAccounts, prefetchAccounts } from './account-prefetch.js';
import { eligibility } from './account-snapshot.js';
import { type SyncOutcome, type UnsyncOutcome, syncAccount, unsyncAccount } from './sync-account.js';
import type { UserEvent } from './user-event.js';
import { type UserSyncSettingsStore, acceptsUserEvents } from './user-sync-state.js';

export type UserEventOutcome =
  | SyncOutcome
  | UnsyncOutcome
  | 'skipped-hidden-email'
  | 'skipped-unusable'
  | 'ignored-sync-off';

export interface UserEventDependencies {
  jira: JiraDirectory;
  links: AccountLinkStore;
  settings: UserSyncSettingsStore;
}

/**
 * A batch of Jira user events reaches their contacts (live sync).
 * Primary course: syncing is on (read once per batch) -> each event is applied by `apply` ->
 * syncing is read again, and if it was turned off meanwhile, the links just made are undone so that
 * no synced contact outlives the switch (the demotion may already have passed those accounts).
 * While syncing is off or being turned off, events change nothing.
 */
export async function applyUserEventBatch<T>(
  deps: UserEventDependencies,
  /** The batch's events, read up front so their links and emails are fetched in batched requests. */
  events: readonly UserEvent[],
  apply: (applyEvent: (event: UserEvent) => Promise<UserEventOutcome>) => Promise<T>,
): Promise<T> {
  const accepting = acceptsUserEvents((await deps.settings.get()).state);
  const prefetched = accepting
    ? await prefetchAccounts(
        deps.links,
        events
          .filter((event) => event.webhookEvent !== 'user_deleted')
          .map((event) => ({ accountId: event.user.accountId, email: event.user.emailAddress })),
      )
    : undefined;
  const linkedAccounts: string[] = [];
  const result = await apply(async (event) => {
    if (!accepting) return 'ignored-sync-off';
    const outcome = await applyUserEvent(deps, event, prefetched);
    if (outcome === 'created' || outcome === 'linked' || outcome === 'updated')
      linkedAccounts.push(event.user.accountId);
    return outcome;
  });
  if (linkedAccounts.length) {
    const now = await deps.settings.get();
    if (!acceptsUserEvents(now.state)) {
      for (const accountId of linkedAccounts)
        await unsyncAccount(deps.links, accountId, Date.now(), now.runId ?? undefined, true);
    }
  }
  return result;
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
  if (event.webhookEvent === 'user_deleted') return unsyncAccount(deps.links, accountId, event.timestamp);

  let account: JiraAccount | undefined = completeAccount(event.user);
  if (!account) {
    account = await deps.jira.getUser(accountId);
    // Jira no longer knows the account: it was deleted after this event was sent.
    if (!account) return unsyncAccount(deps.links, accountId, event.timestamp);
  }
  const verdict = eligibility(account, event.timestamp);
  switch (verdict.kind) {
    case 'sync':
      return syncAccount(deps.links, verdict.snapshot, undefined, prefetched?.optionsFor(verdict.snapshot));
    case 'unsync':
      return unsyncAccount(deps.links, accountId, event.timestamp);
    case 'skip':
      return verdict.reason === 'hiddenEmail' ? 'skipped-hidden-email' : 'skipped-unusable';
  }
}

/** The event's user, if it carries all the sync needs (a missing `active` means active); otherwise Jira is asked. */
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
