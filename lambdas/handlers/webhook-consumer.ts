import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { jiraDeployment, webhookDeps } from '../composition.js';
import { type UserEventBatch, type UserEventOutcome, beginUserEventBatch } from '../domain/sync/apply-user-event.js';
import { type MentionOutcome, RecentLookups } from '../domain/sync/apply-account-mentions.js';
import { jiraWebhookSecret } from '../shared/config.js';
import { environment } from '../shared/environment.js';
import { OccurrenceSampler } from '../shared/occurrence-sampler.js';
import { METRIC, type MetricName } from '../shared/metric-names.js';
import { logger, metrics } from '../shared/powertools.js';
import { sqsBatchHandler } from '../shared/sqs-batch-handler.js';
import { type DeliveryReading, readDelivery } from '../webhook/read-delivery.js';

/** Accounts issue events named that were looked up lately and not eligible: one per container. */
const recentLookups = new RecentLookups();

/** Forged deliveries are counted each (`ForgedDeliveries`) but logged one in this many. */
const FORGED_LOG_EVERY = 100;
const forgedLogSampler = new OccurrenceSampler({ every: FORGED_LOG_EVERY });

/** Named apart from the initial sync's counts so the dashboard can tell live sync from the sync runs. */
const OUTCOME_METRICS: Partial<Record<UserEventOutcome | MentionOutcome, MetricName>> = {
  created: METRIC.WebhookContactsCreated,
  linked: METRIC.WebhookContactsLinked,
  updated: METRIC.WebhookContactsUpdated,
  unlinked: METRIC.WebhookContactsUnlinked,
};

/** A delivery that can never succeed, however often it is retried; it ends in the dead-letter queue. */
class UnprocessableDeliveryError extends Error {
  override readonly name = 'UnprocessableDeliveryError';
}

async function processRecord(record: SQSRecord, reading: DeliveryReading, batch: UserEventBatch): Promise<void> {
  const log = { messageId: record.messageId, deliveryId: reading.deliveryId };
  try {
    switch (reading.kind) {
      case 'forged': {
        // Forged or unsigned: changes nothing, and retrying cannot make it genuine. Anyone can send
        // these, so each is counted but only a sample is logged, in one short line.
        metrics.addMetric(METRIC.ForgedDeliveries, MetricUnit.Count, 1);
        const { log: logThis, seen } = forgedLogSampler.next();
        if (logThis)
          logger.warn(
            `Forged delivery ${reading.deliveryId ?? '-'}: ${reading.problem} X-Hub-Signature ` +
              `(${seen} so far, 1 in ${FORGED_LOG_EVERY} logged)`,
          );
        return;
      }
      case 'ignored':
        // Jira sends these too (other events, Data Center-style users): counted, never refused.
        metrics.addMetric(METRIC.DeliveriesIgnored, MetricUnit.Count, 1);
        logger.debug('Delivery ignored', {
          deliveryId: reading.deliveryId,
          webhookEvent: reading.webhookEvent,
          reason: reading.reason,
        });
        return;
      case 'malformed':
        throw new UnprocessableDeliveryError(reading.reason);
      case 'user-event': {
        const { event } = reading;
        const outcome = await batch.apply(event);
        logger.info('Delivery applied', {
          ...log,
          webhookEvent: event.webhookEvent,
          accountId: event.user.accountId,
          outcome,
        });
        metrics.addMetric(METRIC.DeliveriesProcessed, MetricUnit.Count, 1);
        const metric = OUTCOME_METRICS[outcome];
        if (metric) metrics.addMetric(metric, MetricUnit.Count, 1);
        return;
      }
      case 'account-mentions': {
        // An issue or comment event: the accounts it names that have no contact yet get one.
        const outcomes = await batch.applyMentions(reading.event);
        logger.info('Delivery applied', { ...log, webhookEvent: reading.event.webhookEvent, outcomes });
        metrics.addMetric(METRIC.DeliveriesProcessed, MetricUnit.Count, 1);
        for (const { outcome } of outcomes) {
          const metric = OUTCOME_METRICS[outcome];
          if (metric) metrics.addMetric(metric, MetricUnit.Count, 1);
        }
      }
    }
  } catch (error) {
    const receives = Number(record.attributes.ApproximateReceiveCount ?? 1);
    // Receives before SQS moves a message to the dead-letter queue (the queue's redrive policy says the same).
    if (receives >= environment().MAX_RECEIVE_COUNT) {
      logger.error('Delivery failed for the last time: it moves to the dead-letter queue', {
        ...log,
        receives,
        error: error as Error,
      });
      metrics.addMetric(METRIC.DeadLettered, MetricUnit.Count, 1);
    } else {
      logger.warn('Delivery failed; SQS will retry it', { ...log, receives, reason: (error as Error).message });
    }
    throw error;
  }
}

/** (SQS, partial batch responses) --> apply user event --> (DynamoDB, Jira) */
export const handler = sqsBatchHandler(async (event) => {
  metrics.addMetric(METRIC.DeliveriesReceived, MetricUnit.Count, event.Records.length);
  const secret = await jiraWebhookSecret();
  const deployment = await jiraDeployment();
  const readings = new Map(
    event.Records.map((record) => [record.messageId, readDelivery({ record, secret, deployment })]),
  );
  const readingOf = (record: SQSRecord): DeliveryReading =>
    readings.get(record.messageId) ?? { deliveryId: undefined, kind: 'forged', problem: 'missing' };
  const userEvents = [...readings.values()].flatMap((reading) =>
    reading.kind === 'user-event' ? [reading.event] : [],
  );
  const mentions = [...readings.values()].flatMap((reading) =>
    reading.kind === 'account-mentions' ? [reading.event] : [],
  );
  // Whether syncing is on, the links and the emails are read once per batch, not once per delivery.
  const batch = await beginUserEventBatch(await webhookDeps(), userEvents, { mentions, recentLookups });
  return {
    processRecord: (record) => processRecord(record, readingOf(record), batch),
    settle: () => batch.settle(),
  };
});
