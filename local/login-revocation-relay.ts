/**
 * Local only: the webhook consumer as the local runtime runs it, in a worker thread. On AWS nothing
 * like it runs: each API container forgets a login within its cache's time to live, as the README's
 * "Revocation" says, since the consumer cannot reach them. Locally the API's login cache lives in
 * the main thread, which can be told at once: after each batch, each delivery the consumer applied
 * that ends an account's logins is named to the main thread (`{ loginRevoked }`), before the
 * batch's answer, so a drained queue means the logins have ended.
 */
import { parentPort } from 'node:worker_threads';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { jiraDeployment } from '../lambdas/composition.js';
import { revokesLogin } from '../lambdas/domain/login-revocations.js';
import { handler as consumer } from '../lambdas/handlers/webhook-consumer.js';
import { jiraWebhookSecret } from '../lambdas/shared/config.js';
import { readDelivery } from '../lambdas/webhook/read-delivery.js';

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const response = await consumer(event, context);
  const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  const secret = await jiraWebhookSecret();
  const deployment = await jiraDeployment();
  for (const record of event.Records) {
    if (failed.has(record.messageId)) continue;
    const reading = readDelivery({ record, secret, deployment });
    if (reading.kind === 'user-event' && revokesLogin(reading.event))
      parentPort?.postMessage({ loginRevoked: reading.event.user.accountId });
  }
  return response;
}
