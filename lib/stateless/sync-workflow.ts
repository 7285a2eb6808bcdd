import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeWorkflowRole } from '../nag-acknowledgements.js';
import { type SyncWorkflowFunctions, buildSyncWorkflowDefinition } from '../sync-workflow-definition.js';

export interface SyncWorkflowProps {
  /** The task functions. */
  readonly functions: SyncWorkflowFunctions;
  /** A fixed name, so the continuation task can be granted its own state machine before it exists. */
  readonly stateMachineName: string;
}

/**
 * The user sync's state machine: the very definition the local runtime executes
 * (`buildSyncWorkflowDefinition`), with every event logged and X-Ray tracing on.
 */
export class SyncWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SyncWorkflowProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(buildSyncWorkflowDefinition(this, props.functions)),
      tracingEnabled: true,
      // Execution data holds run ids, page offsets and counts: nothing personal or secret.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    acknowledgeWorkflowRole(this.stateMachine, Object.values(props.functions));
  }
}
