import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { LINK_SHARDS } from '../lambdas/adapters/dynamodb/table-schema.js';
import { PAGES_PER_WAVE } from '../lambdas/domain/sync/page-plan.js';

/** The Lambda functions behind the workflow's tasks. */
export interface SyncWorkflowFunctions {
  planWave: IFunction;
  syncUsersPage: IFunction;
  demoteLinksBatch: IFunction;
  finishSyncRun: IFunction;
}

/**
 * Task state names. The local runner binds each to its handler by this name, so the deployed and
 * the local workflow are one definition.
 */
export const SYNC_TASKS = {
  planWave: 'Plan sync wave',
  syncUsersPage: 'Sync users page',
  demoteLinksBatch: 'Demote contacts batch',
  finishSyncRun: 'Finish sync run',
  recordFailure: 'Record sync failure',
} as const;

export const DEMOTION_MAP_CONCURRENCY = LINK_SHARDS;

/**
 * One state machine for both changes of the toggle.
 * - enable: waves of `users/search` pages (PAGES_PER_WAVE in parallel, Jira has no total) until a
 *   short page; each page is one bounded Lambda call.
 * - disable: every shard of account links in parallel, each walked in bounded batches.
 * Every task retries with backoff; whatever still fails is recorded and the run can be resumed.
 */
export function buildSyncWorkflowDefinition(scope: Construct, functions: SyncWorkflowFunctions): sfn.IChainable {
  const invoke = (name: string, fn: IFunction, props: Partial<tasks.LambdaInvokeProps> = {}): tasks.LambdaInvoke => {
    const task = new tasks.LambdaInvoke(scope, name, { stateName: name, lambdaFunction: fn, payloadResponseOnly: true, ...props });
    task.addRetry({
      errors: ['States.ALL'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 4,
      jitterStrategy: sfn.JitterType.FULL,
    });
    return task;
  };

  const recordFailure = invoke(SYNC_TASKS.recordFailure, functions.finishSyncRun, {
    payload: sfn.TaskInput.fromObject({
      action: sfn.JsonPath.stringAt('$.action'),
      runId: sfn.JsonPath.stringAt('$.runId'),
      failure: sfn.JsonPath.objectAt('$.failure'),
    }),
  }).next(new sfn.Fail(scope, 'Sync failed', { stateName: 'Sync failed', error: 'SyncRunFailed', cause: 'See the run error in the settings and the task logs.' }));
  const onFailure = { resultPath: '$.failure', errors: ['States.ALL'] };

  const finish = invoke(SYNC_TASKS.finishSyncRun, functions.finishSyncRun, {
    payload: sfn.TaskInput.fromObject({ action: sfn.JsonPath.stringAt('$.action'), runId: sfn.JsonPath.stringAt('$.runId') }),
    resultPath: sfn.JsonPath.DISCARD,
  }).next(new sfn.Succeed(scope, 'Sync finished', { stateName: 'Sync finished' }));

  // Enable: plan a wave -> read its pages in parallel -> plan the next wave, until a short page.
  const planWave = invoke(SYNC_TASKS.planWave, functions.planWave, {
    payload: sfn.TaskInput.fromObject({
      runId: sfn.JsonPath.stringAt('$.runId'),
      'wave.$': '$.wave',
      'results.$': '$.results',
    }),
    resultPath: '$.wave',
  });
  planWave.addCatch(recordFailure, onFailure);
  const syncPages = new sfn.Map(scope, 'Sync user pages', {
    stateName: 'Sync user pages',
    itemsPath: '$.wave.pages',
    itemSelector: { runId: sfn.JsonPath.stringAt('$.runId'), startAt: sfn.JsonPath.numberAt('$$.Map.Item.Value') },
    maxConcurrency: PAGES_PER_WAVE,
    resultPath: '$.results',
  });
  syncPages.itemProcessor(invoke(SYNC_TASKS.syncUsersPage, functions.syncUsersPage));
  syncPages.addCatch(recordFailure, onFailure);
  const enable = planWave.next(
    new sfn.Choice(scope, 'All pages read?', { stateName: 'All pages read?' })
      .when(sfn.Condition.booleanEquals('$.wave.done', true), finish)
      .otherwise(syncPages.next(planWave)),
  );

  // Disable: walk every shard of account links in parallel, a bounded batch per call.
  const demoteBatch = invoke(SYNC_TASKS.demoteLinksBatch, functions.demoteLinksBatch);
  const demoteShard = demoteBatch.next(
    new sfn.Choice(scope, 'More in shard?', { stateName: 'More in shard?' })
      .when(sfn.Condition.isString('$.cursor'), demoteBatch)
      .otherwise(new sfn.Succeed(scope, 'Shard done', { stateName: 'Shard done' })),
  );
  const demoteAll = new sfn.Map(scope, 'Demote synced contacts', {
    stateName: 'Demote synced contacts',
    itemsPath: '$.shards',
    itemSelector: { runId: sfn.JsonPath.stringAt('$.runId'), shard: sfn.JsonPath.numberAt('$$.Map.Item.Value'), cursor: null },
    maxConcurrency: DEMOTION_MAP_CONCURRENCY,
    resultPath: sfn.JsonPath.DISCARD,
  });
  demoteAll.itemProcessor(demoteShard);
  demoteAll.addCatch(recordFailure, onFailure);
  const disable = new sfn.Pass(scope, 'List link shards', {
    stateName: 'List link shards',
    parameters: {
      action: sfn.JsonPath.stringAt('$.action'),
      runId: sfn.JsonPath.stringAt('$.runId'),
      shards: Array.from({ length: LINK_SHARDS }, (_, shard) => shard),
    },
  }).next(demoteAll.next(finish));

  // The first wave has no previous wave or results yet.
  const start = new sfn.Pass(scope, 'Start run', {
    stateName: 'Start run',
    parameters: { action: sfn.JsonPath.stringAt('$.action'), runId: sfn.JsonPath.stringAt('$.runId'), wave: { nextStartAt: 0 }, results: [] },
  });
  return start.next(
    new sfn.Choice(scope, 'Enable or disable?', { stateName: 'Enable or disable?' })
      .when(sfn.Condition.stringEquals('$.action', 'enable'), enable)
      .otherwise(disable),
  );
}
