import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { WEBHOOK_ATTRIBUTES } from '../../lambdas/webhook/webhook-message.js';
import { signWebhookBody } from '../../local/jira-simulator/index.js';
import { toSqsRecord } from '../../local/queue/index.js';

const WEBHOOK_QUEUE = { queueArn: 'arn:aws:sqs:eu-west-1:000000000000:webhooks', awsRegion: 'eu-west-1' };

export interface QueuedDeliveryOptions {
  /** Signs the body, as Jira does; ignored when `signature` is given. */
  secret: string;
  /** The `X-Hub-Signature` sent instead of the genuine one; `undefined` sends none. */
  signature?: string | undefined;
  messageId?: string;
  deliveryId?: string;
  /** How often SQS has handed this message out, this time included. */
  receiveCount?: number;
}

/**
 * One webhook delivery as the consumer receives it: the raw body and Jira's headers as message
 * attributes (the shape API Gateway's integration and the local gateway queue), built by the local
 * queue's own SQS record builder.
 */
export function queuedDelivery(body: string, options: QueuedDeliveryOptions): SQSRecord {
  const messageId = options.messageId ?? randomUUID();
  const signature = 'signature' in options ? options.signature : signWebhookBody(body, options.secret);
  const attributes: Record<string, string> = {};
  if (options.deliveryId) attributes[WEBHOOK_ATTRIBUTES.deliveryId] = options.deliveryId;
  if (signature) attributes[WEBHOOK_ATTRIBUTES.signature] = signature;
  const sentAt = Date.now();
  return toSqsRecord(
    {
      id: messageId,
      body,
      attributes,
      sentAt,
      receiveCount: options.receiveCount ?? 1,
      firstReceiveAt: sentAt,
      receiptHandle: `receipt-${messageId}`,
    },
    WEBHOOK_QUEUE,
  );
}

/** The event Lambda's SQS event source mapping hands the consumer for these records. */
export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
