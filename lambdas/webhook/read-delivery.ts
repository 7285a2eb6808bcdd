import type { SQSRecord } from 'aws-lambda';
import { describeIssues } from '../http/request.js';
import { type UserEvent, isUserEventName } from '../domain/sync/user-event.js';
import { type AccountMentionEvent, isMentionEventName } from '../domain/sync/account-mention.js';
import { readAccountMentions } from './account-mention-schema.js';
import { readDataCenterUserEvent } from './datacenter-user-event.js';
import type { JiraDeployment } from '../shared/jira-deployment.js';
import { readWebhookMessage } from './read-webhook-message.js';
import { identifiedUserSchema, userEventSchema } from './user-event-schema.js';
import { webhookEnvelopeSchema } from './webhook-request-schema.js';
import { type SignatureProblem, signatureProblem } from './webhook-signature.js';

/** Why a genuine delivery changes nothing: Jira may send both, so they are counted, not refused. */
export type IgnoredReason = 'unhandled-event' | 'no-account-id';

/** What one queued delivery turned out to be, before anything is applied. */
export type DeliveryReading = { deliveryId: string | undefined } & (
  | { kind: 'forged'; problem: SignatureProblem } // changes nothing, never retried
  | { kind: 'ignored'; webhookEvent: string; reason: IgnoredReason }
  | { kind: 'malformed'; reason: string } // signed, yet no Jira delivery: retried, then dead-lettered
  | { kind: 'user-event'; event: UserEvent }
  | { kind: 'account-mentions'; event: AccountMentionEvent } // an issue or comment event naming accounts
);

/**
 * Verifies the signature over the raw body, then reads the delivery: a user event with a Cloud
 * account (against Data Center: a v2 user's key) is applied; an issue or comment event names accounts that may need a contact; any other
 * event, or a user without `accountId`, is ignored.
 */
export function readDelivery(options: {
  record: SQSRecord;
  secret: string;
  /** Data Center's v2 users are applied only when the service runs against Data Center. */
  deployment: JiraDeployment;
}): DeliveryReading {
  const message = readWebhookMessage(options.record);
  const { deliveryId } = message;
  const problem = signatureProblem({ rawBody: message.body, signature: message.signature, secret: options.secret });
  if (problem) return { deliveryId, kind: 'forged', problem };
  let json: unknown;
  try {
    json = JSON.parse(message.body);
  } catch {
    return { deliveryId, kind: 'malformed', reason: 'The delivery body is not JSON.' };
  }
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success)
    return {
      deliveryId,
      kind: 'malformed',
      reason: `The delivery is not a Jira webhook: ${describeIssues(envelope.error)}`,
    };
  const { webhookEvent } = envelope.data;
  if (isMentionEventName(webhookEvent)) {
    const event = readAccountMentions({ ...envelope.data, webhookEvent });
    return event.accounts.length
      ? { deliveryId, kind: 'account-mentions', event }
      : { deliveryId, kind: 'ignored', webhookEvent, reason: 'no-account-id' };
  }
  if (!isUserEventName(webhookEvent)) return { deliveryId, kind: 'ignored', webhookEvent, reason: 'unhandled-event' };
  if (!identifiedUserSchema.safeParse(json).success) {
    // Data Center's v2 user: no accountId, its key is the id.
    const dataCenter = options.deployment === 'datacenter';
    const dataCenterEvent = dataCenter ? readDataCenterUserEvent(json) : undefined;
    if (dataCenterEvent) return { deliveryId, kind: 'user-event', event: dataCenterEvent };
    return { deliveryId, kind: 'ignored', webhookEvent, reason: 'no-account-id' };
  }
  const parsed = userEventSchema.safeParse(json);
  if (!parsed.success)
    return {
      deliveryId,
      kind: 'malformed',
      reason: `The ${webhookEvent} delivery is malformed: ${describeIssues(parsed.error)}`,
    };
  return { deliveryId, kind: 'user-event', event: parsed.data };
}
