import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { LINK_SHARDS } from '../lambdas/adapters/dynamodb/table-schema.js';
import { SEGMENTS_PER_WAVE } from '../lambdas/domain/sync/page-plan.js';
import {
  SYNC_TASKS,
  type SyncTaskFunctionName,
  TASK_FUNCTION_TIMEOUT_SECONDS,
  TASK_TIMEOUT_MARGIN_SECONDS,
} from './function-settings.js';

/** The Lambda functions behind the workflow's tasks. */
export type SyncWorkflowFunctions = Readonly<Record<SyncTaskFunctionName, IFunction>>;

export const DEMOTION_MAP_CONCURRENCY = LINK_SHARDS;

/** Each task function's Lambda timeout (TASK_FUNCTION_TIMEOUT_SECONDS, as CDK Durations). */
export const TASK_FUNCTION_TIMEOUTS = Object.fromEntries(
  Object.entries(TASK_FUNCTION_TIMEOUT_SECONDS).map(([name, seconds]) => [name, Duration.seconds(seconds)]),
) as Record<SyncTaskFunctionName, Duration>;
const TASK_TIMEOUT_MARGIN = Duration.seconds(TASK_TIMEOUT_MARGIN_SECONDS);

/**
 * One state machine for every run: enable, disable and reconcile.
 * - enable and reconcile: waves of `users/search` segments (SEGMENTS_PER_WAVE in parallel, Jira has
 *   no total) until a segment meets an empty page; each segment is one bounded Lambda call. Then
 *   every service desk's customers, one bounded step at a time (JSM's burst limit is per site).
 *   Every so many waves or steps the run continues in a new execution, so no history outgrows
 *   Step Functions' limit.
 * - then JSM organizations (members need their contacts): a page of organizations per call, until
 *   the list ends, and for a reconcile the companies of deleted organizations (JSM sends no webhook).
 * - disable, and a reconcile's sweep once every segment succeeded: every shard of account links in
 *   parallel, each walked in bounded batches; disable first makes every synced company regular.
 * Every task retries with backoff; whatever still fails is recorded and the run can be resumed.
 * Beside a new run, in a parallel branch that never delays or fails it, the run's size is measured
 * (the progress's `estimatedTotal`).
 */
export function buildSyncWorkflowDefinition(scope: Construct, functions: SyncWorkflowFunctions): sfn.IChainable {
  const invoke = (name: string, fn: IFunction, props: Partial<tasks.LambdaInvokeProps> = {}): tasks.LambdaInvoke => {
    const functionName = (Object.keys(functions) as (keyof SyncWorkflowFunctions)[]).find(
      (key) => functions[key] === fn,
    );
    const timeout = functionName ? TASK_FUNCTION_TIMEOUTS[functionName].plus(TASK_TIMEOUT_MARGIN) : undefined;
    const task = new tasks.LambdaInvoke(scope, name, {
      stateName: name,
      lambdaFunction: fn,
      payloadResponseOnly: true,
      ...(timeout ? { taskTimeout: sfn.Timeout.duration(timeout) } : {}),
      ...props,
    });
    task.addRetry({
      errors: ['States.ALL'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 4,
      jitterStrategy: sfn.JitterType.FULL,
    });
    return task;
  };
  const runOnly = { action: sfn.JsonPath.stringAt('$.action'), runId: sfn.JsonPath.stringAt('$.runId') };

  const recordFailure = invoke(SYNC_TASKS.recordFailure, functions.finishSyncRun, {
    payload: sfn.TaskInput.fromObject({ ...runOnly, failure: sfn.JsonPath.objectAt('$.failure') }),
  }).next(
    new sfn.Fail(scope, 'Sync failed', {
      stateName: 'Sync failed',
      error: 'SyncRunFailed',
      cause: 'See the run error in the settings and the task logs.',
    }),
  );
  const onFailure = { resultPath: '$.failure', errors: ['States.ALL'] };

  const finish = invoke(SYNC_TASKS.finishSyncRun, functions.finishSyncRun, {
    payload: sfn.TaskInput.fromObject(runOnly),
    resultPath: sfn.JsonPath.DISCARD,
  }).next(new sfn.Succeed(scope, 'Sync finished', { stateName: 'Sync finished' }));

  // Demote: walk every shard of account links in parallel, a bounded batch per call.
  const demoteBatch = invoke(SYNC_TASKS.demoteLinksBatch, functions.demoteLinksBatch);
  const demoteShard = demoteBatch.next(
    new sfn.Choice(scope, 'More in shard?', { stateName: 'More in shard?' })
      .when(sfn.Condition.isString('$.cursor'), demoteBatch)
      .otherwise(new sfn.Succeed(scope, 'Shard done', { stateName: 'Shard done' })),
  );
  const demoteAll = new sfn.Map(scope, 'Demote synced contacts', {
    stateName: 'Demote synced contacts',
    itemsPath: '$.shards',
    itemSelector: { ...runOnly, shard: sfn.JsonPath.numberAt('$$.Map.Item.Value'), cursor: null },
    maxConcurrency: DEMOTION_MAP_CONCURRENCY,
    resultPath: sfn.JsonPath.DISCARD,
  });
  demoteAll.itemProcessor(demoteShard);
  demoteAll.addCatch(recordFailure, onFailure);
  const demote = new sfn.Pass(scope, 'List link shards', {
    stateName: 'List link shards',
    parameters: { ...runOnly, shards: Array.from({ length: LINK_SHARDS }, (_, shard) => shard) },
  }).next(demoteAll.next(finish));

  // Organizations, once every account segment succeeded: one bounded call after another.
  const organizationsBatch = invoke(SYNC_TASKS.syncOrganizations, functions.syncOrganizations);
  organizationsBatch.addCatch(recordFailure, onFailure);
  const sweepOrFinish = new sfn.Choice(scope, 'Sweep?', { stateName: 'Sweep?' })
    .when(sfn.Condition.stringEquals('$.action', 'reconcile'), demote)
    .otherwise(finish);
  const organizations = new sfn.Pass(scope, 'Start organizations', {
    stateName: 'Start organizations',
    parameters: { ...runOnly, cursor: null },
  }).next(
    organizationsBatch.next(
      new sfn.Choice(scope, 'More organizations?', { stateName: 'More organizations?' })
        .when(sfn.Condition.isString('$.cursor'), organizationsBatch)
        .otherwise(sweepOrFinish),
    ),
  );

  // Disable: every synced company becomes regular, in bounded batches, then the contacts.
  const demoteCompanies = invoke(SYNC_TASKS.demoteCompaniesBatch, functions.demoteCompaniesBatch);
  demoteCompanies.addCatch(recordFailure, onFailure);
  const disable = new sfn.Pass(scope, 'Start company demotion', {
    stateName: 'Start company demotion',
    parameters: { ...runOnly, cursor: null },
  }).next(
    demoteCompanies.next(
      new sfn.Choice(scope, 'More companies?', { stateName: 'More companies?' })
        .when(sfn.Condition.isString('$.cursor'), demoteCompanies)
        .otherwise(demote),
    ),
  );

  // Read: plan a wave -> read its segments in parallel -> plan the next wave, until the list ends.
  const planWave = invoke(SYNC_TASKS.planWave, functions.planWave, {
    payload: sfn.TaskInput.fromObject({
      runId: sfn.JsonPath.stringAt('$.runId'),
      'wave.$': '$.wave',
      'results.$': '$.results',
    }),
    resultPath: '$.wave',
  });
  planWave.addCatch(recordFailure, onFailure);
  const syncSegments = new sfn.Map(scope, 'Sync user segments', {
    stateName: 'Sync user segments',
    itemsPath: '$.wave.segments',
    itemSelector: { ...runOnly, startAt: sfn.JsonPath.numberAt('$$.Map.Item.Value') },
    maxConcurrency: SEGMENTS_PER_WAVE,
    resultPath: '$.results',
  });
  syncSegments.itemProcessor(invoke(SYNC_TASKS.syncUsersSegment, functions.syncUsersSegment));
  syncSegments.addCatch(recordFailure, onFailure);
  const continueRun = invoke(SYNC_TASKS.continueSyncRun, functions.continueSyncRun, {
    payload: sfn.TaskInput.fromObject({
      ...runOnly,
      wave: sfn.JsonPath.objectAt('$.wave'),
      desks: sfn.JsonPath.objectAt('$.desks'),
      execution: sfn.JsonPath.stringAt('$$.Execution.Name'),
    }),
    resultPath: sfn.JsonPath.DISCARD,
  });
  continueRun.addCatch(recordFailure, onFailure);
  const continued = continueRun.next(new sfn.Succeed(scope, 'Continued', { stateName: 'Continued' }));
  // Then JSM: list the service desks, then each desk's customers, one bounded step at a time.
  const syncDesks = invoke(SYNC_TASKS.syncDeskCustomers, functions.syncDeskCustomers, {
    payload: sfn.TaskInput.fromObject({ ...runOnly, desks: sfn.JsonPath.objectAt('$.desks') }),
    resultPath: '$.desks',
  });
  syncDesks.addCatch(recordFailure, onFailure);
  syncDesks.next(
    new sfn.Choice(scope, 'All desks read?', { stateName: 'All desks read?' })
      .when(sfn.Condition.booleanEquals('$.desks.done', true), organizations)
      .when(sfn.Condition.booleanEquals('$.desks.continueAsNew', true), continued)
      .otherwise(syncDesks),
  );

  const read = planWave.next(
    new sfn.Choice(scope, 'All pages read?', { stateName: 'All pages read?' })
      .when(sfn.Condition.booleanEquals('$.wave.done', true), syncDesks)
      .when(sfn.Condition.booleanEquals('$.wave.continueAsNew', true), continued)
      .otherwise(syncSegments.next(planWave)),
  );

  // A new run starts at the top of the list; a continued one where its previous execution stopped.
  const start = new sfn.Pass(scope, 'Start run', {
    stateName: 'Start run',
    parameters: { ...runOnly, wave: { nextStartAt: 0, wavesInExecution: 0 }, results: [], desks: {} },
  });
  const resumeAt = new sfn.Pass(scope, 'Continue run', {
    stateName: 'Continue run',
    parameters: { ...runOnly, wave: sfn.JsonPath.objectAt('$.wave'), results: [], desks: {} },
  });
  const resumeDesks = new sfn.Pass(scope, 'Continue with service desks', {
    stateName: 'Continue with service desks',
    parameters: { ...runOnly, desks: sfn.JsonPath.objectAt('$.desks') },
  });
  const route = new sfn.Choice(scope, 'Which run?', { stateName: 'Which run?' })
    .when(sfn.Condition.stringEquals('$.action', 'disable'), disable)
    .otherwise(read);
  start.next(route);
  const carryOut = new sfn.Choice(scope, 'New or continued?', { stateName: 'New or continued?' })
    .when(sfn.Condition.isPresent('$.desks'), resumeDesks.next(syncDesks))
    .when(sfn.Condition.isPresent('$.wave'), resumeAt.next(route))
    .otherwise(start);

  // The size is measured once per run, at its start; a failed measurement leaves the estimate null.
  const estimate = invoke(SYNC_TASKS.estimateRunSize, functions.estimateRunSize, {
    payload: sfn.TaskInput.fromObject(runOnly),
    resultPath: sfn.JsonPath.DISCARD,
  });
  estimate.addCatch(new sfn.Pass(scope, 'Size unknown', { stateName: 'Size unknown' }), {
    errors: ['States.ALL'],
    resultPath: sfn.JsonPath.DISCARD,
  });
  const measure = new sfn.Choice(scope, 'Measure run?', { stateName: 'Measure run?' })
    .when(
      sfn.Condition.or(sfn.Condition.isPresent('$.wave'), sfn.Condition.isPresent('$.desks')),
      new sfn.Succeed(scope, 'Measured before', { stateName: 'Measured before' }),
    )
    .otherwise(estimate);
  const runAndMeasure = new sfn.Parallel(scope, 'Run and measure', {
    stateName: 'Run and measure',
    resultPath: sfn.JsonPath.DISCARD,
  })
    .branch(carryOut)
    .branch(measure);

  // The schedule starts the machine with only `{"action": "reconcile"}`: the run is claimed first.
  const begin = invoke(SYNC_TASKS.beginScheduledRun, functions.beginScheduledRun).next(
    new sfn.Choice(scope, 'Reconcile claimed?', { stateName: 'Reconcile claimed?' })
      .when(sfn.Condition.isPresent('$.runId'), runAndMeasure)
      .otherwise(
        new sfn.Succeed(scope, 'Nothing to reconcile', {
          stateName: 'Nothing to reconcile',
          comment: 'Syncing is off or another run is active.',
        }),
      ),
  );
  return new sfn.Choice(scope, 'Scheduled?', { stateName: 'Scheduled?' })
    .when(sfn.Condition.isNotPresent('$.runId'), begin)
    .otherwise(runAndMeasure);
}
