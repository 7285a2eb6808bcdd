import type { AccountChanges, SimulatedAccount } from './accounts.js';
import type { GrantablePermission, SimulatorCredentials } from './credentials.js';
import type { DataCenterControls } from './datacenter/dc-site.js';
import type { SimulatedOrganizations } from './organizations.js';
import type { JiraQuirks, QuirksInput } from './quirks.js';
import type { SimulatedServiceDesk } from './servicedesk.js';
import type { WebhookDeliveryRecord } from './webhooks.js';

/** The running simulator, as tests and the local runtime hold it (its own file: the parts it is built of use it too). */
/** A portal sign-up: a new customer joins a desk and raises a request (see `portalSignUp`). */
export interface PortalSignUp {
  displayName: string;
  emailAddress?: string;
  /** Default: the first desk. */
  serviceDeskId?: string;
  summary?: string;
}

export interface JiraSimulator {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  deployment: 'cloud' | 'datacenter';
  /** Data Center mode only. */
  dataCenter?: DataCenterControls;
  /** A Jira administrator (ADMINISTER granted). */
  admin: SimulatorCredentials;
  /** A normal Jira user (ADMINISTER not granted). */
  agent: SimulatorCredentials;
  /** The service's own API token; it belongs to the administrator's account. */
  service: { email: string; apiToken: string };
  webhookSecret: string;
  /** Every live account in listing order (builds them all: use sparingly with large directories). */
  accounts(): SimulatedAccount[];
  accountCount(): number;
  getAccount(accountId: string): SimulatedAccount | undefined;
  /** Each mutation resolves once its webhook (if a target is set) is delivered or given up. */
  createAccount(account: Partial<SimulatedAccount> & { displayName: string }): Promise<SimulatedAccount>;
  /** `emailAddress: undefined` (present in the changes) hides the email. */
  updateAccount(accountId: string, changes: AccountChanges): Promise<SimulatedAccount>;
  deleteAccount(accountId: string): Promise<void>;
  setWebhookTarget(url: string | undefined): void;
  /** The service desks (JSM). */
  serviceDesks(): SimulatedServiceDesk[];
  /** A desk's customers, as the directory holds them. */
  serviceDeskCustomers(deskId: string): SimulatedAccount[];
  /** Adds an account to a desk's customers (no webhook: JSM sends none for that). */
  addServiceDeskCustomer(deskId: string, accountId: string): void;
  /**
   * A customer signs up on the portal and raises a request: a new `customer` account joins the desk,
   * and the site sends `jira:issue_created` (reporter and creator: the customer), and no `user_created`.
   * Resolves once that webhook is delivered or given up.
   */
  portalSignUp(signUp: PortalSignUp): Promise<{ account: SimulatedAccount; issueKey: string }>;
  /** Answer 429 with `Retry-After` to every Nth API call (counting from this call); undefined turns it off. */
  setRateLimit(options: { every?: number; retryAfterSeconds?: number } | undefined): void;
  /**
   * A working API token for any account (customer, app, a user to deactivate: it outlives
   * deactivation, as some real tokens do), to sign in as that account.
   */
  issueToken(accountId: string): SimulatorCredentials;
  /** Grants or revokes an account's "Browse users and groups" (`USER_PICKER`); every active user has it at first. */
  setPermission(accountId: string, permission: GrantablePermission, granted: boolean): void;
  /** The next `count` API calls answer `status` (default 503). */
  failNext(count: number, status?: number): void;
  /** API calls per route (`users/search`, `user`, `myself`, `mypermissions`, `serverInfo`, `unknown`), failed ones included. */
  callCounts(): Record<string, number>;
  /** Resets the call counts and the fault counts. */
  resetCallCounts(): void;
  /**
   * Change any of the quirks (see quirks.ts); answers all of them. Throws InvalidQuirksError for a
   * value out of range.
   */
  setQuirks(changes: QuirksInput): JiraQuirks;
  quirks(): JiraQuirks;
  /**
   * Faults injected so far, by kind: `409`, `502`, `503`, `504`, `reset` (transient failures),
   * `429` (rate limit), and the status of each `failNext` failure.
   */
  faultCounts(): Record<string, number>;
  /** The last 1,000 webhook deliveries, oldest first. */
  webhookDeliveries(): WebhookDeliveryRecord[];
  /** JSM organizations and their members (no webhook announces them, as in JSM); see organizations.ts. */
  organizations: SimulatedOrganizations;
  stop(): Promise<void>;
}
