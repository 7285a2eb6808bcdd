import type { SimulatedAccount } from './accounts.js';
import { type IssueEventInput, type JiraIssueWebhookEvent, buildIssueWebhookDelivery } from './issue-webhooks.js';
import {
  type DeliveryPolicy,
  type JiraUserWebhookEvent,
  type WebhookDelivery,
  type WebhookDeliveryRecord,
  buildWebhookDelivery,
  deliverWebhook,
} from './webhooks.js';

const MAX_DELIVERY_LOG = 1000;

/**
 * Sends the site's user webhooks to the target set (none by default), signed and retried as Jira
 * does, and keeps the last deliveries.
 */
export class WebhookSender {
  private target: string | undefined;
  private readonly deliveryLog: WebhookDeliveryRecord[] = [];
  private readonly stopping = new AbortController();

  constructor(
    private readonly settings: {
      secret: string;
      policy: DeliveryPolicy;
      /** `http://127.0.0.1:PORT`. */
      baseUrl: string;
      /** The email as the REST API sends it: the address, `null`, or undefined (the key left out). */
      sentEmail: (account: SimulatedAccount) => string | null | undefined;
      /** Builds a user event's delivery instead of Cloud's shape (the Data Center mode's v2 user). */
      userDelivery?: (event: JiraUserWebhookEvent, account: SimulatedAccount) => WebhookDelivery;
    },
  ) {}

  get webhookTarget(): string | undefined {
    return this.target;
  }

  setTarget(url: string | undefined): void {
    this.target = url;
  }

  /** Resolves once the delivery succeeded or was given up; at once without a target or once stopped. */
  async emit(event: JiraUserWebhookEvent, account: SimulatedAccount): Promise<void> {
    const target = this.target;
    if (!target || this.stopping.signal.aborted) return;
    const { secret, policy, baseUrl, sentEmail } = this.settings;
    const delivery =
      this.settings.userDelivery?.(event, account) ??
      buildWebhookDelivery(event, account, Date.now(), {
        secret,
        baseUrl,
        hiddenEmailAs: sentEmail(account) === null ? 'null' : 'missing',
      });
    const record = await deliverWebhook(target, event, account.accountId, delivery, policy, this.stopping.signal);
    this.deliveryLog.push(record);
    if (this.deliveryLog.length > MAX_DELIVERY_LOG) this.deliveryLog.shift();
  }

  /** An issue or comment event (a portal request), delivered like the user events. */
  async emitIssueEvent(event: JiraIssueWebhookEvent, input: IssueEventInput): Promise<void> {
    const target = this.target;
    if (!target || this.stopping.signal.aborted) return;
    const { secret, policy, baseUrl } = this.settings;
    const delivery = buildIssueWebhookDelivery(event, input, { secret, baseUrl });
    const record = await deliverWebhook(
      target,
      event,
      input.reporter.accountId,
      delivery,
      policy,
      this.stopping.signal,
    );
    this.deliveryLog.push(record);
    if (this.deliveryLog.length > MAX_DELIVERY_LOG) this.deliveryLog.shift();
  }

  /** The last 1,000 deliveries, oldest first. */
  deliveries(): WebhookDeliveryRecord[] {
    return [...this.deliveryLog];
  }

  /** Deliveries under way give up; no new one starts. */
  stop(): void {
    this.stopping.abort();
  }
}
