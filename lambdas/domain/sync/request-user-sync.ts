import { randomUUID } from 'node:crypto';
import { ConflictError } from '../errors.js';
import { type SyncAction, TRANSITION, type UserSyncSettings, type UserSyncSettingsStore } from './user-sync-state.js';
import {
  type SyncWorkflowStarter,
  type UserSyncView,
  describeUserSync,
  resume,
  runConflict,
  startOrRecord,
} from './user-sync-runs.js';

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

async function lastRunFailedAccounts(store: UserSyncSettingsStore, settings: UserSyncSettings): Promise<boolean> {
  if (!settings.runId) return false;
  return (await store.summary(settings.runId)).progress.failed > 0;
}
