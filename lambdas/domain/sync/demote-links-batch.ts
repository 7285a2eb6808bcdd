import { forEachConcurrently, withRetries } from './run-pool.js';
import { type SyncStores, unsyncAccount } from './sync-account.js';
import {
  MAX_FAILURES_SHOWN,
  type SyncFailure,
  type SyncProgress,
  type UserSyncSettingsStore,
  addProgress,
  emptyProgress,
} from './user-sync-state.js';

/** Items read per call: bounded work that fits a Lambda invocation whatever the size of the table. */
export const DEMOTION_BATCH_SIZE = 1000;
const LINK_CONCURRENCY = 32;

export interface DemotionDependencies extends SyncStores {
  settings: UserSyncSettingsStore;
  log?: (message: string, details: Record<string, unknown>) => void;
}

/**
 * Which synced contacts a batch makes regular:
 * - `disable`: all of them (syncing is being turned off);
 * - `sweep`: those of accounts a reconcile did not see in Jira (deleted users), as of the run's
 *   start, so that a webhook newer than the run keeps its account linked.
 */
export type DemotionMode = { kind: 'disable' } | { kind: 'sweep'; seen: ReadonlySet<string>; since: number };

/**
 * A reconcile's sweep, from the accounts its run saw in Jira and the run's start; undefined when nobody
 * may be swept. A record without an account id (`unreadable`) might be any linked account: then nobody
 * is swept this time.
 */
export function reconcileSweep(seen: {
  accountIds: ReadonlySet<string>;
  unreadable: number;
  since: number;
}): DemotionMode | undefined {
  return seen.unreadable > 0 ? undefined : { kind: 'sweep', seen: seen.accountIds, since: seen.since };
}

/** What a shard's batches have counted so far, carried from one batch to the next by the workflow. */
export interface ShardCounts {
  progress: SyncProgress;
  failures: SyncFailure[];
}

export interface DemotionRequest {
  runId: string;
  shard: number;
  cursor: string | null;
  mode: DemotionMode;
  /** The shard's counts before this batch (none for its first batch). */
  soFar?: ShardCounts | undefined;
  limit?: number;
}

/**
 * Turning syncing off, or a reconcile's sweep, for one batch of one shard of account links.
 * Primary course: read the next links -> each synced contact concerned becomes a regular contact
 * (nothing is deleted) -> the shard's counts so far are stored under the run -> the next cursor is returned.
 * The counts are stored per shard, not per batch: a scan's pages move when the batches write (email
 * hints count toward a scan's limit), so a shard walked again from its start after a failure would
 * leave the parts of its first walk beside those of the second, counted twice.
 * Turning off counts synced contacts found and made regular in `total` and `processed` (a retried
 * batch counts again the ones its first attempt already unlinked: they carry this run's id);
 * a sweep counts them in `unlinked`.
 */
export async function demoteLinksBatch(
  deps: DemotionDependencies,
  request: DemotionRequest,
): Promise<{ cursor: string | null; progress: SyncProgress; soFar: ShardCounts }> {
  const { runId, shard, cursor, mode } = request;
  const disabling = mode.kind === 'disable';
  const unlinkedAt = disabling ? Date.now() : mode.since;
  const page = await deps.links.listLinks(shard, {
    limit: request.limit ?? DEMOTION_BATCH_SIZE,
    cursor: cursor ?? undefined,
  });
  const progress = emptyProgress();
  const failures: SyncFailure[] = [];
  await forEachConcurrently(page.links, LINK_CONCURRENCY, async (link) => {
    if (mode.kind === 'sweep' && mode.seen.has(link.accountId)) return;
    const unlinkedEarlierInThisRun = link.status === 'unlinked' && link.runId === runId;
    if (link.status !== 'linked' && !unlinkedEarlierInThisRun) return;
    if (disabling) progress.total += 1;
    try {
      if (link.status === 'linked') {
        const outcome = await withRetries(3, () =>
          unsyncAccount(deps, {
            accountId: link.accountId,
            eventTs: unlinkedAt,
            runId,
            force: disabling,
            knownLink: link,
          }),
        );
        if (!disabling && outcome === 'stale') return; // a newer webhook has it: it stays as it is
      }
      if (disabling) progress.processed += 1;
      else progress.unlinked += 1;
    } catch (error) {
      progress.failed += 1;
      failures.push({ accountId: link.accountId, reason: String(error).slice(0, 300) });
      deps.log?.('Contact could not be made regular', { accountId: link.accountId, error: String(error) });
    }
  });
  const soFar: ShardCounts = {
    progress: addProgress(request.soFar?.progress ?? emptyProgress(), progress),
    failures: [...(request.soFar?.failures ?? []), ...failures].slice(0, MAX_FAILURES_SHOWN),
  };
  await deps.settings.saveProgressPart(runId, `SHARD#${String(shard).padStart(2, '0')}`, soFar);
  return { cursor: page.cursor, progress, soFar };
}
