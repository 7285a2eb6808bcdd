import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Match } from 'aws-cdk-lib/assertions';
import { SEGMENTS_PER_WAVE } from '../../lambdas/domain/sync/page-plan.js';
import { LINK_SHARDS } from '../../lambdas/adapters/dynamodb/table-schema.js';
import { syncWorkflowAsl } from '../../lib/sync-workflow-asl.js';
import { SYNC_WORKFLOW_ASL_FILE, readSyncWorkflowAsl } from '../../lib/sync-workflow-asl-file.js';
import { SYNC_TASKS } from '../../lib/function-settings.js';
import { TASK_FUNCTION_TIMEOUTS } from '../../lib/sync-workflow-definition.js';
import { actionsOfRole, parseJoinedJson, sharedContactSyncStack } from './synthesized-stack.js';

const { stackName, template, logicalId } = sharedContactSyncStack();

interface AslState {
  Type: string;
  Resource?: string;
  MaxConcurrency?: number;
  ItemsPath?: string;
  Retry?: {
    ErrorEquals: string[];
    IntervalSeconds?: number;
    MaxAttempts?: number;
    BackoffRate?: number;
    JitterStrategy?: string;
  }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Choices?: Record<string, unknown>[];
  ItemProcessor?: { ProcessorConfig: { Mode: string }; States: Record<string, AslState> };
  Branches?: { StartAt: string; States: Record<string, AslState> }[];
}
interface Asl {
  StartAt: string;
  States: Record<string, AslState>;
}

const [stateMachineId, stateMachine] =
  Object.entries(template.findResources('AWS::StepFunctions::StateMachine'))[0] ?? [];
const deployed = parseJoinedJson<Asl>(
  (stateMachine?.Properties as { DefinitionString: unknown } | undefined)?.DefinitionString,
);

/** Every state, the Map and Parallel states' inner ones included. */
const allStates = (states: Record<string, AslState>): [string, AslState][] =>
  Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...allStates(state.ItemProcessor?.States ?? {}),
    ...(state.Branches ?? []).flatMap((branch) => allStates(branch.States)),
  ]);
const state = (name: string): AslState => {
  const found = allStates(deployed.States).find(([stateName]) => stateName === name);
  if (!found) throw new Error(`No state named ${name}`);
  return found[1];
};
const functionId = (task: string) => logicalId(`SyncTasks/${task}/Function`);

describe('the sync state machine', () => {
  it('is one standard state machine, logging every event with execution data, X-Ray on', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [
          {
            CloudWatchLogsLogGroup: {
              LogGroupArn: {
                'Fn::GetAtt': [logicalId('SyncWorkflow/Logs'), 'Arn'],
              },
            },
          },
        ],
      },
    });
  });

  it('runs the very definition the local runtime executes (buildSyncWorkflowDefinition)', () => {
    // Task ARNs differ (tokens here, placeholders locally); everything else must be identical.
    const withoutResources = (asl: unknown) =>
      JSON.parse(JSON.stringify(asl, (key, value: unknown) => (key === 'Resource' ? 'function' : value)));
    expect(withoutResources(deployed)).toEqual(withoutResources(syncWorkflowAsl()));
    expect(withoutResources(deployed)).toEqual(withoutResources(readSyncWorkflowAsl()));
  });

  it('is cached, as the constructs build it today, in the file the local runtime reads (npm run asl)', () => {
    const cached = readSyncWorkflowAsl();
    const built = syncWorkflowAsl();
    if (!isDeepStrictEqual(cached, built)) {
      throw new Error(
        `${path.relative(process.cwd(), SYNC_WORKFLOW_ASL_FILE)} is stale: the workflow's constructs changed. ` +
          'Run `npm run asl` to write it again, and commit it.',
      );
    }
    expect(cached).toEqual(built);
  });

  it.each(Object.values(SYNC_TASKS))('binds the task state "%s" by name', (name) => {
    expect(state(name).Type).toBe('Task');
  });

  it('invokes each task`s own function', () => {
    expect(state(SYNC_TASKS.planWave).Resource).toBe(`GetAtt:${functionId('PlanWave')}.Arn`);
    expect(state(SYNC_TASKS.syncUsersSegment).Resource).toBe(`GetAtt:${functionId('SyncUsersSegment')}.Arn`);
    expect(state(SYNC_TASKS.syncDeskCustomers).Resource).toBe(`GetAtt:${functionId('SyncDeskCustomers')}.Arn`);
    expect(state(SYNC_TASKS.continueSyncRun).Resource).toBe(`GetAtt:${functionId('ContinueSyncRun')}.Arn`);
    expect(state(SYNC_TASKS.beginScheduledRun).Resource).toBe(`GetAtt:${functionId('BeginScheduledRun')}.Arn`);
    expect(state(SYNC_TASKS.demoteLinksBatch).Resource).toBe(`GetAtt:${functionId('DemoteLinksBatch')}.Arn`);
    expect(state(SYNC_TASKS.finishSyncRun).Resource).toBe(`GetAtt:${functionId('FinishSyncRun')}.Arn`);
    expect(state(SYNC_TASKS.recordFailure).Resource).toBe(`GetAtt:${functionId('FinishSyncRun')}.Arn`);
    expect(state(SYNC_TASKS.syncOrganizations).Resource).toBe(`GetAtt:${functionId('SyncOrganizations')}.Arn`);
    expect(state(SYNC_TASKS.demoteCompaniesBatch).Resource).toBe(`GetAtt:${functionId('DemoteCompaniesBatch')}.Arn`);
  });

  it('loops over organizations after every account page and desk, and over synced companies before demoting contacts', () => {
    expect(state('All desks read?').Choices?.[0]).toMatchObject({ Next: 'Start organizations' });
    expect(state('Start organizations')).toMatchObject({ Type: 'Pass', Next: SYNC_TASKS.syncOrganizations });
    expect(state(SYNC_TASKS.syncOrganizations)).toMatchObject({ Next: 'More organizations?' });
    expect(state('More organizations?')).toMatchObject({
      Choices: [{ Variable: '$.cursor', IsString: true, Next: SYNC_TASKS.syncOrganizations }],
      Default: 'Sweep?',
    });
    expect(state('Which run?').Choices?.[0]).toMatchObject({ Next: 'Start company demotion' });
    expect(state('More companies?')).toMatchObject({
      Choices: [{ Variable: '$.cursor', IsString: true, Next: SYNC_TASKS.demoteCompaniesBatch }],
      Default: 'List link shards',
    });
    for (const task of [SYNC_TASKS.syncOrganizations, SYNC_TASKS.demoteCompaniesBatch]) {
      expect(state(task).Catch).toEqual([
        expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: SYNC_TASKS.recordFailure }),
      ]);
    }
  });

  it("measures a new run's size in a branch beside the run, whose failure is caught and never fails the run", () => {
    const parallel = state('Run and measure');
    const [run, measure] = parallel.Branches ?? [];
    expect(parallel.Type).toBe('Parallel');
    expect(parallel.Catch).toBeUndefined();
    expect(run?.StartAt).toBe('New or continued?');
    expect(measure?.StartAt).toBe('Measure run?');
    expect(Object.keys(measure?.States ?? {})).toEqual(
      expect.arrayContaining(['Measure run?', SYNC_TASKS.estimateRunSize, 'Size unknown']),
    );
    expect(Object.keys(measure?.States ?? {})).not.toContain(SYNC_TASKS.syncUsersSegment);
    expect(state(SYNC_TASKS.estimateRunSize).Resource).toBe(`GetAtt:${functionId('EstimateRunSize')}.Arn`);
    expect(state(SYNC_TASKS.estimateRunSize).Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Size unknown' }),
    ]);
  });

  it('fans out over pages and link shards with bounded Map concurrency', () => {
    expect(state('Sync user segments')).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.wave.segments',
      MaxConcurrency: SEGMENTS_PER_WAVE,
    });
    expect(state('Demote synced contacts')).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.shards',
      MaxConcurrency: LINK_SHARDS,
    });
    expect(SEGMENTS_PER_WAVE).toBeLessThanOrEqual(10);
    for (const map of ['Sync user segments', 'Demote synced contacts']) {
      expect(state(map).Catch).toEqual([
        expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: SYNC_TASKS.recordFailure }),
      ]);
    }
  });

  it.each(Object.values(SYNC_TASKS))(
    'retries "%s" with backoff on Lambda service errors and on any error (Jira included)',
    (name) => {
      expect(state(name).Retry).toEqual([
        expect.objectContaining({
          ErrorEquals: expect.arrayContaining(['Lambda.ServiceException', 'Lambda.SdkClientException']),
          BackoffRate: 2,
        }),
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: 'FULL' },
      ]);
    },
  );

  it('reads the service desks one step at a time, after users/search, before the sweep', () => {
    expect(state('All pages read?')).toMatchObject({
      Choices: expect.arrayContaining([
        expect.objectContaining({ Variable: '$.wave.done', Next: SYNC_TASKS.syncDeskCustomers }),
      ]),
    });
    expect(state(SYNC_TASKS.syncDeskCustomers)).toMatchObject({ ResultPath: '$.desks', Next: 'All desks read?' });
    expect(state('All desks read?')).toMatchObject({
      Choices: [
        expect.objectContaining({ Variable: '$.desks.done', Next: 'Start organizations' }),
        expect.objectContaining({ Variable: '$.desks.continueAsNew', Next: SYNC_TASKS.continueSyncRun }),
      ],
      Default: SYNC_TASKS.syncDeskCustomers,
    });
    expect(state(SYNC_TASKS.syncDeskCustomers).Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: SYNC_TASKS.recordFailure }),
    ]);
  });

  it('has a role that may invoke the ten task functions and nothing else of Lambda', () => {
    const roleId = logicalId('SyncWorkflow/StateMachine/Role');
    expect(actionsOfRole(template, roleId).filter((action) => action.startsWith('lambda:'))).toEqual([
      'lambda:InvokeFunction',
    ]);
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
    const invoked = Object.values(policies)
      .flatMap(
        (policy) =>
          (policy.Properties as { PolicyDocument: { Statement: { Action: string; Resource: unknown[] }[] } })
            .PolicyDocument.Statement,
      )
      .filter((statement) => statement.Action === 'lambda:InvokeFunction')
      .flatMap((statement) => statement.Resource)
      .map((resource) => JSON.stringify(resource))
      .filter((resource) => !resource.includes(':*'));
    const expected = [
      'PlanWave',
      'SyncUsersSegment',
      'SyncDeskCustomers',
      'ContinueSyncRun',
      'BeginScheduledRun',
      'DemoteLinksBatch',
      'FinishSyncRun',
      'SyncOrganizations',
      'DemoteCompaniesBatch',
      'EstimateRunSize',
    ].map((name) => JSON.stringify({ 'Fn::GetAtt': [functionId(name), 'Arn'] }));
    expect(invoked.sort()).toEqual(expected.sort());
    expect(stateMachineId).toBeDefined();
  });

  it('lets only the continuation task start the state machine again, by its fixed name', () => {
    const continueRoleId = logicalId('SyncTasks/ContinueSyncRun/Role');
    expect(actionsOfRole(template, continueRoleId)).toContain('states:StartExecution');
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: `${stackName}-user-sync`,
    });
  });

  it('gives each task a little longer than its function: a step is retried once its function has stopped', () => {
    const timeoutOf = (name: string) => (state(name) as AslState & { TimeoutSeconds?: number }).TimeoutSeconds;
    expect(timeoutOf(SYNC_TASKS.syncUsersSegment)).toBe(TASK_FUNCTION_TIMEOUTS.syncUsersSegment.toSeconds() + 30);
    expect(timeoutOf(SYNC_TASKS.demoteLinksBatch)).toBe(TASK_FUNCTION_TIMEOUTS.demoteLinksBatch.toSeconds() + 30);
    expect(timeoutOf(SYNC_TASKS.planWave)).toBe(TASK_FUNCTION_TIMEOUTS.planWave.toSeconds() + 30);
    expect(timeoutOf(SYNC_TASKS.syncOrganizations)).toBe(TASK_FUNCTION_TIMEOUTS.syncOrganizations.toSeconds() + 30);
    expect(timeoutOf(SYNC_TASKS.demoteCompaniesBatch)).toBe(
      TASK_FUNCTION_TIMEOUTS.demoteCompaniesBatch.toSeconds() + 30,
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Timeout: TASK_FUNCTION_TIMEOUTS.syncUsersSegment.toSeconds(),
    });
  });
});
