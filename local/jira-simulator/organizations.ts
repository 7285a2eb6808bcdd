/**
 * JSM organizations in the simulator: organizations with members (existing accounts, customers as
 * JSM has them), served as JSM serves them (`/rest/servicedeskapi/organization`, its members at
 * `.../organization/{id}/user`, both paged by `start`/`limit` with `isLastPage`), with pages capped
 * below the `limit` asked for and JSM's burst limit of 5 requests a second answered with 429.
 * Changed through the control API (`/simulator/organizations...`) or the simulator's methods.
 */
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { type Reply, errorBody, readJson } from './http-reply.js';

/** JSM's own default and largest `limit`. */
const JSM_MAX_LIMIT = 50;
/** The burst limit of JSM's REST API. */
const BURST_PER_SECOND = 5;

export interface SimulatedOrganization {
  id: string;
  name: string;
  /** Account ids, in the order they joined. */
  members: string[];
}

export interface OrganizationQuirks {
  /** Pages hold at most this many records, whatever `limit` asks (1..50). Default 50. */
  pageCap: number;
  /** Answer 429 (`Retry-After: 1`) to the sixth and later request within one second. Default on. */
  burstLimit: boolean;
}

export class UnknownOrganizationError extends Error {}

const organizationQuirksSchema = z.strictObject({
  pageCap: z.number().int().min(1).max(JSM_MAX_LIMIT).optional(),
  burstLimit: z.boolean().optional(),
});
const accountIdsSchema = z.array(z.string().min(1).max(128)).max(10_000);
const newOrganizationSchema = z.strictObject({
  name: z.string().trim().min(1).max(255),
  members: accountIdsSchema.optional(),
});
const renameSchema = z.strictObject({ name: z.string().trim().min(1).max(255) });
const membersSchema = z.strictObject({ accountIds: accountIdsSchema.min(1) });

function zodMessage(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}

/** The route a JSM organization request counts under, or undefined when it is none. */
export function organizationRouteOf(pathname: string): string | undefined {
  if (pathname === '/rest/servicedeskapi/organization') return 'organization';
  if (/^\/rest\/servicedeskapi\/organization\/[^/]+\/user$/.test(pathname)) return 'organization/{id}/user';
  return undefined;
}

export class SimulatedOrganizations {
  private readonly byId = new Map<string, SimulatedOrganization>();
  private nextId = 1;
  private settings: OrganizationQuirks = { pageCap: JSM_MAX_LIMIT, burstLimit: true };
  private recent: number[] = [];

  constructor(
    private readonly site: {
      baseUrl: string;
      /** Whether an account exists (members must). */
      hasAccount: (accountId: string) => boolean;
      /** A member as JSM's user DTO shows it. */
      member: (accountId: string) => Record<string, unknown> | undefined;
    },
  ) {}

  quirks(): OrganizationQuirks {
    return { ...this.settings };
  }

  /** Throws a zod-worded Error for a value out of range. */
  setQuirks(changes: Partial<OrganizationQuirks>): OrganizationQuirks {
    const parsed = organizationQuirksSchema.safeParse(changes);
    if (!parsed.success) throw new UnknownOrganizationError(zodMessage(parsed.error));
    if (parsed.data.pageCap !== undefined) this.settings.pageCap = parsed.data.pageCap;
    if (parsed.data.burstLimit !== undefined) this.settings.burstLimit = parsed.data.burstLimit;
    return this.quirks();
  }

  all(): SimulatedOrganization[] {
    return [...this.byId.values()].map((organization) => ({ ...organization, members: [...organization.members] }));
  }

  get(id: string): SimulatedOrganization {
    const organization = this.byId.get(id);
    if (!organization) throw new UnknownOrganizationError(`No organization ${id}.`);
    return organization;
  }

  create(input: { name: string; members?: string[] }): SimulatedOrganization {
    const organization = { id: String(this.nextId++), name: input.name, members: [] };
    this.byId.set(organization.id, organization);
    if (input.members?.length) this.addMembers(organization.id, input.members);
    return { ...organization, members: [...organization.members] };
  }

  rename(id: string, name: string): void {
    this.get(id).name = name;
  }

  delete(id: string): void {
    this.get(id);
    this.byId.delete(id);
  }

  addMembers(id: string, accountIds: readonly string[]): void {
    const organization = this.get(id);
    const unknown = accountIds.filter((accountId) => !this.site.hasAccount(accountId));
    if (unknown.length) throw new UnknownOrganizationError(`No account ${unknown.join(', ')}.`);
    for (const accountId of accountIds)
      if (!organization.members.includes(accountId)) organization.members.push(accountId);
  }

  removeMembers(id: string, accountIds: readonly string[]): void {
    const organization = this.get(id);
    organization.members = organization.members.filter((accountId) => !accountIds.includes(accountId));
  }

  /** JSM's answer to an (authenticated) GET of an organization route. */
  handle(route: string, requestUrl: URL): Reply {
    const limited = this.burst();
    if (limited) return limited;
    const query = requestUrl.searchParams;
    const start = Math.max(0, integerParam(query.get('start'), 0));
    const limit = Math.min(this.settings.pageCap, Math.max(1, integerParam(query.get('limit'), JSM_MAX_LIMIT)));
    if (route === 'organization') {
      const values = [...this.byId.values()].map((organization) => ({
        id: organization.id,
        name: organization.name,
        _links: { self: `${this.site.baseUrl}/rest/servicedeskapi/organization/${organization.id}` },
      }));
      return { status: 200, body: this.page(requestUrl, values, start, limit) };
    }
    const id = decodeURIComponent(requestUrl.pathname.split('/')[4] ?? '');
    const organization = this.byId.get(id);
    if (!organization) return { status: 404, body: { errorMessage: `Organization ${id} does not exist.` } };
    const members = organization.members.flatMap((accountId) => this.site.member(accountId) ?? []);
    return { status: 200, body: this.page(requestUrl, members, start, limit) };
  }

  /** The control API's organization routes (`/simulator/organizations...`), or undefined for another path. */
  async handleControl(request: IncomingMessage, path: string): Promise<Reply | undefined> {
    if (path === '/simulator/organizations') {
      if (request.method === 'GET') return { status: 200, body: { organizations: this.all(), quirks: this.quirks() } };
      if (request.method === 'POST') {
        const parsed = newOrganizationSchema.safeParse(await readJson(request));
        if (!parsed.success) return { status: 400, body: errorBody(zodMessage(parsed.error)) };
        return this.attempt(() => ({ status: 201, body: this.create(parsed.data) }));
      }
    }
    if (path === '/simulator/organizations/quirks' && (request.method === 'PUT' || request.method === 'PATCH')) {
      const body = await readJson(request);
      return this.attempt(() => ({ status: 200, body: this.setQuirks(body as Partial<OrganizationQuirks>) }));
    }
    const one = /^\/simulator\/organizations\/([^/]+)(\/members)?$/.exec(path);
    if (!one?.[1]) return undefined;
    const id = decodeURIComponent(one[1]);
    if (one[2]) {
      if (request.method !== 'POST' && request.method !== 'DELETE') return undefined;
      const parsed = membersSchema.safeParse(await readJson(request));
      if (!parsed.success) return { status: 400, body: errorBody(zodMessage(parsed.error)) };
      return this.attempt(() => {
        if (request.method === 'POST') this.addMembers(id, parsed.data.accountIds);
        else this.removeMembers(id, parsed.data.accountIds);
        return { status: 200, body: this.get(id) };
      });
    }
    if (request.method === 'GET') return this.attempt(() => ({ status: 200, body: this.get(id) }));
    if (request.method === 'PUT' || request.method === 'PATCH') {
      const parsed = renameSchema.safeParse(await readJson(request));
      if (!parsed.success) return { status: 400, body: errorBody(zodMessage(parsed.error)) };
      return this.attempt(() => {
        this.rename(id, parsed.data.name);
        return { status: 200, body: this.get(id) };
      });
    }
    if (request.method === 'DELETE')
      return this.attempt(() => {
        this.delete(id);
        return { status: 204 };
      });
    return undefined;
  }

  private attempt(work: () => Reply): Reply {
    try {
      return work();
    } catch (error) {
      if (error instanceof UnknownOrganizationError) return { status: 404, body: errorBody(error.message) };
      throw error;
    }
  }

  /** 429 past the burst limit: the request is refused, and counts against the window as on a real site. */
  private burst(): Reply | undefined {
    if (!this.settings.burstLimit) return undefined;
    const now = Date.now();
    this.recent = this.recent.filter((at) => at > now - 1000);
    this.recent.push(now);
    if (this.recent.length <= BURST_PER_SECOND) return undefined;
    return {
      status: 429,
      headers: { 'Retry-After': '1', 'RateLimit-Reason': 'jira-burst-based' },
      body: errorBody('Rate limit exceeded.'),
    };
  }

  private page(requestUrl: URL, all: unknown[], start: number, limit: number): Record<string, unknown> {
    const values = all.slice(start, start + limit);
    const isLastPage = start + values.length >= all.length;
    const self = `${this.site.baseUrl}${requestUrl.pathname}`;
    return {
      _expands: [],
      size: values.length,
      start,
      limit,
      isLastPage,
      _links: {
        base: this.site.baseUrl,
        context: '',
        self: `${self}?start=${start}&limit=${limit}`,
        ...(isLastPage ? {} : { next: `${self}?start=${start + values.length}&limit=${limit}` }),
      },
      values,
    };
  }
}

function integerParam(value: string | null, fallback: number): number {
  if (value === null || value.trim() === '') return fallback;
  const parsed = Number(value);
  return Number.isInteger(parsed) ? parsed : fallback;
}
