import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { type SyncWorkflowFunctions, buildSyncWorkflowDefinition } from './sync-workflow-definition.js';

/**
 * The workflow's Amazon States Language, built from the very constructs that deploy. Lambda ARNs
 * stay unresolved tokens: the local runner binds tasks by state name instead.
 */
export function syncWorkflowAsl(): Record<string, unknown> {
  // Nothing is synthesized; one fixed assembly folder keeps each call from leaving a temporary one.
  const stack = new Stack(new App({ outdir: path.join(tmpdir(), 'contact-sync-asl') }), 'AslOnly');
  const placeholder = (name: string) => lambda.Function.fromFunctionName(stack, name, name);
  const functions: SyncWorkflowFunctions = {
    planWave: placeholder('planWave'),
    syncUsersSegment: placeholder('syncUsersSegment'),
    syncDeskCustomers: placeholder('syncDeskCustomers'),
    continueSyncRun: placeholder('continueSyncRun'),
    beginScheduledRun: placeholder('beginScheduledRun'),
    demoteLinksBatch: placeholder('demoteLinksBatch'),
    finishSyncRun: placeholder('finishSyncRun'),
    syncOrganizations: placeholder('syncOrganizations'),
    demoteCompaniesBatch: placeholder('demoteCompaniesBatch'),
    estimateRunSize: placeholder('estimateRunSize'),
  };
  const chain = buildSyncWorkflowDefinition(stack, functions);
  return stack.resolve(new sfn.StateGraph(chain.startState, 'sync').toGraphJson()) as Record<string, unknown>;
}
