import { type SyncState, type UserSyncSettingsStore, isRunInProgress } from '../lambdas/domain/sync/user-sync-state.js';
import { type UserSyncView, describeUserSync } from '../lambdas/domain/sync/user-sync-runs.js';

/** What the sync did, as data: the caller (`bin/local.ts`) decides how to show it. */
export type SyncProgressReport =
  /** The state moved (`DISABLED -> ENABLING`). */
  | { kind: 'state-changed'; from: SyncState; to: SyncState }
  /** A run goes on: its counts, at most every two seconds and only when they changed. */
  | { kind: 'progress'; view: UserSyncView }
  /** A run ended in `state`, after `tookMs`, with these counts. */
  | { kind: 'finished'; state: SyncState; tookMs: number; view: UserSyncView };

/** Sampled often so a short run still shows its start and end. */
const SAMPLE_EVERY_MS = 250;
const PROGRESS_EVERY_MS = 2000;

/** What a progress report shows; a report whose counts did not change is not repeated (the time left moves by itself). */
const shownCounts = (view: UserSyncView): string => {
  const { etaSeconds: _timeLeft, ...counts } = view.progress;
  return JSON.stringify([view.state, counts, view.error]);
};

/**
 * Watches the sync and reports each change of state, the counts every two seconds while a run is
 * in progress, and the counts and time taken when it ends. Resolves once the state at start is
 * known (so the first change is reported too); returns a function that stops watching.
 */
export async function watchSyncProgress(
  store: UserSyncSettingsStore,
  report: (progress: SyncProgressReport) => void,
): Promise<() => void> {
  let lastState: SyncState | undefined;
  let lastCounts = '';
  let runStartedAt = Date.now();
  let lastReportedAt = 0;
  let sampling = false;
  const sample = async (): Promise<void> => {
    if (sampling) return;
    sampling = true;
    try {
      // The state is one read; the counts (every part of the run) are read only when a report is due.
      const { state } = await store.get();
      const now = Date.now();
      const previous = lastState;
      const changed = previous !== undefined && state !== previous;
      const due = isRunInProgress(state) && now - lastReportedAt >= PROGRESS_EVERY_MS;
      if (changed || due || previous === undefined) {
        const view = await describeUserSync(store);
        const counts = shownCounts(view);
        if (changed) {
          report({ kind: 'state-changed', from: previous, to: state });
          if (isRunInProgress(state)) runStartedAt = now;
          else if (isRunInProgress(previous)) report({ kind: 'finished', state, tookMs: now - runStartedAt, view });
        } else if (due && counts !== lastCounts) {
          report({ kind: 'progress', view });
          lastReportedAt = now;
        }
        lastCounts = counts;
      }
      lastState = state;
    } catch {
      // The store is stopping or busy: the next sample tells.
    } finally {
      sampling = false;
    }
  };
  await sample();
  const timer = setInterval(() => void sample(), SAMPLE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
