import { randomUUID } from 'node:crypto';
import type { SimulatedAccount } from './accounts.js';
import { type WebhookDelivery, signWebhookBody } from './webhooks.js';

export type JiraIssueWebhookEvent = 'jira:issue_created' | 'jira:issue_updated' | 'comment_created';

/** A user as an issue event names it: no email (Jira leaves it out of these payloads under privacy settings). */
function eventUser(account: SimulatedAccount, baseUrl: string): Record<string, unknown> {
  return {
    self: `${baseUrl}/rest/api/2/user?accountId=${encodeURIComponent(account.accountId)}`,
    accountId: account.accountId,
    displayName: account.displayName,
    active: account.active,
    timeZone: 'Etc/UTC',
    accountType: account.accountType,
  };
}

export interface IssueEventInput {
  issue: { id: string; key: string; summary: string; projectKey: string };
  /** Who raised it (reporter and creator alike), and who acted (`user`). */
  reporter: SimulatedAccount;
  actor?: SimulatedAccount;
  /** `comment_created`: the comment's author. */
  commentAuthor?: SimulatedAccount;
}

/**
 * An issue or comment webhook as Jira Cloud sends it (`jira:issue_created`, `jira:issue_updated`,
 * `comment_created`), signed like every delivery. A portal request is an issue whose reporter and
 * creator are the customer.
 */
export function buildIssueWebhookDelivery(
  event: JiraIssueWebhookEvent,
  input: IssueEventInput,
  options: { secret: string; baseUrl: string; timestamp?: number },
): WebhookDelivery {
  const { baseUrl } = options;
  const reporter = eventUser(input.reporter, baseUrl);
  const issue = {
    id: input.issue.id,
    self: `${baseUrl}/rest/api/2/issue/${input.issue.id}`,
    key: input.issue.key,
    fields: {
      summary: input.issue.summary,
      project: { key: input.issue.projectKey },
      issuetype: { name: 'Service Request' },
      reporter,
      creator: reporter,
      created: new Date(options.timestamp ?? Date.now()).toISOString(),
    },
  };
  const payload: Record<string, unknown> = {
    timestamp: options.timestamp ?? Date.now(),
    webhookEvent: event,
    user: eventUser(input.actor ?? input.reporter, baseUrl),
    issue,
  };
  if (event === 'jira:issue_created') payload.issue_event_type_name = 'issue_created';
  if (event === 'jira:issue_updated') payload.issue_event_type_name = 'issue_generic';
  if (event === 'comment_created') {
    delete payload.user;
    payload.comment = {
      id: randomUUID(),
      author: eventUser(input.commentAuthor ?? input.reporter, baseUrl),
      body: 'A comment',
      created: new Date(options.timestamp ?? Date.now()).toISOString(),
    };
  }
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      'X-Hub-Signature': signWebhookBody(body, options.secret),
      'X-Atlassian-Webhook-Identifier': randomUUID(),
      'X-Atlassian-Webhook-Flow': 'Primary',
    },
  };
}
