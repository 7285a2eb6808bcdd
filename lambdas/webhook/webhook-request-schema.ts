import { z } from 'zod';

/**
 * What makes a body a Jira webhook delivery, and all the edge checks: a JSON object with a string
 * `webhookEvent` and a numeric `timestamp`. Any other field, and any event name, passes: what a
 * genuine delivery carries beyond this is the consumer's to read or ignore, never a 400.
 */
export const webhookEnvelopeSchema = z
  .looseObject({
    timestamp: z.number(),
    webhookEvent: z.string(),
  })
  .meta({
    title: 'JiraWebhookDelivery',
    description: 'A Jira webhook delivery: any event, checked only for its envelope.',
  });

/**
 * The envelope as JSON Schema draft-04, the dialect of API Gateway models. Generated, never written
 * by hand: API Gateway's request model (`lib/`) and the local gateway's validator are this object.
 */
export const WEBHOOK_REQUEST_SCHEMA = z.toJSONSchema(webhookEnvelopeSchema, { target: 'draft-4' });

/** SQS's own message size limit; API Gateway answers 413 above it. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;
