/**
 * What API Gateway's request validator accepts as a Jira webhook (JSON Schema draft-04, the
 * dialect API Gateway models use). The local gateway validates with the very same object.
 * It checks only the envelope: unknown events are accepted (and ignored by the consumer).
 */
export const WEBHOOK_REQUEST_SCHEMA = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  title: 'JiraWebhookDelivery',
  type: 'object',
  required: ['timestamp', 'webhookEvent'],
  properties: {
    timestamp: { type: 'number' },
    webhookEvent: { type: 'string', minLength: 1 },
    user: {
      type: 'object',
      required: ['accountId'],
      properties: {
        accountId: { type: 'string', minLength: 1 },
        accountType: { type: 'string' },
        displayName: { type: 'string' },
        emailAddress: { type: 'string' },
        active: { type: 'boolean' },
      },
    },
  },
} as const;

/** SQS's own message size limit; API Gateway answers 413 above it. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;
