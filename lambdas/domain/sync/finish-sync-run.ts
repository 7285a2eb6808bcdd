import { type ReconcileSummary, type SyncAction, TRANSITION, type UserSyncSettingsStore } from './user-sync-state.js';

/**
 * The workflow's last step (or its Catch, with the failure) finishes a run.
 * Primary course: an enable or a disable that did not fail -> the state moves (conditionally, under
 * the run's id) from ENABLING or DISABLING to ENABLED or DISABLED. A failed one keeps its error
 * instead, and asking for the same state again resumes it. A reconcile always ends ENABLED again, its summary kept as `lastReconcile` (with its error, if
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
