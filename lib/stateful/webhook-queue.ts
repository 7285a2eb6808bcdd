import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_WEBHOOK_BYTES } from '../../lambdas/webhook/webhook-request-schema.js';
import { MAX_RECEIVE_COUNT } from '../function-settings.js';

export interface WebhookQueueProps {
  /** The consumer's timeout: SQS hides a received message for six times as long, as AWS advises. */
  readonly consumerTimeout: Duration;
}

/**
 * Where API Gateway puts every accepted Jira delivery, and the dead-letter queue that keeps those
 * the consumer failed MAX_RECEIVE_COUNT times (replayed with a message move task).
 * SQS-managed encryption, so API Gateway's role needs no KMS grant; TLS only.
 */
export class WebhookQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WebhookQueueProps) {
    super(scope, id);
    const common = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    } satisfies sqs.QueueProps;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', { ...common, retentionPeriod: Duration.days(14) });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      // SQS now accepts up to 1 MiB; capping at the contract's 256 KiB makes SQS refuse larger
      // deliveries, which the webhook route answers with 413.
      maxMessageSizeBytes: MAX_WEBHOOK_BYTES,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}
