import type { JiraAccount } from '../jira-account.js';
import type { SyncStores } from './sync-account.js';
import { runStartedAt, syncPage } from './sync-users-segment.js';
import {
  type AccountSources,
  type SyncFailure,
  type SyncProgress,
  type UserSyncSettingsStore,
  emptyProgress,
} from './user-sync-state.js';

export interface ListedPartDependencies extends SyncStores {
  settings: UserSyncSettingsStore;
  log?: (message: string, details: Record<string, unknown>) => void;
}

/** One step's part of a run that reads a listing page by page (a desk's customers, Data Center's users). */
export interface ListedPart {
  /** Syncs the page's accounts that no earlier part of the run (nor this one) saw, and counts the page under the source. */
  syncListedPage(page: { accounts: JiraAccount[]; unreadable: number; readAt: number }): Promise<void>;
  /** Keeps the part's progress so far (between pages). */
  save(): Promise<void>;
  /** Keeps the part with the accounts it saw: the step's last write, read by later steps and a reconcile's sweep. */
  finish(): Promise<void>;
  /** Accounts (readable or not) this part counted under its source. */
  added(): number;
}

/**
 * Opens the part `part` of run `runId`: what earlier parts saw is read once, so an account listed twice
 * (split searches overlap, a customer of two desks, a user users/search listed) is synced and counted once.
 */
export async function openListedPart(
  deps: ListedPartDependencies,
  request: { runId: string; action: 'enable' | 'reconcile'; part: string; source: keyof AccountSources },
): Promise<ListedPart> {
  const { runId, part, source } = request;
  const seenBefore = await deps.settings.seenAccountsBefore(runId, part);
  const createdAt = await runStartedAt(deps.settings, runId);
  const progress = emptyProgress();
  const failures: SyncFailure[] = [];
  const seenHere = new Set<string>();
  let unreadable = 0;
  const save = (seen?: { unreadable: number }) =>
    deps.settings.saveProgressPart(runId, part, {
      progress: copy(progress),
      failures: [...failures],
      ...(seen ? { seenAccountIds: [...seenHere], unreadable: seen.unreadable } : {}),
    });
  return {
    async syncListedPage(page) {
      const fresh: JiraAccount[] = [];
      for (const account of page.accounts) {
        if (!seenBefore.has(account.accountId) && !seenHere.has(account.accountId)) fresh.push(account);
        seenHere.add(account.accountId);
      }
      progress.total += fresh.length + page.unreadable;
      progress.sources[source] += fresh.length + page.unreadable;
      progress.processed += page.unreadable;
      progress.skipped += page.unreadable;
      progress.skippedBy.other += page.unreadable;
      unreadable += page.unreadable;
      await syncPage(deps, {
        runId,
        action: request.action,
        accounts: fresh,
        readAt: page.readAt,
        createdAt,
        progress,
        failures,
        onProgress: () => save(),
      });
    },
    save: () => save(),
    finish: () => save({ unreadable }),
    added: () => progress.sources[source],
  };
}

function copy(progress: SyncProgress): SyncProgress {
  return { ...progress, skippedBy: { ...progress.skippedBy }, sources: { ...progress.sources } };
}
