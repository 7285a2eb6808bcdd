import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONSUMER_BATCHING, CONSUMER_TIMEOUT_SECONDS, MAX_RECEIVE_COUNT } from '../function-settings.js';
import { type JiraConnection, serviceAccountEnvironment } from './jira-connection.js';
import { ServiceFunction } from './service-function.js';

/** The consumer's timeout (CONSUMER_TIMEOUT_SECONDS); the queue's visibility timeout is six times this. */
export const CONSUMER_TIMEOUT = Duration.seconds(CONSUMER_TIMEOUT_SECONDS);

/** How the consumer reads the queue (CONSUMER_BATCHING, which says why). */
export const CONSUMER_EVENT_SOURCE = {
  batchSize: CONSUMER_BATCHING.batchSize,
  maxBatchingWindow: Duration.seconds(CONSUMER_BATCHING.maxBatchingWindowSeconds),
  maxConcurrency: CONSUMER_BATCHING.maxConcurrency,
  reportBatchItemFailures: CONSUMER_BATCHING.reportBatchItemFailures,
} as const satisfies eventSources.SqsEventSourceProps;

export interface WebhookConsumerProps {
  /** The webhook queue the consumer reads, in batches with partial batch responses. */
  readonly queue: sqs.IQueue;
  /** The contacts table the deliveries are applied to. */
  readonly table: dynamodb.ITable;
  /** The Jira site and the service account's token (a delivery without an email is looked up). */
  readonly jira: JiraConnection;
  /** The secret each delivery's signature is checked with. */
  readonly webhookSecret: secretsmanager.ISecret;
}

/** (SQS webhook queue) --> the consumer function: checks each delivery's signature, then applies it. */
export class WebhookConsumer extends Construct {
  readonly handler: ServiceFunction;

  constructor(scope: Construct, id: string, props: WebhookConsumerProps) {
    super(scope, id);
    this.handler = new ServiceFunction(this, 'Consumer', {
      entry: 'handlers/webhook-consumer.ts',
      description: 'Webhook consumer: applies signed Jira user deliveries from the queue.',
      timeout: CONSUMER_TIMEOUT,
      environment: {
        TABLE_NAME: props.table.tableName,
        JIRA_WEBHOOK_SECRET_ARN: props.webhookSecret.secretArn,
        MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
        ...serviceAccountEnvironment(props.jira),
      },
    });
    const fn = this.handler.function;
    this.handler.grantTableReadWrite(props.table);
    props.jira.apiToken.grantRead(fn);
    props.webhookSecret.grantRead(fn);
    fn.addEventSource(new eventSources.SqsEventSource(props.queue, CONSUMER_EVENT_SOURCE));
  }
}
