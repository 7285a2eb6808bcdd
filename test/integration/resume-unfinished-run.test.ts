import { DynamoDbUserSyncStore } from '../../lambdas/adapters/dynamodb/dynamodb-user-sync-store.js';
import type { SyncAction } from '../../lambdas/domain/sync/user-sync-state.js';
import {
  type SyncWorkflowStarter,
  describeUserSync,
  finishSyncRun,
  requestUserSync,
  resumeUnfinishedRun,
} from '../../lambdas/domain/sync/user-sync-toggle.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';

/** Step Functions is outside: this stand-in records the executions the toggle starts. */
class RecordingWorkflow implements SyncWorkflowStarter {
  readonly started: Array<{ action: SyncAction; runId: string; executionName: string }> = [];
  async start(input: { action: SyncAction; runId: string }, executionName: string): Promise<void> {
    this.started.push({ ...input, executionName });
  }
}

describe('resuming the unfinished run when the service starts, against the embedded store', () => {
  let db: TestTable;
  let store: DynamoDbUserSyncStore;

  beforeEach(async () => {
    db = await startTestTable();
    store = new DynamoDbUserSyncStore(db.client, db.table);
  });
  afterEach(async () => {
    await db.stop();
  });

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
