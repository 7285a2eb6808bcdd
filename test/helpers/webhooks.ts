import { randomUUID } from 'node:crypto';
import type { Contact } from '../../lambdas/domain/contact.js';
import { type WebhookDelivery, signWebhookBody } from '../../local/jira-simulator/index.js';
import { putUserSync, waitForSyncState } from './api.js';
import { type JsonResponse, eventually, request } from './http.js';
import type { TestService } from './runtime.js';

/** A Jira account made up for a crafted delivery (the simulator does not know it). */
export interface MadeUpAccount {
  accountId: string;
  accountType: 'atlassian' | 'customer' | 'app';
  displayName: string;
  emailAddress: string;
  active: boolean;
}

/** A fresh account with a unique id and email; `label` keeps failures readable. */
export function madeUpAccount(label: string, overrides: Partial<MadeUpAccount> = {}): MadeUpAccount {
  const unique = randomUUID().slice(0, 8);
  return {
    accountId: `712020:${randomUUID()}`,
    accountType: 'atlassian',
    displayName: `${label} ${unique}`,
    emailAddress: `${label.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${unique}@example.com`,
    active: true,
    ...overrides,
  };
}

/**
 * A delivery of any JSON payload (nulls, other events, other user shapes), signed as Jira signs it;
 * `deliveryId: false` sends none, as Data Center does.
 */
export function signedDelivery(
  service: TestService,
  payload: unknown,
  options: { deliveryId?: boolean } = {},
): WebhookDelivery {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      'X-Hub-Signature': signWebhookBody(body, service.jira.webhookSecret),
      ...(options.deliveryId === false ? {} : { 'X-Atlassian-Webhook-Identifier': randomUUID() }),
    },
  };
}

/** POSTs a delivery exactly as Jira would (raw body, Jira's headers). */
export function postDelivery(baseUrl: string, delivery: WebhookDelivery): Promise<JsonResponse> {
  return request(baseUrl, 'POST', '/webhooks/jira', { rawBody: delivery.body, headers: delivery.headers });
}

/** Contacts with this email (any case), as a client sees them. */
export async function contactsWithEmail(service: TestService, email: string): Promise<Contact[]> {
  const response = await request<{ items: Contact[] }>(
    service.url,
    'GET',
    `/contacts?email=${encodeURIComponent(email)}`,
    {
      auth: service.admin,
    },
  );
  if (response.status !== 200)
    throw new Error(`GET /contacts?email= answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.items;
}

/** Waits until the contacts with this email satisfy `ready`, and answers them. */
export function eventuallyContacts(
  service: TestService,
  email: string,
  ready: (contacts: Contact[]) => boolean,
  what = `contacts with ${email}`,
): Promise<Contact[]> {
  return eventually(
    async () => {
      const contacts = await contactsWithEmail(service, email);
      return ready(contacts) ? contacts : undefined;
    },
    30_000,
    what,
  );
}

/** Everything accepted so far has been handled (processed, or dead-lettered). */
export function settled(service: TestService): Promise<void> {
  return service.runtime.queue.drained();
}

/** Turns user syncing on as a Jira administrator and waits for the initial sync to finish. */
export async function enableUserSync(service: TestService): Promise<void> {
  const response = await putUserSync(service.url, service.admin, true);
  if (response.status !== 202)
    throw new Error(`PUT /settings/user-sync answered ${response.status}: ${JSON.stringify(response.body)}`);
  await waitForSyncState(service.url, service.admin, 'ENABLED', 60_000);
}
