import { ConflictError, UpstreamError } from '../errors.js';
import {
  type ReconcileSummary,
  type SyncAction,
  type SyncFailure,
  type SyncProgress,
  type SyncState,
  type UserSyncSettings,
  type UserSyncSettingsStore,
  actionOf,
  emptyProgress,
  isEnabledState,
  isRunInProgress,
} from './user-sync-state.js';

// What the use cases on a sync run share (request-user-sync.ts, request-reconcile.ts,
// finish-sync-run.ts): how a run is shown, started, refused, resumed, and swept as of when.

/** Starts the workflow that carries out a run (Step Functions on AWS, its local runner otherwise). */
export interface SyncWorkflowStarter {
  /** `executionName` is unique per attempt, so a start that is repeated does not run twice. */
  start(
    input: {
      action: SyncAction;
      runId: string;
      wave?: { nextStartAt: number; wavesInExecution: number };
      /** A run continued in its service desk phase (see sync-desk-customers.ts). */
      desks?: Record<string, unknown>;
    },
    executionName: string,
  ): Promise<void>;
}

/** A run's counts as shown, with its measured size and the time left at its own pace. */
export type ShownProgress = Partial<SyncProgress> & {
  /** Records the run will read (accounts to demote, for a disable), measured at its start; null until then. */
  estimatedTotal: number | null;
  /** Seconds left at the run's pace so far; null when unknown, 0 once the run has ended. */
  etaSeconds: number | null;
};

/** What `GET /settings/user-sync` shows. */
export interface UserSyncView {
  enabled: boolean;
  state: SyncState;
  /** The running or last run's counts; `updated` and `unlinked` only for a reconcile. */
  progress: ShownProgress;
  failures: SyncFailure[];
  lastReconcile: ReconcileSummary | null;
  updatedAt: string | null;
  error: string | null;
}

export async function describeUserSync(
  store: UserSyncSettingsStore,
  now: () => number = Date.now,
): Promise<UserSyncView> {
  const settings = await store.get();
  const summary = settings.runId
    ? await store.summary(settings.runId)
    : { progress: emptyProgress(), failures: [], estimatedTotal: null };
  return {
    enabled: isEnabledState(settings.state),
    state: settings.state,
    progress: {
      ...shownProgress(summary.progress, settings.action),
      estimatedTotal: summary.estimatedTotal,
      etaSeconds: timeLeft({
        settings,
        progress: summary.progress,
        estimatedTotal: summary.estimatedTotal,
        now: now(),
      }),
    },
    failures: summary.failures,
    lastReconcile: settings.lastReconcile,
    updatedAt: settings.updatedAt,
    error: settings.error,
  };
}

/**
 * Seconds left at the run's own pace: what it has still to go through (its estimate less what it
 * has gone through) at the rate it went so far. Unknown (null) before the size is measured or the
 * first records are through, or while a run stopped on an error; 0 once the run has ended.
 */
export function timeLeft(run: {
  settings: UserSyncSettings;
  progress: SyncProgress;
  estimatedTotal: number | null;
  now: number;
}): number | null {
  const { settings, progress, estimatedTotal, now } = run;
  if (!isRunInProgress(settings.state)) return settings.runId && !settings.error ? 0 : null;
  if (settings.error || estimatedTotal === null || !settings.startedAt) return null;
  const elapsedSeconds = (now - Date.parse(settings.startedAt)) / 1000;
  // Enable and reconcile read `total` records; a disable finds and demotes them as it goes, the same count.
  const done = progress.total;
  if (done <= 0 || !(elapsedSeconds > 0)) return null;
  return Math.ceil(Math.max(0, estimatedTotal - done) / (done / elapsedSeconds));
}

function shownProgress(progress: SyncProgress, action: SyncAction | null): Partial<SyncProgress> {
  if (action === 'reconcile') return progress;
  const { updated: _updated, unlinked: _unlinked, ...ordinary } = progress;
  return ordinary;
}

/** What is running, and what to do about it: one message for every refusal. */
export function runConflict(settings: UserSyncSettings): ConflictError {
  switch (settings.state) {
    case 'ENABLING':
      return new ConflictError(
        'User syncing is still being turned on. Wait until its state is ENABLED, then ask again.',
      );
    case 'DISABLING':
      return new ConflictError(
        'User syncing is still being turned off. Wait until its state is DISABLED, then ask again.',
      );
    case 'RECONCILING':
      return new ConflictError('A reconcile is running. Wait until its state is ENABLED again, then ask again.');
    default:
      return new ConflictError('User syncing is off: a reconcile runs only while it is ENABLED. Turn it on first.');
  }
}

/** Starts the run again after a failure or a stop; every step is idempotent, so finished work is not redone twice. */
export async function resume(
  store: UserSyncSettingsStore,
  workflow: SyncWorkflowStarter,
  action: SyncAction,
  runId: string,
): Promise<void> {
  await store.recordError(runId, null);
  await startOrRecord(store, workflow, action, runId, `${action}-${runId}-${Date.now()}`);
}

/** The run a stop interrupted, if any: the same state asked for again resumes it. */
export function unfinishedRun(settings: UserSyncSettings): { action: SyncAction; runId: string } | undefined {
  const action = actionOf(settings.state);
  return action && settings.runId ? { action, runId: settings.runId } : undefined;
}

/**
 * The service starts again (locally, after a stop or a crash).
 * Primary course: a run is still in progress in the stored state -> it is resumed under its own
 * run id, where it was (every step is idempotent) -> its action is returned. Nothing runs: nothing
 * is started, and undefined is returned.
 */
export async function resumeUnfinishedRun(
  store: UserSyncSettingsStore,
  workflow: SyncWorkflowStarter,
): Promise<SyncAction | undefined> {
  const unfinished = unfinishedRun(await store.get());
  if (!unfinished) return undefined;
  await resume(store, workflow, unfinished.action, unfinished.runId);
  return unfinished.action;
}

/**
 * Starts the run's workflow; when it cannot start, the run keeps the error (asking again retries)
 * and the caller is told Jira's side is not the problem: an `UpstreamError`.
 */
export async function startOrRecord(
  store: UserSyncSettingsStore,
  workflow: SyncWorkflowStarter,
  action: SyncAction,
  runId: string,
  executionName: string,
): Promise<void> {
  try {
    await workflow.start({ action, runId }, executionName);
  } catch (error) {
    const message = `The sync workflow could not start (${(error as Error).message}). Ask again to retry.`;
    await store.recordError(runId, message);
    throw new UpstreamError(message);
  }
}

/** The time a reconcile's sweep acts as of: its start, so any newer webhook wins. */
export async function sweepSince(store: UserSyncSettingsStore, runId: string): Promise<number> {
  const settings = await store.get();
  const startedAt = settings.runId === runId && settings.startedAt ? Date.parse(settings.startedAt) : Number.NaN;
  if (Number.isNaN(startedAt)) throw new Error(`Run ${runId} is no longer the current run: nothing is swept.`);
  return startedAt;
}
