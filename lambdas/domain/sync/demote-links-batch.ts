import type { AccountLinkStore } from './account-link-store.js';
import { forEachConcurrently, withRetries } from './run-pool.js';
import { unsyncAccount } from './sync-account.js';
import { EMPTY_PROGRESS, type SyncProgress, type UserSyncSettingsStore } from './user-sync-state.js';

/** Items read per call: bounded work that fits a Lambda invocation whatever the size of the table. */
export const DEMOTION_BATCH_SIZE = 1000;
const LINK_CONCURRENCY = 32;

export interface DemotionDependencies {
  links: AccountLinkStore;
  settings: UserSyncSettingsStore;
  log?: (message: string, details: Record<string, unknown>) => void;
}

/**
 * Turning syncing off, for one batch of one shard of account links.
 * Primary course: read the next links -> each synced contact becomes a regular contact (nothing is
 * deleted) -> the batch's counts are stored under the run -> the next cursor is returned.
 * `total` and `processed` count synced contacts found and made regular; a retried batch counts
 * again the ones its first attempt already unlinked (they carry this run's id).
 */
export async function demoteLinksBatch(
  deps: DemotionDependencies,
  runId: string,
  shard: number,
  cursor: string | null,
  limit = DEMOTION_BATCH_SIZE,
): Promise<{ cursor: string | null; progress: SyncProgress }> {
  const unlinkedAt = Date.now();
  const page = await deps.links.listLinks(shard, limit, cursor ?? undefined);
  const progress = { ...EMPTY_PROGRESS };
  await forEachConcurrently(page.links, LINK_CONCURRENCY, async (link) => {
    const unlinkedEarlierInThisRun = link.status === 'unlinked' && link.runId === runId;
    if (link.status !== 'linked' && !unlinkedEarlierInThisRun) return;
    progress.total += 1;
    try {
      if (link.status === 'linked') await withRetries(3, () => unsyncAccount(deps.links, link.accountId, unlinkedAt, runId, true, link));
      progress.processed += 1;
    } catch (error) {
      progress.failed += 1;
      deps.log?.('Contact could not be made regular', { accountId: link.accountId, error: String(error) });
    }
  });
  await deps.settings.saveProgressPart(runId, `SHARD#${String(shard).padStart(2, '0')}#${cursor ?? 'START'}`, progress);
  return { cursor: page.cursor, progress };
}
