import { randomUUID } from 'node:crypto';
import { ConflictError, UpstreamError } from '../errors.js';
import {
  type ReconcileSummary,
  type SyncAction,
  type SyncFailure,
  type SyncProgress,
  type SyncState,
  type UserSyncSettings,
  type UserSyncSettingsStore,
  TRANSITION,
  actionOf,
  emptyProgress,
  isEnabledState,
  isRunInProgress,
} from './user-sync-state.js';

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

/**
 * An admin asks for syncing on or off.
 * Primary course: the state moves (conditionally) to ENABLING or DISABLING under a new run id ->
 * the workflow starts -> the new state is returned at once.
 * Asking for the current wish again changes nothing, except that it resumes a run that stopped on
 * an error, and, once enabled, starts the enable again when accounts failed (every step is
 * idempotent, so only what is missing is written). Asking for the opposite while a run is active
 * is a conflict; once that run has stopped on an error, the opposite may be asked for (an admin is
 * never stuck behind a broken Jira).
 */
export async function requestUserSync(
  store: UserSyncSettingsStore,
  workflow: SyncWorkflowStarter,
  enabled: boolean,
  newRunId: () => string = randomUUID,
): Promise<UserSyncView> {
  const action: SyncAction = enabled ? 'enable' : 'disable';
  const { from, during, to } = TRANSITION[action];
  for (let round = 0; round < 3; round += 1) {
    const settings = await store.get();
    if (settings.state === during) {
      if (settings.error && settings.runId) await resume(store, workflow, action, settings.runId);
      return describeUserSync(store);
    }
    if (settings.state === to && !(enabled && (await lastRunFailedAccounts(store, settings))))
      return describeUserSync(store);
    if (enabled && settings.state === 'RECONCILING') return describeUserSync(store);
    // A run stopped on an error (its workflow no longer runs) may be reversed.
    const startFrom = settings.state === to ? to : from;
    if (settings.state !== startFrom && settings.error === null) throw runConflict(settings);
    const runId = newRunId();
    if (await store.transition({ from: settings.state, to: during, runId, action, expectedRunId: settings.runId })) {
      await startOrRecord(store, workflow, action, runId, `${action}-${runId}`);
      return describeUserSync(store);
    }
    // Someone else changed the state between our read and write: decide again on what is there now.
  }
  throw new ConflictError('User syncing is being changed by someone else right now. Try again in a moment.');
}

/**
 * An admin (or the schedule) asks for a reconcile now.
 * Primary course: syncing is ENABLED and nothing runs -> the state moves to RECONCILING under a new
 * run id -> the workflow starts. A reconcile interrupted by a stop is resumed by asking again.
 */
export async function requestReconcile(
  store: UserSyncSettingsStore,
  workflow: SyncWorkflowStarter,
  newRunId: () => string = randomUUID,
): Promise<UserSyncView> {
  const settings = await store.get();
  if (settings.state === 'RECONCILING' && settings.error && settings.runId) {
    await resume(store, workflow, 'reconcile', settings.runId);
    return describeUserSync(store);
  }
  if (settings.state !== 'ENABLED') throw runConflict(settings);
  const runId = newRunId();
  if (!(await claimReconcileRun(store, settings, runId))) {
    throw new ConflictError('User syncing changed just now. Look at its state, then ask again.');
  }
  await startOrRecord(store, workflow, 'reconcile', runId, `reconcile-${runId}`);
  return describeUserSync(store);
}

/**
 * The schedule's reconcile, started by the state machine itself (EventBridge Scheduler starts it):
 * it claims the run, or declines when syncing is not ENABLED or another run is active.
 */
export async function beginScheduledReconcile(
  store: UserSyncSettingsStore,
  newRunId: () => string = randomUUID,
): Promise<{ runId: string } | { declined: string }> {
  const settings = await store.get();
  if (settings.state !== 'ENABLED') return { declined: runConflict(settings).message };
  const runId = newRunId();
  if (!(await claimReconcileRun(store, settings, runId))) return { declined: 'User syncing changed just now.' };
  return { runId };
}

/** ENABLED becomes RECONCILING under `runId`, unless the state changed since `settings` was read. */
function claimReconcileRun(store: UserSyncSettingsStore, settings: UserSyncSettings, runId: string): Promise<boolean> {
  return store.transition({
    from: 'ENABLED',
    to: 'RECONCILING',
    runId,
    action: 'reconcile',
    expectedRunId: settings.runId,
  });
}

async function lastRunFailedAccounts(store: UserSyncSettingsStore, settings: UserSyncSettings): Promise<boolean> {
  if (!settings.runId) return false;
  return (await store.summary(settings.runId)).progress.failed > 0;
}

/** What is running, and what to do about it: one message for every refusal. */
function runConflict(settings: UserSyncSettings): ConflictError {
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

async function startOrRecord(
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

/**
 * The workflow's last step: the state reaches ENABLED or DISABLED, or the run's error is kept.
 * A reconcile always ends ENABLED again, its summary kept as `lastReconcile` (with its error, if
 * it failed: a failed reconcile swept nothing, and the next one starts afresh).
 */
export async function finishSyncRun(
  store: UserSyncSettingsStore,
  action: SyncAction,
  runId: string,
  failure?: string,
): Promise<ReconcileSummary | undefined> {
  const { during, to } = TRANSITION[action];
  if (action === 'reconcile') {
    const settings = await store.get();
    if (settings.runId !== runId) return undefined;
    const summary: ReconcileSummary = {
      startedAt: settings.startedAt ?? new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      progress: (await store.summary(runId)).progress,
      error: failure ? `The reconcile stopped early and swept nothing: ${failure}` : null,
    };
    await store.recordReconcile(runId, summary);
    await store.transition({ from: during, to, runId, action, expectedRunId: runId });
    return summary;
  }
  if (failure) {
    await store.recordError(
      runId,
      `The last run stopped early: ${failure}. Ask for the same state again to resume it.`,
    );
    return undefined;
  }
  await store.transition({ from: during, to, runId, action, expectedRunId: runId });
  return undefined;
}
