import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT } from '../stateful/webhook-queue.js';
import { type JiraConnection, serviceAccountEnvironment } from './jira-connection.js';
import { ServiceFunction } from './service-function.js';

/**
 * A batch of ten, applied one after the other, looks up at most ten users in Jira (with back-off on
 * 429) and writes a few items each: well inside a minute. The queue's visibility timeout is six times this.
 */
export const CONSUMER_TIMEOUT = Duration.seconds(60);

/**
 * How the consumer reads the queue.
 * - batch size 10, window 5 s: deliveries come in bursts (a bulk import in Jira fires one per user);
 *   gathering them for up to 5 s costs little latency and cuts invocations tenfold.
 * - at most 5 concurrent consumers of up to 10 deliveries each: at most 50 deliveries in flight, so
 *   Jira sees few calls from webhooks (only payloads without an email need one), leaving its rate
 *   limit to the sync's PAGES_PER_WAVE pages, and DynamoDB on-demand absorbs the writes easily.
 * - partial batch responses: one bad delivery is retried (and finally dead-lettered) alone.
 */
export const CONSUMER_EVENT_SOURCE = {
  batchSize: 10,
  maxBatchingWindow: Duration.seconds(5),
  maxConcurrency: 5,
  reportBatchItemFailures: true,
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
