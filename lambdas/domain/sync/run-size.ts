import type { JiraDirectory } from '../jira-account.js';
import type { SyncAction, UserSyncSettingsStore } from './user-sync-state.js';

/**
 * Where a run's records come from. Each source measures and saves its own estimate; the run's
 * `estimatedTotal` is their sum (a source added later, such as each service desk's customers,
 * saves one more part and is counted with the others).
 */
export type RunSizeSource = 'users' | 'links' | (string & {});

/** Doubling offsets asked at once: one round covers three doublings. */
const PROBES_PER_ROUND = 3;

/**
 * The length of a list that can only be asked whether it holds a record at position `k` (true
 * exactly when `k` is before its end), in about 2·log₂(N) probes (some 40 at a million): doubling
 * offsets, three at once, find a bound, then halving finds the end.
 */
export async function measureListLength(hasRecordAt: (position: number) => Promise<boolean>): Promise<number> {
  if (!(await hasRecordAt(0))) return 0;
  // `known` holds a record, `end` none.
  let known = 0;
  let end: number | undefined;
  for (let next = 1; end === undefined; next *= 2 ** PROBES_PER_ROUND) {
    const offsets = Array.from({ length: PROBES_PER_ROUND }, (_, index) => next * 2 ** index);
    const answers = await Promise.all(offsets.map(hasRecordAt));
    for (const [index, offset] of offsets.entries()) {
      if (!answers[index]) {
        end = offset;
        break;
      }
      known = offset;
    }
  }
  while (end - known > 1) {
    const middle = Math.floor((known + end) / 2);
    if (await hasRecordAt(middle)) known = middle;
    else end = middle;
  }
  return end;
}

export interface RunSizeDependencies {
  jira: Pick<JiraDirectory, 'searchUsers' | 'listsByPosition'>;
  /** How many accounts are linked now: what a disable will demote. */
  countLinkedAccounts(): Promise<number>;
  settings: Pick<UserSyncSettingsStore, 'saveEstimate'>;
}

/**
 * A run measures its size beside its first wave, never delaying it.
 * Primary course: enable and reconcile ask `users/search` with `maxResults=1` at offsets (an empty
 * page exactly at or past the end) -> disable counts the linked accounts -> the count is saved as
 * the run's estimate for that source. It is an estimate: accounts created or deleted while the run
 * reads change the real total. A directory without positions (Data Center) is not measured: its
 * share of the estimate stays unknown (null).
 */
export async function estimateRunSize(
  deps: RunSizeDependencies,
  run: { runId: string; action: SyncAction },
): Promise<{ source: RunSizeSource; estimate: number | null }> {
  // No positions to probe (Data Center): the users' share stays unknown rather than a wrong 0.
  if (run.action !== 'disable' && deps.jira.listsByPosition === false) return { source: 'users', estimate: null };
  const measured =
    run.action === 'disable'
      ? { source: 'links', estimate: await deps.countLinkedAccounts() }
      : {
          source: 'users',
          estimate: await measureListLength(
            async (position) => (await deps.jira.searchUsers(position, 1)).returned > 0,
          ),
        };
  await deps.settings.saveEstimate(run.runId, measured.source, measured.estimate);
  return measured;
}
