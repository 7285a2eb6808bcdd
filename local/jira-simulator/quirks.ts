/**
 * Switches that make the simulator behave like Jira Cloud at its least convenient: null fields,
 * corrupted records, a page cap below `maxResults` and transient failures. All are off by default
 * and can be changed while the simulator runs (`setQuirks`, `PUT /simulator/quirks`).
 */
import { z } from 'zod';

/** The service's own reads; the login checks (`myself`, `mypermissions`) are never failed on purpose. */
export type FaultableRoute = 'users/search' | 'user';
export const FAULTABLE_ROUTES: readonly FaultableRoute[] = ['users/search', 'user'];

export interface TransientFailureOptions {
  /** Every Nth call to the routes fails (counting from when this was set). */
  every: number;
  /** `Retry-After` of the 503s. Default 1. */
  retryAfterSeconds?: number;
  /** Default `['users/search', 'user']`. */
  routes?: FaultableRoute[];
}

export interface JiraQuirks {
  /** This fraction (0..1) of the seeded active users and customers hide their email, sent as `"emailAddress": null`. */
  nullEmailRatio: number;
  /** How the other hidden emails are sent: the key left out (`missing`) or `null`. */
  hiddenEmailStyle: 'missing' | 'null';
  /** This fraction (0..1) of the seeded active users and customers are sent with `"displayName": null`. */
  nullDisplayNameRatio: number;
  /** Extra records with `accountType: "unknown"`; the first has `accountId: "unknown"`. */
  unknownAccounts: number;
  /** `users/search` answers at most this many accounts, whatever `maxResults` asks (1..1000). */
  pageCap: number;
  /** Every Nth call to the routes fails: 409 (502 off `users/search`), 503, a connection reset, 504, in turn. */
  transientFailures: Required<TransientFailureOptions> | null;
  /** Every answer of the service's reads (`users/search`, `user`) waits this long first: a slow Jira. */
  latencyMs: number;
  /** JSM's lists (`servicedeskapi`) answer at most this many records a page, whatever `limit` asks (1..100). */
  jsmPageCap: number;
  /** JSM's burst limit: requests to `servicedeskapi` a second before it answers 429 (0: none). */
  jsmBurstLimit: number;
  /** Whether `users/search` lists JSM customers too; false keeps them to the service desks (portal-only). */
  customersInUserSearch: boolean;
}

/** What `setQuirks` takes: any subset; `transientFailures: null` turns the failures off. */
export type QuirksInput = Partial<Omit<JiraQuirks, 'transientFailures'>> & {
  transientFailures?: TransientFailureOptions | null;
};

export const DEFAULT_QUIRKS: JiraQuirks = {
  nullEmailRatio: 0,
  hiddenEmailStyle: 'missing',
  nullDisplayNameRatio: 0,
  unknownAccounts: 0,
  pageCap: 1000,
  transientFailures: null,
  latencyMs: 0,
  jsmPageCap: 50,
  jsmBurstLimit: 5,
  customersInUserSearch: true,
};

const ratio = z.number().min(0).max(1);

/** The one schema for the quirks, from code and over HTTP alike. */
export const quirksInputSchema = z.strictObject({
  nullEmailRatio: ratio.optional(),
  hiddenEmailStyle: z.enum(['missing', 'null']).optional(),
  nullDisplayNameRatio: ratio.optional(),
  unknownAccounts: z.number().int().min(0).max(1000).optional(),
  pageCap: z.number().int().min(1).max(1000).optional(),
  latencyMs: z.number().int().min(0).max(10_000).optional(),
  jsmPageCap: z.number().int().min(1).max(100).optional(),
  jsmBurstLimit: z.number().int().min(0).max(1000).optional(),
  customersInUserSearch: z.boolean().optional(),
  transientFailures: z
    .strictObject({
      every: z.number().int().min(1).max(1000),
      retryAfterSeconds: z.number().int().min(0).max(60).default(1),
      routes: z
        .array(z.enum(['users/search', 'user']))
        .min(1)
        .default([...FAULTABLE_ROUTES]),
    })
    .nullable()
    .optional(),
});

/** Thrown by `setQuirks` and `startJiraSimulator` for a switch out of range. */
export class InvalidQuirksError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQuirksError';
  }
}

/** The quirks after applying `changes` to `current`; throws {@link InvalidQuirksError} if a value is out of range. */
export function applyQuirks(current: JiraQuirks, changes: unknown): JiraQuirks {
  const parsed = quirksInputSchema.safeParse(changes);
  if (!parsed.success) {
    throw new InvalidQuirksError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '),
    );
  }
  const next: JiraQuirks = { ...current };
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value !== undefined) Object.assign(next, { [key]: value });
  }
  return next;
}

/** The kinds of injected faults, in the order they take turns. */
export type TransientFaultKind = 'timeout' | '503' | 'reset' | '504';
const FAULT_CYCLE: readonly TransientFaultKind[] = ['timeout', '503', 'reset', '504'];

/** Counts calls to the faultable routes and says which call fails, and how. */
export class TransientFaultSchedule {
  private calls = 0;
  private faults = 0;

  constructor(private readonly options: Required<TransientFailureOptions>) {}

  /** The fault this call gets, or undefined when it goes through. */
  next(route: string): TransientFaultKind | undefined {
    if (!(this.options.routes as string[]).includes(route)) return undefined;
    this.calls += 1;
    if (this.calls % this.options.every !== 0) return undefined;
    const kind = FAULT_CYCLE[this.faults % FAULT_CYCLE.length] as TransientFaultKind;
    this.faults += 1;
    return kind;
  }
}
