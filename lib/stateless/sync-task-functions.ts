import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { SyncWorkflowFunctions } from '../sync-workflow-definition.js';
import { type JiraConnection, serviceAccountEnvironment } from './jira-connection.js';
import { ServiceFunction } from './service-function.js';

export interface SyncTaskFunctionsProps {
  table: dynamodb.ITable;
  jira: JiraConnection;
}

/**
 * The workflow's task functions, each with only what its task touches:
 * - plan wave: pure arithmetic, no grant at all;
 * - sync users page: Jira as the service account (its token's secret) and the table;
 * - demote batch, finish run: the table.
 */
export class SyncTaskFunctions extends Construct {
  readonly workflowFunctions: SyncWorkflowFunctions;
  readonly byName: Record<keyof SyncWorkflowFunctions, ServiceFunction>;

  constructor(scope: Construct, id: string, props: SyncTaskFunctionsProps) {
    super(scope, id);
    const tableName = { TABLE_NAME: props.table.tableName };

    const planWave = new ServiceFunction(this, 'PlanWave', {
      entry: 'handlers/sync-plan-wave.ts',
      description: 'Sync workflow: plans the next wave of Jira user pages.',
      timeout: Duration.seconds(10),
      memorySize: 256,
    });
    const syncUsersPage = new ServiceFunction(this, 'SyncUsersPage', {
      entry: 'handlers/sync-users-page.ts',
      description: 'Sync workflow: creates or links a contact for every account on one page of Jira users.',
      // A page is up to 1000 accounts, with Jira's 429 back-off in the worst case.
      timeout: Duration.minutes(10),
      memorySize: 1024,
      environment: { ...tableName, ...serviceAccountEnvironment(props.jira) },
    });
    const demoteLinksBatch = new ServiceFunction(this, 'DemoteLinksBatch', {
      entry: 'handlers/demote-links-batch.ts',
      description: 'Sync workflow: turns one batch of synced contacts back into regular ones.',
      timeout: Duration.minutes(5),
      environment: tableName,
    });
    const finishSyncRun = new ServiceFunction(this, 'FinishSyncRun', {
      entry: 'handlers/finish-sync-run.ts',
      description: "Sync workflow: records the run's outcome in the toggle's state.",
      timeout: Duration.seconds(30),
      memorySize: 256,
      environment: tableName,
    });

    for (const task of [syncUsersPage, demoteLinksBatch, finishSyncRun]) task.grantTableReadWrite(props.table);
    props.jira.apiToken.grantRead(syncUsersPage.function);

    this.byName = { planWave, syncUsersPage, demoteLinksBatch, finishSyncRun };
    this.workflowFunctions = {
      planWave: planWave.function,
      syncUsersPage: syncUsersPage.function,
      demoteLinksBatch: demoteLinksBatch.function,
      finishSyncRun: finishSyncRun.function,
    };
  }
}
