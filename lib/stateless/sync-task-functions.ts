import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { type SyncWorkflowFunctions, TASK_FUNCTION_TIMEOUTS } from '../sync-workflow-definition.js';
import { type JiraConnection, serviceAccountEnvironment } from './jira-connection.js';
import { ServiceFunction } from './service-function.js';

export interface SyncTaskFunctionsProps {
  /** The contacts table every task reads and writes. */
  readonly table: dynamodb.ITable;
  /** The Jira site and the service account's token. */
  readonly jira: JiraConnection;
  /** The sync state machine's ARN (built from its name: the workflow needs these functions first). */
  readonly stateMachineArn: string;
}

/**
 * The workflow's task functions, each with only what its task touches:
 * - plan wave: pure arithmetic, no grant at all;
 * - continue run: starting the sync state machine, nothing else;
 * - sync users segment, sync desk customers: Jira as the service account (its token's secret) and the table;
 * - sync organizations: Jira as the service account and the table;
 * - demote batch, demote companies batch, begin scheduled run, finish run: the table;
 * - estimate run size: Jira as the service account (its token's secret) and the table (it counts links).
 */
export class SyncTaskFunctions extends Construct {
  readonly workflowFunctions: SyncWorkflowFunctions;
  readonly byName: Record<keyof SyncWorkflowFunctions, ServiceFunction>;

  constructor(scope: Construct, id: string, props: SyncTaskFunctionsProps) {
    super(scope, id);
    const tableName = { TABLE_NAME: props.table.tableName };

    const planWave = new ServiceFunction(this, 'PlanWave', {
      entry: 'handlers/sync-plan-wave.ts',
      description: 'Sync workflow: plans the next wave of Jira user segments.',
      timeout: TASK_FUNCTION_TIMEOUTS.planWave,
      memorySize: 256,
    });
    const syncUsersSegment = new ServiceFunction(this, 'SyncUsersSegment', {
      entry: 'handlers/sync-users-segment.ts',
      description: 'Sync workflow: creates or links a contact for every account on one page of Jira users.',
      timeout: TASK_FUNCTION_TIMEOUTS.syncUsersSegment,
      memorySize: 1024,
      environment: { ...tableName, ...serviceAccountEnvironment(props.jira) },
    });
    const syncDeskCustomers = new ServiceFunction(this, 'SyncDeskCustomers', {
      entry: 'handlers/sync-desk-customers.ts',
      description: "Sync workflow: lists the service desks, then syncs one step of a desk's JSM customers.",
      timeout: TASK_FUNCTION_TIMEOUTS.syncDeskCustomers,
      memorySize: 1024,
      environment: { ...tableName, ...serviceAccountEnvironment(props.jira) },
    });
    const demoteLinksBatch = new ServiceFunction(this, 'DemoteLinksBatch', {
      entry: 'handlers/demote-links-batch.ts',
      description: 'Sync workflow: turns one batch of synced contacts back into regular ones.',
      timeout: TASK_FUNCTION_TIMEOUTS.demoteLinksBatch,
      environment: tableName,
    });
    const continueSyncRun = new ServiceFunction(this, 'ContinueSyncRun', {
      entry: 'handlers/continue-sync-run.ts',
      description: 'Sync workflow: continues a long run in a new execution, so no history grows past its limit.',
      timeout: TASK_FUNCTION_TIMEOUTS.continueSyncRun,
      memorySize: 256,
      environment: { STATE_MACHINE_ARN: props.stateMachineArn },
    });
    continueSyncRun.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [props.stateMachineArn] }),
    );
    const beginScheduledRun = new ServiceFunction(this, 'BeginScheduledRun', {
      entry: 'handlers/begin-scheduled-run.ts',
      description: 'Sync workflow: claims the scheduled reconcile run, or declines while another run is active.',
      timeout: TASK_FUNCTION_TIMEOUTS.beginScheduledRun,
      memorySize: 256,
      environment: tableName,
    });
    const finishSyncRun = new ServiceFunction(this, 'FinishSyncRun', {
      entry: 'handlers/finish-sync-run.ts',
      description: "Sync workflow: records the run's outcome in the toggle's state.",
      timeout: TASK_FUNCTION_TIMEOUTS.finishSyncRun,
      memorySize: 256,
      environment: tableName,
    });

    const syncOrganizations = new ServiceFunction(this, 'SyncOrganizations', {
      entry: 'handlers/sync-organizations.ts',
      description: 'Sync workflow: turns one page of JSM organizations into companies, with their members.',
      timeout: TASK_FUNCTION_TIMEOUTS.syncOrganizations,
      environment: { ...tableName, ...serviceAccountEnvironment(props.jira) },
    });
    const demoteCompaniesBatch = new ServiceFunction(this, 'DemoteCompaniesBatch', {
      entry: 'handlers/demote-companies-batch.ts',
      description: 'Sync workflow: turns one batch of synced companies back into regular ones.',
      timeout: TASK_FUNCTION_TIMEOUTS.demoteCompaniesBatch,
      memorySize: 256,
      environment: tableName,
    });

    const estimateRunSize = new ServiceFunction(this, 'EstimateRunSize', {
      entry: 'handlers/estimate-run-size.ts',
      description: "Sync workflow: measures a run's size beside it (users/search probes, or the links to demote).",
      timeout: TASK_FUNCTION_TIMEOUTS.estimateRunSize,
      memorySize: 256,
      environment: { ...tableName, ...serviceAccountEnvironment(props.jira) },
    });

    for (const task of [
      syncUsersSegment,
      syncDeskCustomers,
      demoteLinksBatch,
      beginScheduledRun,
      finishSyncRun,
      syncOrganizations,
      demoteCompaniesBatch,
      estimateRunSize,
    ])
      task.grantTableReadWrite(props.table);
    for (const reader of [syncUsersSegment, syncDeskCustomers, syncOrganizations, estimateRunSize])
      props.jira.apiToken.grantRead(reader.function);

    this.byName = {
      planWave,
      syncUsersSegment,
      syncDeskCustomers,
      continueSyncRun,
      beginScheduledRun,
      demoteLinksBatch,
      finishSyncRun,
      syncOrganizations,
      demoteCompaniesBatch,
      estimateRunSize,
    };
    this.workflowFunctions = {
      planWave: planWave.function,
      syncUsersSegment: syncUsersSegment.function,
      syncDeskCustomers: syncDeskCustomers.function,
      continueSyncRun: continueSyncRun.function,
      beginScheduledRun: beginScheduledRun.function,
      demoteLinksBatch: demoteLinksBatch.function,
      finishSyncRun: finishSyncRun.function,
      syncOrganizations: syncOrganizations.function,
      demoteCompaniesBatch: demoteCompaniesBatch.function,
      estimateRunSize: estimateRunSize.function,
    };
  }
}
