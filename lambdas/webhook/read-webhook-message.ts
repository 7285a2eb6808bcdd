import type { SQSRecord } from 'aws-lambda';
import { WEBHOOK_ATTRIBUTES, type WebhookMessage } from './webhook-message.js';

/** The delivery carried by one SQS record, whichever queue (AWS or local) it came from. */
export function readWebhookMessage(record: SQSRecord): WebhookMessage {
  const attribute = (name: string) => record.messageAttributes?.[name]?.stringValue || undefined;
  return {
    body: record.body,
    signature: attribute(WEBHOOK_ATTRIBUTES.signature),
    deliveryId: attribute(WEBHOOK_ATTRIBUTES.deliveryId),
  };
}
