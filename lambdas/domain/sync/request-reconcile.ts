import { randomUUID } from 'node:crypto';
import { ConflictError } from '../errors.js';
import type { UserSyncSettings, UserSyncSettingsStore } from './user-sync-state.js';
import {
  type SyncWorkflowStarter,
  type UserSyncView,
  describeUserSync,
  resume,
  runConflict,
  startOrRecord,
} from './user-sync-runs.js';

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
