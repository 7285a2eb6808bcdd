import { randomUUID } from 'node:crypto';
import { ConflictError, UpstreamError } from '../errors.js';
import {
  type SyncAction,
  type SyncProgress,
  type SyncState,
  type UserSyncSettingsStore,
  EMPTY_PROGRESS,
  TRANSITION,
  isEnabledState,
} from './user-sync-state.js';

/** Starts the workflow that carries out a change (Step Functions on AWS, its local runner otherwise). */
export interface SyncWorkflowStarter {
  /** `executionName` is unique per attempt, so a start that is repeated does not run twice. */
  start(input: { action: SyncAction; runId: string }, executionName: string): Promise<void>;
}

export interface UserSyncView {
  enabled: boolean;
  state: SyncState;
  progress: SyncProgress;
  updatedAt: string | null;
  error: string | null;
}

export async function describeUserSync(store: UserSyncSettingsStore): Promise<UserSyncView> {
  const settings = await store.get();
  return {
    enabled: isEnabledState(settings.state),
    state: settings.state,
    progress: settings.runId ? await store.progress(settings.runId) : EMPTY_PROGRESS,
    updatedAt: settings.updatedAt,
    error: settings.error,
  };
}

/**
 * An admin asks for syncing on or off.
 * Primary course: the state moves (conditionally) to ENABLING or DISABLING under a new run id ->
 * the workflow starts -> the new state is returned at once.
 * Asking for the current wish again changes nothing, except that it resumes a run that stopped on
 * an error. Asking for the opposite while a change runs is a conflict; once that change has stopped
 * on an error, the opposite may be asked for (an admin is never stuck behind a broken Jira).
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
    if (settings.state === during || settings.state === to) {
      if (settings.state === during && settings.error && settings.runId) {
        await resume(store, workflow, action, settings.runId);
      }
      return describeUserSync(store);
    }
    // The opposite change stopped on an error (its workflow no longer runs): it may be reversed.
    const reversible = settings.state !== from && settings.error !== null;
    if (settings.state !== from && !reversible) {
      const running = settings.state === 'ENABLING' ? 'turned on' : 'turned off';
      const progress = settings.runId ? await store.progress(settings.runId) : EMPTY_PROGRESS;
      throw new ConflictError(
        `User syncing is still being ${running} (${progress.processed} accounts done so far). ` +
          `Wait until its state is ${settings.state === 'ENABLING' ? 'ENABLED' : 'DISABLED'}, then ask again.`,
      );
    }
    const runId = newRunId();
    if (await store.transition(settings.state, during, runId, settings.runId)) {
      await startOrRecord(store, workflow, action, runId, `${action}-${runId}`);
      return describeUserSync(store);
    }
    // Someone else changed the state between our read and write: decide again on what is there now.
  }
  throw new ConflictError('User syncing is being changed by someone else right now. Try again in a moment.');
}

/** Starts the run again after a failure; every step is idempotent, so finished work is not redone twice. */
export async function resume(store: UserSyncSettingsStore, workflow: SyncWorkflowStarter, action: SyncAction, runId: string): Promise<void> {
  await store.recordError(runId, null);
  await startOrRecord(store, workflow, action, runId, `${action}-${runId}-${Date.now()}`);
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

/** The workflow's last step: the state reaches ENABLED or DISABLED, or the run's error is kept. */
export async function finishSyncRun(
  store: UserSyncSettingsStore,
  action: SyncAction,
  runId: string,
  failure?: string,
): Promise<void> {
  if (failure) {
    await store.recordError(runId, `The last run stopped early: ${failure}. Ask for the same state again to resume it.`);
    return;
  }
  const { during, to } = TRANSITION[action];
  await store.transition(during, to, runId, runId);
}
