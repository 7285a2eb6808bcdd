import type { SimulatedAccount } from '../accounts.js';
import type { JiraUserWebhookEvent, WebhookDelivery } from '../webhooks.js';
import { signWebhookBody } from '../webhooks.js';
import type { DataCenterUsers } from './dc-users.js';

/**
 * A Data Center user webhook: the v2 user (`active` as a string), signed with `X-Hub-Signature`
 * when the webhook has a secret, and no `X-Atlassian-Webhook-Identifier` (Data Center sends none).
 */
export function buildDataCenterUserDelivery(options: {
  event: JiraUserWebhookEvent;
  account: SimulatedAccount;
  users: DataCenterUsers;
  secret: string;
  timestamp?: number;
}): WebhookDelivery {
  const body = JSON.stringify({
    timestamp: options.timestamp ?? Date.now(),
    webhookEvent: options.event,
    user: options.users.webhookUser(options.account),
  });
  return {
    body,
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature': signWebhookBody(body, options.secret) },
  };
}
