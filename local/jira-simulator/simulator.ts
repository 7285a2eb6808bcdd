import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccountDirectory, UnknownAccountError } from './accounts.js';
import { ControlApi } from './control-api.js';
import type { JiraSimulator } from './jira-simulator.js';
import { SiteCredentials } from './credentials.js';
import { InvalidBodyError, type Reply, errorBody, sendReply } from './http-reply.js';
import { DEFAULT_QUIRKS, InvalidQuirksError, type QuirksInput, applyQuirks } from './quirks.js';
import { SimulatedOrganizations } from './organizations.js';
import { JiraRestApi } from './rest-api.js';
import { ServiceDesks, UnknownServiceDeskError } from './servicedesk.js';
import { WebhookSender } from './webhook-sender.js';
import { DEFAULT_WEBHOOK_SECRET } from './webhooks.js';
import { type DataCenterListing, serverInfo } from './datacenter/dc-rest-api.js';
import { dataCenterSite } from './datacenter/dc-site.js';

export type { GrantablePermission, SimulatorCredentials } from './credentials.js';

export interface JiraSimulatorOptions extends QuirksInput {
  /** 0 picks a free port (the default). */
  port?: number;
  /**
   * Jira users (`atlassian`, active, email visible), the administrator and the agent included;
   * at least 2. Default 50.
   */
  users?: number;
  /** JSM customers (`customer`, active, email visible). Default 20. */
  customers?: number;
  /** App accounts (never synced). Default 3. */
  apps?: number;
  /** Extra inactive accounts, alternately atlassian and customer. Default 3. */
  inactive?: number;
  /** Extra active accounts whose email is hidden, alternately atlassian and customer. Default 3. */
  hiddenEmails?: number;
  /** The same seed gives the same accounts, ids and tokens. Default 1. */
  seed?: number;
  /** Domain of the Jira users' emails (customers use other domains). Default `example.com`. */
  emailDomain?: string;
  /** Default {@link DEFAULT_WEBHOOK_SECRET}. */
  webhookSecret?: string;
  /** Retries of a webhook the target did not take (408, 409, 425, 429, 5xx, unreachable). Default 3. */
  webhookRetries?: number;
  /** The first retry waits this long, each further one twice as long. Default 200. */
  webhookRetryBaseDelayMs?: number;
  /**
   * `real` gives customers Jira's long ids, `qm:<uuid>:<24 hex>`. Fixed at start: an account id
   * never changes. Default `short` (`qm:<uuid>`).
   */
  customerIdStyle?: 'short' | 'real';
  /** JSM service desks; the seeded customers are spread over them (see servicedesk.ts). Default 0. */
  serviceDesks?: number;
  /** Every Nth seeded customer is on two desks. Default 4. */
  sharedCustomerEvery?: number;
  /**
   * `datacenter`: a Jira Data Center site (REST API v2, user keys, PATs, v2 webhooks; see
   * datacenter/). Customers, apps and hidden emails then default to 0. Default `cloud`.
   */
  deployment?: 'cloud' | 'datacenter';
  /** Data Center: `user-list` (Jira 10.3+) or `user-search` (older: `user/list` is 404). Default `user-list`. */
  dataCenterListing?: DataCenterListing;
  /** Data Center: results one `user/search` query returns at most. Default 100 (Jira 10). */
  userSearchCap?: number;
}

export type { DataCenterControls } from './datacenter/dc-site.js';

export type { JiraSimulator, PortalSignUp } from './jira-simulator.js';

/**
 * Start a Jira Cloud simulator on 127.0.0.1. Stop it with `stop()`.
 * One account directory, served by three parts: the REST API the service calls (`/rest/...`), the
 * control API for people trying it (`/simulator/...`), and the webhook sender every change goes through.
 */
export async function startJiraSimulator(options: JiraSimulatorOptions = {}): Promise<JiraSimulator> {
  // Everything that may throw on a bad option comes before the server listens.
  const initialQuirks = applyQuirks(DEFAULT_QUIRKS, {
    nullEmailRatio: options.nullEmailRatio,
    hiddenEmailStyle: options.hiddenEmailStyle,
    nullDisplayNameRatio: options.nullDisplayNameRatio,
    unknownAccounts: options.unknownAccounts,
    pageCap: options.pageCap,
    latencyMs: options.latencyMs,
    transientFailures: options.transientFailures,
    jsmPageCap: options.jsmPageCap,
    jsmBurstLimit: options.jsmBurstLimit,
    customersInUserSearch: options.customersInUserSearch,
  });
  const seed = options.seed ?? 1;
  const deployment = options.deployment ?? 'cloud';
  const onDataCenter = deployment === 'datacenter';
  const dataCenterListing = options.dataCenterListing ?? 'user-list';
  const directory = new AccountDirectory({
    seed,
    users: Math.max(2, options.users ?? 50),
    customers: Math.max(0, options.customers ?? (onDataCenter ? 0 : 20)),
    apps: Math.max(0, options.apps ?? (onDataCenter ? 0 : 3)),
    inactive: Math.max(0, options.inactive ?? 3),
    hiddenEmails: Math.max(0, options.hiddenEmails ?? (onDataCenter ? 0 : 3)),
    emailDomain: options.emailDomain ?? 'example.com',
    customerIdStyle: options.customerIdStyle ?? 'short',
  });
  const credentials = new SiteCredentials(seed, directory);
  const desks = new ServiceDesks(directory, {
    serviceDesks: Math.max(0, options.serviceDesks ?? 0),
    sharedCustomerEvery: options.sharedCustomerEvery ?? 4,
  });

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const organizations = new SimulatedOrganizations({
    baseUrl: url,
    hasAccount: (accountId) => directory.get(accountId) !== undefined,
    member: (accountId) => {
      const account = directory.get(accountId);
      if (!account) return undefined;
      const { accountId: id, emailAddress, displayName, active, timeZone } = rest.restUser(account);
      const self = `${url}/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`;
      return { accountId: id, emailAddress, displayName, active, timeZone, _links: { jiraRest: self, self } };
    },
  });
  const webhookSecret = options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET;
  const dc = onDataCenter
    ? dataCenterSite({
        directory,
        seed,
        baseUrl: url,
        webhookSecret,
        holds: (caller, permission) => credentials.holds(caller, permission),
        listing: dataCenterListing,
        userSearchCap: options.userSearchCap,
        fault: (route) => rest.faultFor(route),
      })
    : undefined;
  const rest = new JiraRestApi(
    {
      directory,
      credentials,
      baseUrl: url,
      organizations,
      desks,
      ...(dc ? { authenticate: dc.authenticate, jsmUser: dc.restUser } : {}),
    },
    initialQuirks,
  );
  const webhooks = new WebhookSender({
    secret: webhookSecret,
    policy: { retries: options.webhookRetries ?? 3, baseDelayMs: options.webhookRetryBaseDelayMs ?? 200 },
    baseUrl: url,
    sentEmail: (account) => rest.sentEmail(account),
    ...(dc ? { userDelivery: dc.userDelivery } : {}),
  });
  const site = dc ?? credentials;
  // Anonymous, on both deployments: counted here rather than by either API.
  let serverInfoCalls = 0;

  const simulator: JiraSimulator = {
    url,
    deployment,
    ...(dc ? { dataCenter: dc.controls } : {}),
    admin: site.admin,
    agent: site.agent,
    service: site.service,
    webhookSecret,
    accounts: () => directory.all(),
    accountCount: () => directory.size,
    getAccount: (accountId) => {
      const account = directory.get(accountId);
      return account ? { ...account } : undefined;
    },
    createAccount: async (input) => {
      const account = directory.create(input);
      await webhooks.emit('user_created', account);
      return account;
    },
    updateAccount: async (accountId, changes) => {
      const account = directory.update(accountId, changes);
      await webhooks.emit('user_updated', account);
      return account;
    },
    deleteAccount: async (accountId) => {
      await webhooks.emit('user_deleted', directory.delete(accountId));
    },
    setWebhookTarget: (target) => webhooks.setTarget(target),
    serviceDesks: () => desks.list(),
    serviceDeskCustomers: (deskId) => desks.customersOf(deskId),
    addServiceDeskCustomer: (deskId, accountId) => desks.join(deskId, accountId),
    portalSignUp: async (signUp) => {
      const deskId = signUp.serviceDeskId ?? desks.list()[0]?.id;
      if (deskId === undefined) throw new UnknownServiceDeskError('(none: the simulator has no service desk)');
      const request = desks.nextRequestKey(deskId);
      const account = directory.create({
        displayName: signUp.displayName,
        accountType: 'customer',
        ...(signUp.emailAddress !== undefined ? { emailAddress: signUp.emailAddress } : {}),
      });
      desks.join(deskId, account.accountId);
      const projectKey = request.key.split('-')[0] ?? 'SUP';
      await webhooks.emitIssueEvent('jira:issue_created', {
        issue: { id: request.id, key: request.key, summary: signUp.summary ?? 'Help needed', projectKey },
        reporter: account,
      });
      return { account, issueKey: request.key };
    },
    setRateLimit: (limit) => rest.setRateLimit(limit),
    issueToken: (accountId) => (dc ? dc.controls.issuePat(accountId) : credentials.issue(accountId)),
    setPermission: (accountId, permission, granted) => credentials.setPermission(accountId, permission, granted),
    failNext: (count, status = 503) => rest.failNext(count, status),
    callCounts: () => ({
      ...rest.callCounts(),
      ...dc?.callCounts(),
      ...(serverInfoCalls ? { serverInfo: serverInfoCalls } : {}),
    }),
    resetCallCounts: () => {
      serverInfoCalls = 0;
      rest.resetCounts();
      dc?.resetCounts();
    },
    setQuirks: (changes) => {
      rest.useQuirks(applyQuirks(rest.currentQuirks(), changes));
      return simulator.quirks();
    },
    quirks: () => {
      const quirks = rest.currentQuirks();
      return {
        ...quirks,
        transientFailures: quirks.transientFailures
          ? { ...quirks.transientFailures, routes: [...quirks.transientFailures.routes] }
          : null,
      };
    },
    faultCounts: () => rest.faultCounts(),
    webhookDeliveries: () => webhooks.deliveries(),
    organizations,
    stop: async () => {
      webhooks.stop();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  const control = new ControlApi({ simulator, rest, webhooks });

  // Attached before this function returns, so before the event loop hands the server any request.
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void route(request).then((reply) => sendReply(request, response, reply));
  });
  async function route(request: IncomingMessage): Promise<Reply> {
    try {
      const requestUrl = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (requestUrl.pathname === '/rest/api/2/serverInfo') {
        serverInfoCalls += 1;
        return { status: 200, body: serverInfo(deployment, dataCenterListing) };
      }
      // Data Center has REST API v2 only; JSM's routes are the same on both.
      if (dc && requestUrl.pathname.startsWith('/rest/api/')) return dc.handle(request, requestUrl);
      if (requestUrl.pathname.startsWith('/rest/')) return await rest.handle(request, requestUrl);
      if (requestUrl.pathname === '/simulator' || requestUrl.pathname.startsWith('/simulator/'))
        return await control.handle(request, requestUrl);
      return { status: 404, body: errorBody('Not found.') };
    } catch (error) {
      if (error instanceof UnknownAccountError || error instanceof UnknownServiceDeskError)
        return { status: 404, body: errorBody(error.message) };
      if (error instanceof InvalidBodyError || error instanceof InvalidQuirksError)
        return { status: 400, body: errorBody(error.message) };
      return { status: 500, body: errorBody(error instanceof Error ? error.message : 'Internal error.') };
    }
  }
  return simulator;
}
