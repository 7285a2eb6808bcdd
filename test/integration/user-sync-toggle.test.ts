import { DynamoDbUserSyncStore } from '../../lambdas/adapters/dynamodb/dynamodb-user-sync-store.js';
import { ConflictError } from '../../lambdas/domain/errors.js';
import { type SyncAction, emptyProgress } from '../../lambdas/domain/sync/user-sync-state.js';
import { finishSyncRun } from '../../lambdas/domain/sync/finish-sync-run.js';
import { beginScheduledReconcile, requestReconcile } from '../../lambdas/domain/sync/request-reconcile.js';
import { requestUserSync } from '../../lambdas/domain/sync/request-user-sync.js';
import {
  type SyncWorkflowStarter,
  describeUserSync,
  resumeUnfinishedRun,
} from '../../lambdas/domain/sync/user-sync-runs.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';

/** Step Functions is outside: this stand-in records the executions the toggle starts. */
class RecordingWorkflow implements SyncWorkflowStarter {
  readonly started: Array<{ action: SyncAction; runId: string; executionName: string }> = [];
  async start(input: { action: SyncAction; runId: string }, executionName: string): Promise<void> {
    this.started.push({ ...input, executionName });
  }
}

describe('the toggle against the embedded store', () => {
  let db: TestTable;
  let store: DynamoDbUserSyncStore;

  beforeEach(async () => {
    db = await startTestTable();
    store = new DynamoDbUserSyncStore(db.client, db.table);
  });
  afterEach(async () => {
    await db.stop();
  });

  it('refuses the opposite change while one runs, and allows it once that run stopped on an error', async () => {
    // Prepare: turning on, then the run fails
    const workflow = new RecordingWorkflow();
    const enabling = await requestUserSync(store, workflow, true);
    const enableRun = workflow.started[0]?.runId ?? '';
    await expect(requestUserSync(store, workflow, false)).rejects.toBeInstanceOf(ConflictError);
    await finishSyncRun(store, 'enable', enableRun, 'UpstreamError: Jira is down');

    // Act
    const disabling = await requestUserSync(store, workflow, false);

    // Assess
    expect(enabling.state).toBe('ENABLING');
    expect(disabling).toMatchObject({ state: 'DISABLING', enabled: false, error: null });
    expect(workflow.started.map((start) => start.action)).toEqual(['enable', 'disable']);
    expect(workflow.started[1]?.runId).not.toBe(enableRun);
  });

  it('resumes a run that stopped on an error when the same state is asked for again, and only then', async () => {
    // Prepare
    const workflow = new RecordingWorkflow();
    await requestUserSync(store, workflow, true);
    const runId = workflow.started[0]?.runId ?? '';
    await requestUserSync(store, workflow, true); // still running: nothing new starts
    await finishSyncRun(store, 'enable', runId, 'States.Timeout: a page took too long');

    // Act
    const resumed = await requestUserSync(store, workflow, true);

    // Assess
    expect(workflow.started).toHaveLength(2);
    expect(workflow.started[1]).toMatchObject({ action: 'enable', runId });
    expect(workflow.started[1]?.executionName).not.toBe(workflow.started[0]?.executionName);
    expect(resumed).toMatchObject({ state: 'ENABLING', error: null });
  });

  it('reaches ENABLED when the run finishes, and a repeated wish then starts nothing', async () => {
    // Prepare
    const workflow = new RecordingWorkflow();
    await requestUserSync(store, workflow, true);
    await finishSyncRun(store, 'enable', workflow.started[0]?.runId ?? '');
    // Act
    const again = await requestUserSync(store, workflow, true);
    // Assess
    expect(again).toMatchObject({ state: 'ENABLED', enabled: true });
    expect(workflow.started).toHaveLength(1);
  });

  it('starts the enable again when the last run left failed accounts, so asking once more retries them', async () => {
    // Prepare: a run that ended ENABLED with one account failed
    const workflow = new RecordingWorkflow();
    await requestUserSync(store, workflow, true);
    const firstRun = workflow.started[0]?.runId ?? '';
    await store.saveProgressPart(firstRun, 'PAGE#0', {
      progress: { ...emptyProgress(), total: 2, processed: 2, created: 1, failed: 1 },
      failures: [{ accountId: 'a-1', reason: 'throttled' }],
    });
    await finishSyncRun(store, 'enable', firstRun);
    const ended = await describeUserSync(store);

    // Act
    const again = await requestUserSync(store, workflow, true);

    // Assess
    expect(ended).toMatchObject({
      state: 'ENABLED',
      progress: { failed: 1 },
      failures: [{ accountId: 'a-1', reason: 'throttled' }],
    });
    expect(again).toMatchObject({ state: 'ENABLING', progress: { failed: 0 }, failures: [] });
    expect(workflow.started.map((start) => start.action)).toEqual(['enable', 'enable']);
    expect(workflow.started[1]?.runId).not.toBe(firstRun);
  });

  it('starts one reconcile at a time, only while ENABLED, and refuses the toggle meanwhile', async () => {
    // Prepare
    const workflow = new RecordingWorkflow();
    await expect(requestReconcile(store, workflow)).rejects.toThrow(/ENABLED/);
    await requestUserSync(store, workflow, true);
    await expect(requestReconcile(store, workflow)).rejects.toThrow(/being turned on/);
    await finishSyncRun(store, 'enable', workflow.started[0]?.runId ?? '');

    // Act
    const reconciling = await requestReconcile(store, workflow);

    // Assess
    expect(reconciling).toMatchObject({ state: 'RECONCILING', enabled: true, progress: { updated: 0, unlinked: 0 } });
    await expect(requestReconcile(store, workflow)).rejects.toThrow(/reconcile is running/);
    await expect(requestUserSync(store, workflow, false)).rejects.toThrow(/reconcile is running/);
    expect((await beginScheduledReconcile(store)) as { declined: string }).toEqual({
      declined: expect.stringMatching(/reconcile is running/),
    });
    expect(await requestUserSync(store, workflow, true)).toMatchObject({ state: 'RECONCILING' });
    expect(workflow.started.map((start) => start.action)).toEqual(['enable', 'reconcile']);
  });

  it('ends a reconcile ENABLED with its summary, its error kept when it failed', async () => {
    // Prepare
    const workflow = new RecordingWorkflow();
    await requestUserSync(store, workflow, true);
    await finishSyncRun(store, 'enable', workflow.started[0]?.runId ?? '');
    await requestReconcile(store, workflow);
    const runId = workflow.started[1]?.runId ?? '';

    // Act
    await finishSyncRun(store, 'reconcile', runId, 'UpstreamError: Jira is down');
    const view = await describeUserSync(store);

    // Assess
    expect(view).toMatchObject({
      state: 'ENABLED',
      enabled: true,
      lastReconcile: { finishedAt: expect.any(String), error: expect.stringMatching(/swept nothing/) },
    });
    expect(Date.parse(view.lastReconcile?.startedAt ?? '')).toBeLessThanOrEqual(
      Date.parse(view.lastReconcile?.finishedAt ?? ''),
    );
  });

  // Resuming the unfinished run when the service starts.
  it('starts the interrupted run again under its own id, its error cleared', async () => {
    // Prepare: an enable that stopped on an error (a stop looks the same, minus the error)
    const workflow = new RecordingWorkflow();
    await requestUserSync(store, workflow, true);
    const runId = workflow.started[0]?.runId ?? '';
    await finishSyncRun(store, 'enable', runId, 'States.Timeout: a page took too long');

    // Act
    const resumed = await resumeUnfinishedRun(store, workflow);

    // Assess
    expect(resumed).toBe('enable');
    expect(workflow.started).toHaveLength(2);
    expect(workflow.started[1]).toMatchObject({ action: 'enable', runId });
    expect(workflow.started[1]?.executionName).not.toBe(workflow.started[0]?.executionName);
    expect(await describeUserSync(store)).toMatchObject({ state: 'ENABLING', error: null });
  });

  it('starts nothing once the run has finished', async () => {
    // Prepare
    const workflow = new RecordingWorkflow();
    await requestUserSync(store, workflow, true);
    await finishSyncRun(store, 'enable', workflow.started[0]?.runId ?? '');

    // Act
    const resumed = await resumeUnfinishedRun(store, workflow);

    // Assess
    expect(resumed).toBeUndefined();
    expect(workflow.started).toHaveLength(1);
    expect(await describeUserSync(store)).toMatchObject({ state: 'ENABLED' });
  });
});
