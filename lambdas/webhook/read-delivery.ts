import type { SQSRecord } from 'aws-lambda';
import { describeIssues } from '../http/request.js';
import { USER_EVENTS, type UserEvent, userEventSchema } from '../domain/sync/user-event.js';
import { readWebhookMessage } from './read-webhook-message.js';
import { hasValidSignature } from './webhook-signature.js';

/** What one queued delivery turned out to be, before anything is applied. */
export type DeliveryReading = { deliveryId: string | undefined } & (
  | { kind: 'forged' } // missing or wrong signature: changes nothing, never retried
  | { kind: 'ignored' } // a genuine event that is not a user event
  | { kind: 'malformed'; reason: string } // genuine but unusable: retried, then dead-lettered
  | { kind: 'user-event'; event: UserEvent }
);

/** Verifies the signature over the raw body (constant time) and parses the user event. */
export function readDelivery(record: SQSRecord, secret: string): DeliveryReading {
  const message = readWebhookMessage(record);
  const { deliveryId } = message;
  if (!hasValidSignature(message.body, message.signature, secret)) return { deliveryId, kind: 'forged' };
  let json: unknown;
  try {
    json = JSON.parse(message.body);
  } catch {
    return { deliveryId, kind: 'malformed', reason: 'The delivery body is not JSON.' };
  }
  const name = (json as { webhookEvent?: unknown } | null)?.webhookEvent;
  if (!USER_EVENTS.includes(name as (typeof USER_EVENTS)[number])) return { deliveryId, kind: 'ignored' };
  const parsed = userEventSchema.safeParse(json);
  if (!parsed.success) return { deliveryId, kind: 'malformed', reason: `The ${String(name)} delivery is malformed: ${describeIssues(parsed.error)}` };
  return { deliveryId, kind: 'user-event', event: parsed.data };
}
