import { Ajv } from 'ajv';
import { errorBody } from '../lambdas/http/error-body.js';
import { WEBHOOK_HEADERS, WEBHOOK_ATTRIBUTES } from '../lambdas/webhook/webhook-message.js';
import { MAX_WEBHOOK_BYTES, WEBHOOK_REQUEST_SCHEMA } from '../lambdas/webhook/webhook-request-schema.js';
import type { RawRoute } from './api-gateway.js';

export type EnqueueWebhook = (body: string, attributes: Record<string, string>) => Promise<{ messageId: string }>;

/** The webhook route, with the request model it validates against (API Gateway's, the very object). */
export type WebhookIngestRoute = RawRoute & { readonly requestSchema: typeof WEBHOOK_REQUEST_SCHEMA };

/** `application/json`, any case, with or without parameters (`; charset=utf-8`); absent counts as JSON too. */
function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined || value.trim() === '') return true;
  return value.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * The local stand-in for API Gateway's direct SQS integration: the same request model, the same
 * message shape, no business logic. Answers 202 only once the queue has the message on disk.
 */
export function webhookIngestRoute(enqueue: EnqueueWebhook): WebhookIngestRoute {
  // Ajv speaks draft-07 by default; the draft-04 envelope uses nothing that differs between them.
  const { $schema: _dialect, ...schema } = WEBHOOK_REQUEST_SCHEMA;
  const validateDelivery = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const invalid = (message: string) => ({ statusCode: 400, body: errorBody('BAD_REQUEST', message) });

  const route: RawRoute = async ({ body, headers }) => {
    // As API Gateway: a body declared as anything but JSON is 415; one declared as nothing is taken as JSON.
    if (!isJsonContentType(headers['content-type'])) {
      return {
        statusCode: 415,
        body: errorBody('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.'),
      };
    }
    if (body.length > MAX_WEBHOOK_BYTES) {
      return { statusCode: 413, body: errorBody('PAYLOAD_TOO_LARGE', 'A webhook delivery may be at most 256 KiB.') };
    }
    const text = body.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return invalid('The delivery is not JSON.');
    }
    if (!validateDelivery(json)) {
      const details = (validateDelivery.errors ?? [])
        .map((error) => `${error.instancePath || 'body'} ${error.message}`)
        .join('; ');
      return invalid(
        'The delivery is not a Jira webhook (a JSON object with a string webhookEvent and a numeric timestamp): ' +
          `${details}.`,
      );
    }
    const attributes: Record<string, string> = {};
    // Node lower-cases header names, whatever spelling the sender used.
    const signature = headers[WEBHOOK_HEADERS.signature];
    const deliveryId = headers[WEBHOOK_HEADERS.deliveryId];
    if (signature) attributes[WEBHOOK_ATTRIBUTES.signature] = signature;
    if (deliveryId) attributes[WEBHOOK_ATTRIBUTES.deliveryId] = deliveryId;
    const { messageId } = await enqueue(text, attributes);
    return { statusCode: 202, body: { accepted: true, messageId } };
  };
  return Object.assign(route, { requestSchema: WEBHOOK_REQUEST_SCHEMA });
}
