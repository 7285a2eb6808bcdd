import { Match } from 'aws-cdk-lib/assertions';
import { EMAIL_INDEX, KIND_INDEX, TABLE_KEYS, TTL_ATTRIBUTE } from '../../lambdas/adapters/dynamodb/table-schema.js';
import { MAX_WEBHOOK_BYTES } from '../../lambdas/webhook/webhook-request-schema.js';
import { CONSUMER_TIMEOUT } from '../../lib/stateless/webhook-consumer.js';
import { sharedContactSyncStack } from './synthesized-stack.js';

const { template } = sharedContactSyncStack();

describe('the table', () => {
  it('is the single on-demand table with the keys of table-schema.ts', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it.each([EMAIL_INDEX, KIND_INDEX])('has the $name GSI with every attribute projected', (index) => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ]),
    });
  });

  it('has point-in-time recovery, KMS encryption at rest and the TTL attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('is kept when the stack is deleted or the table replaced', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('the webhook queue', () => {
  const queues = () => template.findResources('AWS::SQS::Queue');
  const deadLetterQueueId = () => {
    const [id] = Object.entries(queues()).find(([, queue]) => !queue.Properties.RedrivePolicy) ?? [];
    if (!id) throw new Error('No dead-letter queue');
    return id;
  };

  it('is a queue and its dead-letter queue, both encrypted by SQS and kept on deletion', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.allResources('AWS::SQS::Queue', {
      Properties: Match.objectLike({ SqsManagedSseEnabled: true }),
      DeletionPolicy: 'Retain',
    });
  });

  it('moves a delivery to the dead-letter queue after 5 receives (the consumer`s MAX_RECEIVE_COUNT)', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueueId(), 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  it('hides a received message for six times the consumer`s timeout and refuses messages over 256 KiB', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: CONSUMER_TIMEOUT.toSeconds() * 6,
      MaximumMessageSize: MAX_WEBHOOK_BYTES,
      RedrivePolicy: Match.anyValue(),
    });
  });

  it('keeps dead letters for 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 14 * 24 * 3600,
      RedrivePolicy: Match.absent(),
    });
  });

  it('denies every request not made over TLS, on both queues', () => {
    template.resourceCountIs('AWS::SQS::QueuePolicy', 2);
    template.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('the secrets', () => {
  // Two for Jira, one for the cursor key.
  it('are three Secrets Manager secrets whose values are generated, never written in the template', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 3);
    template.allResourcesProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: Match.anyValue() }),
      SecretString: Match.absent(),
    });
  });
});
