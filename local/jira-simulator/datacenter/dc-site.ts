import { type AccountDirectory, UnknownAccountError } from '../accounts.js';
import type { Caller, SimulatorCredentials } from '../credentials.js';
import type { Reply } from '../http-reply.js';
import type { JiraUserWebhookEvent, WebhookDelivery } from '../webhooks.js';
import type { SimulatedAccount } from '../accounts.js';
import type { IncomingMessage } from 'node:http';
import { DataCenterCredentials } from './dc-credentials.js';
import { DEFAULT_USER_SEARCH_CAP, type DataCenterListing, DataCenterRestApi } from './dc-rest-api.js';
import { DataCenterUsers } from './dc-users.js';
import { buildDataCenterUserDelivery } from './dc-webhooks.js';

/** A Data Center site's names and logins for the simulator's accounts. */
export interface DataCenterControls {
  /** The user's key (`JIRAUSER10000`…): the service's `jiraUser.accountId`. */
  keyOf(accountId: string): string;
  /** The username as it is now (the email's local part). */
  usernameOf(accountId: string): string;
  /** A personal access token (Bearer) for any user; it outlives deactivation. */
  issuePat(accountId: string): SimulatorCredentials;
  /** Basic `username:password` for any user. */
  passwordLogin(accountId: string): SimulatorCredentials;
}

/** The simulator's Data Center mode, assembled over the site's one account directory. */
export interface DataCenterSite {
  controls: DataCenterControls;
  admin: SimulatorCredentials;
  agent: SimulatorCredentials;
  service: { email: string; apiToken: string };
  /** Data Center's logins, for the routes both share (JSM). */
  authenticate(authorization: string | undefined): Caller | undefined;
  /** `/rest/api/...` (v2 only). */
  handle(request: IncomingMessage, url: URL): Reply;
  callCounts(): Record<string, number>;
  resetCounts(): void;
  /** A user as the v2 API (and JSM on Data Center) shows it. */
  restUser(account: SimulatedAccount): Record<string, unknown>;
  /** A user event's delivery in Data Center's shape. */
  userDelivery(event: JiraUserWebhookEvent, account: SimulatedAccount): WebhookDelivery;
}

export function dataCenterSite(options: {
  directory: AccountDirectory;
  seed: number;
  baseUrl: string;
  webhookSecret: string;
  /** Whether a caller holds a global permission (the site's one rule, by account). */
  holds: (caller: Caller, permission: string) => boolean;
  listing: DataCenterListing;
  userSearchCap?: number | undefined;
  fault?: (route: string) => Reply | undefined;
}): DataCenterSite {
  const { directory } = options;
  const users = new DataCenterUsers(directory, options.baseUrl);
  const credentials = new DataCenterCredentials(options.seed, directory, users);
  const rest = new DataCenterRestApi({
    users,
    credentials,
    holds: options.holds,
    listing: options.listing,
    userSearchCap: Math.max(1, options.userSearchCap ?? DEFAULT_USER_SEARCH_CAP),
    ...(options.fault ? { fault: options.fault } : {}),
  });
  return {
    controls: {
      keyOf: (accountId) => users.keyOf(accountId),
      usernameOf: (accountId) => {
        const account = directory.get(accountId);
        if (!account) throw new UnknownAccountError(accountId);
        return users.usernameOf(account);
      },
      issuePat: (accountId) => credentials.issuePat(accountId),
      passwordLogin: (accountId) => credentials.passwordLogin(accountId),
    },
    admin: credentials.admin,
    agent: credentials.agent,
    service: credentials.service,
    authenticate: (authorization) => credentials.authenticate(authorization),
    handle: (request, url) => rest.handle(request, url),
    callCounts: () => rest.callCounts(),
    resetCounts: () => rest.resetCounts(),
    restUser: (account) => users.restUser(account),
    userDelivery: (event, account) =>
      buildDataCenterUserDelivery({ event, account, users, secret: options.webhookSecret }),
  };
}
