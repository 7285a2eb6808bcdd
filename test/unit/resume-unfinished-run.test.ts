import {
  DEFAULT_SETTINGS,
  type SyncAction,
  type SyncState,
  isRunInProgress,
} from '../../lambdas/domain/sync/user-sync-state.js';
import { unfinishedRun } from '../../lambdas/domain/sync/user-sync-runs.js';

describe.each<{ state: SyncState; inProgress: boolean; resumes: SyncAction | undefined }>([
  { state: 'DISABLED', inProgress: false, resumes: undefined },
  { state: 'ENABLING', inProgress: true, resumes: 'enable' },
  { state: 'ENABLED', inProgress: false, resumes: undefined },
  { state: 'DISABLING', inProgress: true, resumes: 'disable' },
  { state: 'RECONCILING', inProgress: true, resumes: 'reconcile' },
])('when the service starts in $state', ({ state, inProgress, resumes }) => {
  it(`${inProgress ? 'a' : 'no'} run is in progress`, () => {
    // Act
    const running = isRunInProgress(state);
    // Assess
    expect(running).toBe(inProgress);
  });

  it(resumes ? `resumes the ${resumes} run under its own id` : 'resumes nothing', () => {
    // Prepare: the run stopped on an error, or was cut short by a stop: it is resumed either way
    const settings = { ...DEFAULT_SETTINGS, state, runId: 'run-7', action: resumes ?? null, error: 'stopped' };
    // Act
    const unfinished = unfinishedRun(settings);
    // Assess
    expect(unfinished).toEqual(resumes ? { action: resumes, runId: 'run-7' } : undefined);
  });

  it('resumes nothing without a run id', () => {
    // Act
    const unfinished = unfinishedRun({ ...DEFAULT_SETTINGS, state, runId: null });
    // Assess
    expect(unfinished).toBeUndefined();
  });
});
