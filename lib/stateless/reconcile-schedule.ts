import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface ReconcileScheduleProps {
  /**
   * The sync state machine: a scheduled start carries only `{"action": "reconcile"}`, and it
   * claims the run.
   */
  readonly stateMachine: sfn.IStateMachine;
  /**
   * When to reconcile, in EventBridge Scheduler's syntax (`cron(...)` or `rate(...)`), in UTC. The
   * stack passes its `ReconcileSchedule` parameter, `cron(0 3 * * ? *)` (daily at 03:00 UTC) unless set.
   */
  readonly expression: string;
}

/**
 * Starts a reconcile on a schedule. EventBridge Scheduler assumes a role of its own that may start
 * this state machine and nothing else. A start while syncing is off, or while another run is
 * active, ends at once (the workflow's first step declines it) and is counted.
 */
export class ReconcileSchedule extends Construct {
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: ReconcileScheduleProps) {
    super(scope, id);
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Contact Sync: reconciles contacts with Jira (repairs whatever webhooks missed).',
      schedule: scheduler.ScheduleExpression.expression(props.expression),
      target: new targets.StepFunctionsStartExecution(props.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ action: 'reconcile' }),
        retryAttempts: 3,
      }),
    });
  }
}
