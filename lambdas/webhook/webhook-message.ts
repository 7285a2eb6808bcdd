/**
 * How a delivery travels on the queue: the raw body as the message body (the signature covers
 * those exact bytes) and Jira's headers as message attributes. API Gateway's SQS integration
 * (`lib/`) and the local gateway both write this shape; the consumer reads it.
 */
export const WEBHOOK_ATTRIBUTES = {
  signature: 'signature',
  deliveryId: 'deliveryId',
} as const;

export const WEBHOOK_HEADERS = {
  signature: 'x-hub-signature',
  deliveryId: 'x-atlassian-webhook-identifier',
} as const;

export interface WebhookMessage {
  body: string;
  signature: string | undefined;
  deliveryId: string | undefined;
}
