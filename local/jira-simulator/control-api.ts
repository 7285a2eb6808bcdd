import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { AccountChanges, SimulatedAccount } from './accounts.js';
import { type Reply, errorBody, readJson } from './http-reply.js';
import { DEFAULT_QUIRKS, applyQuirks } from './quirks.js';
import type { JiraRestApi } from './rest-api.js';
import type { JiraSimulator } from './jira-simulator.js';
import type { WebhookSender } from './webhook-sender.js';

const accountTypeSchema = z.enum(['atlassian', 'customer', 'app']);
const rateLimitSchema = z.strictObject({
  every: z.number().int().min(1).max(1000),
  retryAfterSeconds: z.number().int().min(0).max(60).default(1),
});

const newAccountSchema = z.strictObject({
  accountId: z.string().min(1).max(128).optional(),
  displayName: z.string().trim().min(1).max(255),
  emailAddress: z.string().trim().min(3).max(254).optional(),
  accountType: accountTypeSchema.optional(),
  active: z.boolean().optional(),
});
const accountChangesSchema = z.strictObject({
  displayName: z.string().trim().min(1).max(255).optional(),
  /** null hides the email. */
  emailAddress: z.string().trim().min(3).max(254).nullable().optional(),
  accountType: accountTypeSchema.optional(),
  active: z.boolean().optional(),
});

const permissionsSchema = z.strictObject({ USER_PICKER: z.boolean() });

/** Host names the control API answers to: loopback only, so a rebound DNS name cannot reach it. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function hostName(value: string): string {
  return value.startsWith('[') ? value.slice(0, value.indexOf(']') + 1) : (value.split(':')[0] ?? '');
}

/**
 * The control API has no auth (it is for people trying the service), so it answers only requests
 * that cannot come from another site: a loopback `Host` (DNS rebinding names another one) and no
 * foreign `Origin` (a page elsewhere driving it, CSRF). Undefined when the request may go on.
 */
export function refuseForeignRequest(headers: IncomingMessage['headers']): Reply | undefined {
  const host = headers.host ?? '';
  if (!LOOPBACK_HOSTS.has(hostName(host).toLowerCase()))
    return {
      status: 403,
      body: errorBody(
        `The simulator's control API answers only on a loopback address, not the host ${host || '(none)'}.`,
      ),
    };
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  let originHost: string | undefined;
  try {
    const url = new URL(origin);
    originHost = url.protocol === 'http:' || url.protocol === 'https:' ? url.hostname : undefined;
  } catch {
    originHost = undefined;
  }
  const loopback = originHost === '127.0.0.1' || originHost === 'localhost' || originHost === '[::1]';
  return loopback
    ? undefined
    : { status: 403, body: errorBody(`The simulator's control API does not take requests from the origin ${origin}.`) };
}
const portalSignUpSchema = z.strictObject({
  displayName: z.string().trim().min(1).max(255),
  emailAddress: z.string().trim().min(3).max(254).optional(),
  serviceDeskId: z.string().min(1).max(20).optional(),
  summary: z.string().trim().min(1).max(255).optional(),
});

function zodMessage(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}

/**
 * The simulator's own routes (`/simulator/...`, no auth), for people trying the service with
 * `npm start`: accounts created, changed and deleted (each sends its webhook), the simulated load
 * and the quirks. The same operations as the simulator's methods, over HTTP.
 */
export class ControlApi {
  constructor(private readonly site: { simulator: JiraSimulator; rest: JiraRestApi; webhooks: WebhookSender }) {}

  async handle(request: IncomingMessage, requestUrl: URL): Promise<Reply> {
    const { simulator, rest, webhooks } = this.site;
    const foreign = refuseForeignRequest(request.headers);
    if (foreign) return foreign;
    const path = requestUrl.pathname.replace(/\/+$/, '');
    if (path === '/simulator' && request.method === 'GET') {
      return {
        status: 200,
        body: {
          url: simulator.url,
          accounts: simulator.accountCount(),
          admin: simulator.admin,
          agent: simulator.agent,
          webhookTarget: webhooks.webhookTarget ?? null,
          callCounts: rest.callCounts(),
          quirks: rest.currentQuirks(),
          faultCounts: rest.faultCounts(),
        },
      };
    }
    if (path === '/simulator/quirks' && request.method === 'GET') {
      return { status: 200, body: { quirks: rest.currentQuirks(), faultCounts: rest.faultCounts() } };
    }
    if (path === '/simulator/quirks' && (request.method === 'PUT' || request.method === 'PATCH')) {
      // For people trying the service with `npm start`: Jira at its least convenient, any subset of the switches.
      rest.useQuirks(applyQuirks(rest.currentQuirks(), await readJson(request)));
      return { status: 200, body: simulator.quirks() };
    }
    if (path === '/simulator/quirks' && request.method === 'DELETE') {
      rest.useQuirks(DEFAULT_QUIRKS);
      return { status: 204 };
    }
    if (path === '/simulator/users' && request.method === 'POST') return this.createAccount(request);
    if (path === '/simulator/service-desks' && request.method === 'GET')
      return {
        status: 200,
        body: simulator.serviceDesks().map((desk) => ({
          ...desk,
          customers: simulator.serviceDeskCustomers(desk.id).length,
        })),
      };
    if (path === '/simulator/portal-signups' && request.method === 'POST') {
      // JSM's portal: a new customer joins a desk and raises a request (jira:issue_created, no user_created).
      const parsed = portalSignUpSchema.safeParse(await readJson(request));
      if (!parsed.success) return { status: 400, body: errorBody(zodMessage(parsed.error)) };
      const { account, issueKey } = await simulator.portalSignUp(parsed.data);
      return { status: 201, body: { customer: rest.restUser(account), issueKey } };
    }
    if (path === '/simulator/rate-limit' && request.method === 'PUT') {
      // Simulated load for people using `npm start`: 429 with Retry-After on every Nth API call.
      const parsed = rateLimitSchema.safeParse(await readJson(request));
      if (!parsed.success) return { status: 400, body: errorBody(zodMessage(parsed.error)) };
      simulator.setRateLimit(parsed.data);
      return { status: 200, body: parsed.data };
    }
    if (path === '/simulator/rate-limit' && request.method === 'DELETE') {
      simulator.setRateLimit(undefined);
      return { status: 204 };
    }
    const organizationReply = await simulator.organizations.handleControl(request, path);
    if (organizationReply) return organizationReply;
    const grant = /^\/simulator\/users\/([^/]+)\/(tokens|permissions)$/.exec(path);
    if (grant?.[1]) {
      const accountId = decodeURIComponent(grant[1]);
      if (grant[2] === 'tokens' && request.method === 'POST')
        return { status: 201, body: simulator.issueToken(accountId) };
      if (grant[2] === 'permissions' && request.method === 'PUT') {
        const parsed = permissionsSchema.safeParse(await readJson(request));
        if (!parsed.success) return { status: 400, body: errorBody(zodMessage(parsed.error)) };
        simulator.setPermission(accountId, 'USER_PICKER', parsed.data.USER_PICKER);
        return { status: 200, body: parsed.data };
      }
    }
    const match = /^\/simulator\/users\/([^/]+)$/.exec(path);
    if (match?.[1]) {
      const accountId = decodeURIComponent(match[1]);
      if (request.method === 'GET') {
        const account = simulator.getAccount(accountId);
        return account
          ? { status: 200, body: rest.restUser(account) }
          : { status: 404, body: errorBody(`No account ${accountId}.`) };
      }
      if (request.method === 'PUT' || request.method === 'PATCH') return this.updateAccount(request, accountId);
      if (request.method === 'DELETE') {
        await simulator.deleteAccount(accountId);
        return { status: 204 };
      }
    }
    return { status: 404, body: errorBody('Unknown simulator route. See local/jira-simulator/README.md.') };
  }

  private async createAccount(request: IncomingMessage): Promise<Reply> {
    const parsed = newAccountSchema.safeParse(await readJson(request));
    if (!parsed.success) return { status: 400, body: errorBody(zodMessage(parsed.error)) };
    const { accountId, emailAddress, accountType, active, displayName } = parsed.data;
    const input: Partial<SimulatedAccount> & { displayName: string } = { displayName };
    if (accountId !== undefined) input.accountId = accountId;
    if (emailAddress !== undefined) input.emailAddress = emailAddress;
    if (accountType !== undefined) input.accountType = accountType;
    if (active !== undefined) input.active = active;
    return { status: 201, body: this.site.rest.restUser(await this.site.simulator.createAccount(input)) };
  }

  private async updateAccount(request: IncomingMessage, accountId: string): Promise<Reply> {
    const parsed = accountChangesSchema.safeParse(await readJson(request));
    if (!parsed.success) return { status: 400, body: errorBody(zodMessage(parsed.error)) };
    const { emailAddress, ...rest } = parsed.data;
    const changes: AccountChanges = {};
    if (rest.displayName !== undefined) changes.displayName = rest.displayName;
    if (rest.accountType !== undefined) changes.accountType = rest.accountType;
    if (rest.active !== undefined) changes.active = rest.active;
    if (emailAddress === null) changes.emailAddress = undefined;
    else if (emailAddress !== undefined) changes.emailAddress = emailAddress;
    return { status: 200, body: this.site.rest.restUser(await this.site.simulator.updateAccount(accountId, changes)) };
  }
}
