import type { SkipReason } from './account-eligibility.js';
import { type OrganizationProgress, addOrganizationProgress } from './organization-progress.js';

/**
 * The toggle's lifecycle: DISABLED -> ENABLING -> ENABLED -> DISABLING -> DISABLED, and, while
 * enabled, ENABLED -> RECONCILING -> ENABLED. Only one run of any kind is active at a time.
 */
export type SyncState = 'DISABLED' | 'ENABLING' | 'ENABLED' | 'DISABLING' | 'RECONCILING';
export type SyncAction = 'enable' | 'disable' | 'reconcile';

export type SkippedBy = Record<SkipReason, number>;

export interface SyncProgress {
  total: number;
  processed: number;
  created: number;
  linked: number;
  skipped: number;
  failed: number;
  skippedBy: SkippedBy;
  /** Reconcile only: contacts whose name, email or type followed Jira. */
  updated: number;
  /** Reconcile only: contacts of deleted, deactivated or no longer eligible accounts made regular. */
  unlinked: number;
  /** What the run did with JSM organizations (absent until its organization step counted any). */
  organizations?: OrganizationProgress;
  /** Where the run's accounts came from, each counted once: by the first source that listed it. */
  sources: AccountSources;
}

/** Accounts by the source that listed them first: `users/search`, then JSM's service desks. */
export interface AccountSources {
  usersSearch: number;
  serviceDesks: number;
}

/** An account a run could not give its contact, and why. */
export interface SyncFailure {
  accountId: string;
  reason: string;
}

/** At most this many failures are kept and shown (the count is exact). */
export const MAX_FAILURES_SHOWN = 100;

export interface ReconcileSummary {
  startedAt: string;
  finishedAt: string | null;
  progress: SyncProgress;
  error: string | null;
}

export interface UserSyncSettings {
  state: SyncState;
  /** The running or last run; progress is kept per run. */
  runId: string | null;
  /** What that run does. */
  action: SyncAction | null;
  /** When that run started (ISO); a reconcile's reading time is its event time. */
  startedAt: string | null;
  /** Why the last run stopped early, if it did; asking for the same state again resumes it. */
  error: string | null;
  updatedAt: string | null;
  lastReconcile: ReconcileSummary | null;
}

export const EMPTY_SKIPPED_BY: SkippedBy = { hiddenEmail: 0, app: 0, inactive: 0, other: 0 };

const EMPTY_PROGRESS: SyncProgress = {
  total: 0,
  processed: 0,
  created: 0,
  linked: 0,
  skipped: 0,
  failed: 0,
  skippedBy: EMPTY_SKIPPED_BY,
  updated: 0,
  unlinked: 0,
  sources: { usersSearch: 0, serviceDesks: 0 },
};

export function emptyProgress(): SyncProgress {
  return { ...EMPTY_PROGRESS, skippedBy: { ...EMPTY_SKIPPED_BY }, sources: { ...EMPTY_PROGRESS.sources } };
}

export const DEFAULT_SETTINGS: UserSyncSettings = {
  state: 'DISABLED',
  runId: null,
  action: null,
  startedAt: null,
  error: null,
  updatedAt: null,
  lastReconcile: null,
};

export function isEnabledState(state: SyncState): boolean {
  return state === 'ENABLING' || state === 'ENABLED' || state === 'RECONCILING';
}

/** Whether user events may change contacts: only while syncing is on or being turned on. */
export function acceptsUserEvents(state: SyncState): boolean {
  return isEnabledState(state);
}

export const TRANSITION: Record<SyncAction, { from: SyncState; during: SyncState; to: SyncState }> = {
  enable: { from: 'DISABLED', during: 'ENABLING', to: 'ENABLED' },
  disable: { from: 'ENABLED', during: 'DISABLING', to: 'DISABLED' },
  reconcile: { from: 'ENABLED', during: 'RECONCILING', to: 'ENABLED' },
};

/** The run a state is carrying out, if any. */
export function actionOf(state: SyncState): SyncAction | undefined {
  return (Object.keys(TRANSITION) as SyncAction[]).find((action) => TRANSITION[action].during === state);
}

/** Whether a run is in progress in this state (ENABLING, DISABLING or RECONCILING). */
export function isRunInProgress(state: SyncState): boolean {
  return actionOf(state) !== undefined;
}

export function addProgress(a: SyncProgress, b: Partial<SyncProgress>): SyncProgress {
  const skippedBy = { ...a.skippedBy };
  const organizations = addOrganizationProgress(a.organizations, b.organizations);
  for (const reason of Object.keys(EMPTY_SKIPPED_BY) as SkipReason[]) skippedBy[reason] += b.skippedBy?.[reason] ?? 0;
  return {
    total: a.total + (b.total ?? 0),
    processed: a.processed + (b.processed ?? 0),
    created: a.created + (b.created ?? 0),
    linked: a.linked + (b.linked ?? 0),
    skipped: a.skipped + (b.skipped ?? 0),
    failed: a.failed + (b.failed ?? 0),
    skippedBy,
    updated: a.updated + (b.updated ?? 0),
    unlinked: a.unlinked + (b.unlinked ?? 0),
    ...(organizations ? { organizations } : {}),
    sources: {
      usersSearch: (a.sources?.usersSearch ?? 0) + (b.sources?.usersSearch ?? 0),
      serviceDesks: (a.sources?.serviceDesks ?? 0) + (b.sources?.serviceDesks ?? 0),
    },
  };
}

/** One part's share of a run (a segment of pages, a batch of links): counts and its failed accounts. */
export interface ProgressPart {
  progress: SyncProgress;
  failures: SyncFailure[];
  /** Reconcile: the accounts this part saw in Jira (the sweep leaves their contacts alone). */
  seenAccountIds?: string[];
  /** Reconcile: records Jira sent without an account id (a run with any sweeps nothing). */
  unreadable?: number;
}

export interface RunSummary {
  progress: SyncProgress;
  failures: SyncFailure[];
  /** The run's measured size, summed over its sources (see run-size.ts); null until one is measured. */
  estimatedTotal: number | null;
}

/** The settings store: the toggle's state, moved only by conditional writes, and per-run progress. */
export interface UserSyncSettingsStore {
  get(): Promise<UserSyncSettings>;
  /**
   * Moves from `from` to `to` (naming `runId` and its `action`), only if the state is still `from`
   * (and the run is `expectedRunId`). A new run records its start time.
   */
  transition(move: {
    from: SyncState;
    to: SyncState;
    runId: string;
    action: SyncAction;
    expectedRunId?: string | null;
  }): Promise<boolean>;
  recordError(runId: string, message: string | null): Promise<void>;
  /** Keeps a finished (or failed) reconcile's summary, shown as `lastReconcile`. */
  recordReconcile(runId: string, summary: ReconcileSummary): Promise<void>;
  /** Stores one part (page segment or batch) of a run; a retried part overwrites its own. */
  saveProgressPart(runId: string, part: string, value: ProgressPart): Promise<void>;
  /**
   * Keeps one source's measured size of a run (a repeated measurement overwrites its own, unless
   * `keepExisting`: then a part already saved stays).
   */
  saveEstimate(runId: string, source: string, estimate: number, options?: { keepExisting?: boolean }): Promise<void>;
  /** The run's summed counts, its first failures and its estimated size. */
  summary(runId: string): Promise<RunSummary>;
  /** Every account a reconcile run saw, and how many unreadable records it met. */
  seenAccounts(runId: string): Promise<{ accountIds: Set<string>; unreadable: number }>;
  /**
   * The accounts seen by the run's parts whose names sort before `part` (every users/search segment,
   * then the service desk steps before this one): how a later source knows an account was counted.
   */
  seenAccountsBefore(runId: string, part: string): Promise<ReadonlySet<string>>;
}
