/**
 * The built-in Jira Cloud simulator: an in-process HTTP server on 127.0.0.1 that answers the
 * part of Jira's REST API v3 the service uses and delivers signed user webhooks.
 * See README.md beside this file.
 */
export type { SimulatedAccount, SimulatedAccountType, AccountChanges } from './accounts.js';
export { UnknownAccountError } from './accounts.js';
export { DEFAULT_QUIRKS, FAULTABLE_ROUTES, InvalidQuirksError } from './quirks.js';
export type { FaultableRoute, JiraQuirks, QuirksInput, TransientFailureOptions } from './quirks.js';
export { startJiraSimulator } from './simulator.js';
export type { JiraSimulator, JiraSimulatorOptions, PortalSignUp, SimulatorCredentials } from './simulator.js';
export { buildIssueWebhookDelivery } from './issue-webhooks.js';
export type { IssueEventInput, JiraIssueWebhookEvent } from './issue-webhooks.js';
export type { SimulatedServiceDesk } from './servicedesk.js';
export {
  DEFAULT_WEBHOOK_SECRET,
  buildWebhookDelivery,
  deliverWebhook,
  isRetriedByJira,
  signWebhookBody,
} from './webhooks.js';
export type {
  DeliveryPolicy,
  JiraUserWebhookEvent,
  WebhookDelivery,
  WebhookDeliveryOptions,
  WebhookDeliveryRecord,
} from './webhooks.js';
