import { createHmac, randomUUID } from 'node:crypto';
import type { SimulatedAccount } from './accounts.js';

/** The secret the simulator signs with unless told otherwise. For local use only. */
export const DEFAULT_WEBHOOK_SECRET = 'local-jira-simulator-webhook-secret';

export type JiraUserWebhookEvent = 'user_created' | 'user_updated' | 'user_deleted';
/** Every event the simulator sends: the user events, and the issue events a portal request makes. */
export type JiraWebhookEvent = JiraUserWebhookEvent | 'jira:issue_created' | 'jira:issue_updated' | 'comment_created';

/** A webhook ready to POST: the exact raw body and the headers Jira sends with it. */
export interface WebhookDelivery {
  body: string;
  headers: Record<string, string>;
}

export interface WebhookDeliveryOptions {
  /** Defaults to {@link DEFAULT_WEBHOOK_SECRET}. */
  secret?: string;
  /** `X-Atlassian-Webhook-Identifier`; Jira keeps it across retries. Defaults to a fresh UUID. */
  identifier?: string;
  /** `X-Atlassian-Webhook-Retry`: Jira sends it on retries only (1, 2, ...); 0 or unset leaves it out. */
  retry?: number;
  /** How a hidden email (`emailAddress` undefined) is sent: left out (the default) or as `null`. */
  hiddenEmailAs?: 'missing' | 'null';
  /** The site's URL, for the user's `self` link; omitted when not given. */
  baseUrl?: string;
}

/** What the simulator did with one delivery, for tests to inspect. */
export interface WebhookDeliveryRecord {
  identifier: string;
  event: JiraWebhookEvent;
  accountId: string;
  target: string;
  attempts: number;
  /** The last status the target answered, or undefined when it could not be reached. */
  status: number | undefined;
  /** The target answered 2xx. */
  delivered: boolean;
}

/**
 * Jira's WebSub-style signature: `sha256=` and the hex HMAC-SHA256 of the exact raw body.
 */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * Build a delivery as Jira would send it, so tests and benchmarks can post their own (duplicates,
 * out of order, tampered). `user_deleted` carries only the account id (and `self`), as Jira may.
 */
export function buildWebhookDelivery(
  event: JiraUserWebhookEvent,
  account: Pick<SimulatedAccount, 'accountId'> & Partial<SimulatedAccount>,
  timestamp: number = Date.now(),
  options: WebhookDeliveryOptions = {},
): WebhookDelivery {
  const self = options.baseUrl
    ? `${options.baseUrl}/rest/api/3/user?accountId=${encodeURIComponent(account.accountId)}`
    : undefined;
  const user: Record<string, string | boolean | null> = { accountId: account.accountId };
  if (event !== 'user_deleted') {
    if (account.accountType !== undefined) user.accountType = account.accountType;
    if (account.displayName !== undefined) user.displayName = account.displayName;
    if (account.emailAddress !== undefined) user.emailAddress = account.emailAddress;
    else if (options.hiddenEmailAs === 'null') user.emailAddress = null;
    if (account.active !== undefined) user.active = account.active;
  }
  if (self) user.self = self;
  const body = JSON.stringify({ timestamp, webhookEvent: event, user });
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Hub-Signature': signWebhookBody(body, options.secret ?? DEFAULT_WEBHOOK_SECRET),
    'X-Atlassian-Webhook-Identifier': options.identifier ?? randomUUID(),
    'X-Atlassian-Webhook-Flow': 'Primary',
  };
  if (options.retry !== undefined && options.retry > 0) headers[RETRY_HEADER] = String(options.retry);
  return { body, headers };
}

const RETRY_HEADER = 'X-Atlassian-Webhook-Retry';

/** The delivery's headers for one attempt: Jira sends `X-Atlassian-Webhook-Retry` on retries only. */
function headersForAttempt(headers: Record<string, string>, attempt: number): Record<string, string> {
  const forAttempt = { ...headers };
  delete forAttempt[RETRY_HEADER];
  if (attempt > 0) forAttempt[RETRY_HEADER] = String(attempt);
  return forAttempt;
}

/** Jira tries a delivery again when the target answers one of these (or any 5xx). */
const RETRY_STATUSES = new Set([408, 409, 425, 429]);
const DELIVERY_TIMEOUT_MS = 10_000;

export function isRetriedByJira(status: number): boolean {
  return RETRY_STATUSES.has(status) || (status >= 500 && status <= 599);
}

export interface DeliveryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** The first retry waits this long; each further one twice as long. */
  baseDelayMs: number;
}

/**
 * POST one delivery, retrying as Jira does: on 408, 409, 425, 429, 5xx and unreachable targets,
 * with exponential backoff, the same body and identifier, and `X-Atlassian-Webhook-Retry: 1, 2, ...`
 * on the retries (none on the first attempt).
 */
export async function deliverWebhook(
  target: string,
  event: JiraWebhookEvent,
  accountId: string,
  delivery: WebhookDelivery,
  policy: DeliveryPolicy,
  signal?: AbortSignal,
): Promise<WebhookDeliveryRecord> {
  const identifier = delivery.headers['X-Atlassian-Webhook-Identifier'] ?? randomUUID();
  let status: number | undefined;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: headersForAttempt(delivery.headers, attempt),
        body: delivery.body,
        signal: signal
          ? AbortSignal.any([signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)])
          : AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch {
      status = undefined;
    }
    const retry = status === undefined || isRetriedByJira(status);
    if (!retry || attempt >= policy.retries || signal?.aborted) {
      return {
        identifier,
        event,
        accountId,
        target,
        attempts: attempt + 1,
        status,
        delivered: status !== undefined && status >= 200 && status < 300,
      };
    }
    await pause(policy.baseDelayMs * 2 ** attempt, signal);
  }
}

/** Wait, but wake at once when the signal aborts (the simulator is stopping). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
