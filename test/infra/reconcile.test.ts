import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { DEFAULT_RECONCILE_SCHEDULE } from '../../lib/reconcile-schedule.js';
import { ReconcileSchedule } from '../../lib/stateless/reconcile-schedule.js';
import { actionsOfRole, sharedContactSyncStack, testApp } from './synthesized-stack.js';

describe('ReconcileSchedule, on a bare stack', () => {
  const stack = new Stack(testApp(), 'Bare');
  const stateMachine = new sfn.StateMachine(stack, 'Machine', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')),
  });
  new ReconcileSchedule(stack, 'Reconcile', { stateMachine, expression: 'rate(12 hours)' });
  const template = Template.fromStack(stack);
  const machineId = stack.getLogicalId(stateMachine.node.defaultChild as sfn.CfnStateMachine);

  it('starts the state machine on the expression with only the action, which claims the run itself', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(12 hours)',
      State: 'ENABLED',
      Target: {
        Arn: { Ref: machineId },
        Input: JSON.stringify({ action: 'reconcile' }),
        RetryPolicy: { MaximumRetryAttempts: 3 },
      },
    });
  });

  it('gives the scheduler a role that may start this state machine and nothing else', () => {
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0] as {
      Properties: { Target: { RoleArn: { 'Fn::GetAtt': [string, string] } } };
    };
    const roleId = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0];
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {},
          },
        ],
      },
    });
    expect(actionsOfRole(template, roleId)).toEqual(['states:StartExecution']);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: machineId } }],
      },
    });
  });
});

describe('the deployed stack', () => {
  const { template, logicalId } = sharedContactSyncStack();

  it('takes the schedule as a parameter, daily at 03:00 UTC by default', () => {
    expect(DEFAULT_RECONCILE_SCHEDULE).toBe('cron(0 3 * * ? *)');
    template.hasParameter('ReconcileSchedule', { Type: 'String', Default: DEFAULT_RECONCILE_SCHEDULE });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: { Ref: 'ReconcileSchedule' } });
  });

  it('alarms when a reconcile fails', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ContactSync',
      MetricName: 'ReconcileRunsFailed',
      Threshold: 1,
      AlarmActions: [{ Ref: logicalId('Alarms/Topic') }],
    });
  });
});
