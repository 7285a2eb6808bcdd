import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type UserEventOutcome, applyUserEventBatch } from '../domain/sync/apply-user-event.js';
import { USER_EVENTS, type UserEvent, userEventSchema } from '../domain/sync/user-event.js';
import { describeIssues } from '../http/request.js';
import { jiraWebhookSecret } from '../shared/config.js';
import { dependencies } from '../shared/dependencies.js';
import { logger, metrics } from '../shared/powertools.js';
import { readWebhookMessage } from '../webhook/read-webhook-message.js';
import { hasValidSignature } from '../webhook/webhook-signature.js';

/** Receives before SQS moves a message to the dead-letter queue (the queue's redrive policy says the same). */
const MAX_RECEIVE_COUNT = Number(process.env.MAX_RECEIVE_COUNT ?? 5);

const processor = new BatchProcessor(EventType.SQS);

/** Named apart from the initial sync's counts so the dashboard can tell live sync from the sync runs. */
const OUTCOME_METRICS: Partial<Record<UserEventOutcome, string>> = {
  created: 'WebhookContactsCreated',
  linked: 'WebhookContactsLinked',
  updated: 'WebhookContactsUpdated',
  unlinked: 'WebhookContactsUnlinked',
};

/** A delivery that can never succeed, however often it is retried; it ends in the dead-letter queue. */
class UnprocessableDeliveryError extends Error {
  override readonly name = 'UnprocessableDeliveryError';
}

async function processRecord(record: SQSRecord, applyEvent: (event: UserEvent) => Promise<UserEventOutcome>): Promise<void> {
  const message = readWebhookMessage(record);
  const log = { messageId: record.messageId, deliveryId: message.deliveryId };
  try {
    if (!hasValidSignature(message.body, message.signature, await jiraWebhookSecret())) {
      // Forged or unsigned: changes nothing, and retrying cannot make it genuine.
      logger.warn('Delivery rejected: missing or wrong X-Hub-Signature', log);
      metrics.addMetric('RejectedSignatures', MetricUnit.Count, 1);
      return;
    }
    const event = parseUserEvent(message.body);
    if (!event) {
      metrics.addMetric('DeliveriesIgnored', MetricUnit.Count, 1);
      return;
    }
    const outcome = await applyEvent(event);
    logger.info('Delivery applied', { ...log, webhookEvent: event.webhookEvent, accountId: event.user.accountId, outcome });
    metrics.addMetric('DeliveriesProcessed', MetricUnit.Count, 1);
    const metric = OUTCOME_METRICS[outcome];
    if (metric) metrics.addMetric(metric, MetricUnit.Count, 1);
  } catch (error) {
    const receives = Number(record.attributes.ApproximateReceiveCount ?? 1);
    if (receives >= MAX_RECEIVE_COUNT) {
      logger.error('Delivery failed for the last time: it moves to the dead-letter queue', { ...log, receives, error: error as Error });
      metrics.addMetric('DeadLettered', MetricUnit.Count, 1);
    } else {
      logger.warn('Delivery failed; SQS will retry it', { ...log, receives, reason: (error as Error).message });
    }
    throw error;
  }
}

/** A user event, undefined for the other events Jira may send; a malformed user event cannot be processed. */
function parseUserEvent(body: string) {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new UnprocessableDeliveryError('The delivery body is not JSON.');
  }
  const name = (json as { webhookEvent?: unknown } | null)?.webhookEvent;
  if (!USER_EVENTS.includes(name as (typeof USER_EVENTS)[number])) return undefined;
  const parsed = userEventSchema.safeParse(json);
  if (!parsed.success) throw new UnprocessableDeliveryError(`The ${String(name)} delivery is malformed: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** (SQS, partial batch responses) --> apply user event --> (DynamoDB, Jira) */
export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics))
  .handler(async (event, context) => {
    metrics.addMetric('DeliveriesReceived', MetricUnit.Count, event.Records.length);
    const deps = { jira: dependencies.jira(), links: dependencies.links(), settings: dependencies.userSync() };
    // Whether syncing is on is read once per batch, not once per delivery.
    return applyUserEventBatch(deps, (applyEvent) =>
      processPartialResponse(event, (record: SQSRecord) => processRecord(record, applyEvent), processor, { context, throwOnFullBatchFailure: false }),
    );
  });
