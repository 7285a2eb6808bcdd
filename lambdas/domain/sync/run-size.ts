import type { JiraDirectory } from '../jira-account.js';
import type { SyncAction, UserSyncSettingsStore } from './user-sync-state.js';

/**
 * Where a run's records come from. Each source measures and saves its own estimate; the run's
 * `estimatedTotal` is their sum (a source added later, such as each service desk's customers,
 * saves one more part and is counted with the others).
 */
export type RunSizeSource = 'users' | 'links' | (string & {});

/** Probes made at once per round of the search: a round narrows the range to a quarter. */
const PROBES_PER_ROUND = 3;

/**
 * The length of a list that can only be asked whether it holds a record at position `k` (true
 * exactly when `k` is before its end), in about 1.5·log₂(N) probes, three at a time: doubling
 * offsets find a bound, then each round splits the range in four.
 */
export async function measureListLength(hasRecordAt: (position: number) => Promise<boolean>): Promise<number> {
  if (!(await hasRecordAt(0))) return 0;
  // Doubling, a few offsets at once: `known` holds a record, `past` none.
  let known = 0;
  let past: number | undefined;
  for (let next = 1; past === undefined; next *= 2 ** PROBES_PER_ROUND) {
    const offsets = Array.from({ length: PROBES_PER_ROUND }, (_, index) => next * 2 ** index);
    const answers = await Promise.all(offsets.map(hasRecordAt));
    for (const [index, offset] of offsets.entries()) {
      if (answers[index]) known = offset;
      else {
        past = offset;
        break;
      }
    }
  }
  let end: number = past;
  while (end - known > 1) {
    const step = (end - known) / (PROBES_PER_ROUND + 1);
    const offsets = [
      ...new Set(Array.from({ length: PROBES_PER_ROUND }, (_, index) => Math.floor(known + step * (index + 1)))),
    ].filter((offset) => offset > known && offset < end);
    const answers = await Promise.all(offsets.map(hasRecordAt));
    const lastKnown = offsets.filter((_, index) => answers[index]).at(-1);
    const firstPast = offsets.find((_, index) => !answers[index]);
    if (lastKnown !== undefined) known = lastKnown;
    if (firstPast !== undefined) end = firstPast;
  }
  return end;
}

export interface RunSizeDependencies {
  jira: Pick<JiraDirectory, 'searchUsers'>;
  /** How many accounts are linked now: what a disable will demote. */
  countLinkedAccounts(): Promise<number>;
  settings: Pick<UserSyncSettingsStore, 'saveEstimate'>;
}

/**
 * A run measures its size beside its first wave, never delaying it.
 * Primary course: enable and reconcile ask `users/search` with `maxResults=1` at offsets (an empty
 * page exactly at or past the end) -> disable counts the linked accounts -> the count is saved as
 * the run's estimate for that source. It is an estimate: accounts created or deleted while the run
 * reads change the real total.
 */
export async function estimateRunSize(
  deps: RunSizeDependencies,
  run: { runId: string; action: SyncAction },
): Promise<{ source: RunSizeSource; estimate: number }> {
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
