import { Match } from 'aws-cdk-lib/assertions';
import { FORGED_SURGE_THRESHOLD } from '../../lib/observability/sync-alarms.js';
import {
  RECONCILE_METRICS,
  RECONCILE_RUN_METRICS,
  SYNC_PROGRESS_METRICS,
  SYNC_RUN_METRICS,
  WEBHOOK_METRICS,
} from '../../lib/observability/sync-metrics.js';
import { parseJoinedJson, sharedContactSyncStack } from './synthesized-stack.js';

const { template, logicalId } = sharedContactSyncStack();

type MetricLine = (string | Record<string, unknown>)[];
interface Widget {
  type: string;
  properties: { title?: string; metrics?: MetricLine[]; query?: string; view?: string };
}

const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
const body = parseJoinedJson<{ widgets: Widget[] }>(
  (dashboard?.Properties as { DashboardBody: unknown } | undefined)?.DashboardBody,
);
const widget = (title: string): Widget => {
  const found = body.widgets.find((candidate) => candidate.properties.title === title);
  if (!found) throw new Error(`No widget titled ${title}`);
  return found;
};
/** A widget's metrics as `namespace/name dimension=value` strings (math expressions as their text). */
const metricsOf = (title: string): string[] =>
  (widget(title).properties.metrics ?? []).map((line) => {
    const [first, name, dimension, value] = line;
    if (typeof first !== 'string') return `expression ${String(first?.expression)}`;
    return `${first}/${String(name)} ${String(dimension)}=${String(value)}`;
  });
const queue = logicalId('WebhookQueue/Queue');
const deadLetterQueue = logicalId('WebhookQueue/DeadLetterQueue');
const emf = (name: string) => `ContactSync/${name} service=contact-sync`;

describe('the dashboard', () => {
  it('is one dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it("shows the sync's own counts over time and as totals", () => {
    expect(metricsOf('Sync progress over time')).toEqual(SYNC_PROGRESS_METRICS.map(emf));
    expect(metricsOf('Sync totals (time range)')).toEqual([...SYNC_PROGRESS_METRICS, ...SYNC_RUN_METRICS].map(emf));
    expect(metricsOf('Sync runs (as the workflow records them)')).toEqual(SYNC_RUN_METRICS.map(emf));
  });

  it('shows each run`s counts, summed from the EMF lines by runId, over the sync tasks` log groups', () => {
    const { query, view } = widget('Sync progress per run').properties;
    expect(view).toBe('table');
    expect(query).toContain('filter ispresent(runId)');
    expect(query).toMatch(
      /stats sum\(AccountsProcessed\) as AccountsProcessed, .*sum\(AccountsFailed\) as AccountsFailed, .* by runId/,
    );
    for (const task of ['PlanWave', 'SyncUsersSegment', 'DemoteLinksBatch', 'FinishSyncRun']) {
      expect(query).toContain(`SOURCE 'Ref:${logicalId(`SyncTasks/${task}/Logs`)}'`);
    }
  });

  it("shows the webhook consumer's counts, the queue's depth and oldest age, and the dead letters", () => {
    expect(metricsOf('Webhook deliveries')).toEqual(WEBHOOK_METRICS.map(emf));
    expect(metricsOf('Webhook queue: depth and age of the oldest message')).toEqual([
      `AWS/SQS/ApproximateNumberOfMessagesVisible QueueName=GetAtt:${queue}.QueueName`,
      `AWS/SQS/ApproximateNumberOfMessagesNotVisible QueueName=GetAtt:${queue}.QueueName`,
      `AWS/SQS/ApproximateAgeOfOldestMessage QueueName=GetAtt:${queue}.QueueName`,
    ]);
    expect(metricsOf('Dead-letter queue depth')).toEqual([
      `AWS/SQS/ApproximateNumberOfMessagesVisible QueueName=GetAtt:${deadLetterQueue}.QueueName`,
    ]);
  });

  it('shows the rate of forged deliveries, and their share of all deliveries', () => {
    const metrics = metricsOf('Forged deliveries');
    expect(metrics).toEqual([
      emf('ForgedDeliveries'),
      'expression 100 * FILL(forged, 0) / received',
      emf('DeliveriesReceived'),
    ]);
    const [perMinute, share, received] = widget('Forged deliveries').properties.metrics ?? [];
    expect(perMinute?.at(-1)).toMatchObject({ id: 'forged', label: 'forged per minute', period: 60, stat: 'Sum' });
    expect(share?.at(-1)).toMatchObject({ label: '% of deliveries', yAxis: 'right' });
    expect(received?.at(-1)).toMatchObject({ id: 'received', visible: false, stat: 'Sum' });
    expect(metricsOf('Webhook deliveries')).not.toContain(emf('ForgedDeliveries'));
  });

  it.each([
    ['Lambda errors', 'Errors'],
    ['Lambda throttles', 'Throttles'],
    ['Lambda duration p99 (ms)', 'Duration'],
  ])('shows %s for all seventeen functions', (title, metricName) => {
    const metrics = metricsOf(title);
    expect(metrics).toHaveLength(17);
    expect(metrics.every((metric) => metric.startsWith(`AWS/Lambda/${metricName} FunctionName=Ref:`))).toBe(true);
  });

  it('shows reconcile runs and the drift each repaired', () => {
    expect(metricsOf('Reconcile runs')).toEqual(RECONCILE_RUN_METRICS.map(emf));
    expect(metricsOf('Drift repaired per reconcile (created, updated, unlinked)')).toEqual(RECONCILE_METRICS.map(emf));
  });

  it('shows the workflow`s executions running, succeeded and failed', () => {
    const [stateMachine] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    const metrics = metricsOf('Sync workflow executions');
    expect(metrics[0]).toMatch(
      /^expression RUNNING_SUM\(FILL\(started, 0\) - FILL\(succeeded, 0\) - FILL\(failed, 0\)/,
    );
    expect(metrics).toEqual(
      expect.arrayContaining(
        ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut'].map(
          (name) => `AWS/States/${name} StateMachineArn=Ref:${stateMachine}`,
        ),
      ),
    );
  });
});

describe('the alarms', () => {
  const topic = () => logicalId('Alarms/Topic');

  it('are twenty-two, every one notifying the alarm topic', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 22);
    template.allResourcesProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: topic() }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('fire on a single dead-lettered delivery', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterQueue, 'QueueName'] } }],
      Threshold: 1,
      EvaluationPeriods: 1,
    });
  });

  it('fire when the oldest delivery has waited ten minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      Threshold: 600,
    });
  });

  it('fire on a surge of forged deliveries', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ContactSync',
      MetricName: 'ForgedDeliveries',
      Dimensions: [{ Name: 'service', Value: 'contact-sync' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: FORGED_SURGE_THRESHOLD,
      EvaluationPeriods: 1,
      AlarmDescription: Match.stringLikeRegexp('X-Hub-Signature.*JIRA_WEBHOOK_SECRET'),
    });
    expect(FORGED_SURGE_THRESHOLD).toBeGreaterThan(1);
  });

  it('fire on any error of each of the seventeen functions', () => {
    const functionIds = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functionIds).toHaveLength(17);
    for (const functionId of functionIds) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
        Statistic: 'Sum',
        Threshold: 1,
      });
    }
  });

  it('fire on a failed sync execution', () => {
    const [stateMachine] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: stateMachine } }],
      Threshold: 1,
    });
  });

  it('go to a KMS-encrypted, TLS-only topic with the AlarmEmail parameter subscribed', () => {
    const key = logicalId('Alarms/TopicKey');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: { Ref: 'AlarmEmail' },
      TopicArn: { Ref: topic() },
    });
    template.hasParameter('AlarmEmail', { Type: 'String', AllowedPattern: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });
});
