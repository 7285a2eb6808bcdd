import type { JiraDirectory } from '../jira-account.js';
import { type ServiceDeskDirectory, listServiceDesks } from '../service-desk.js';
import type { SyncAction, UserSyncSettingsStore } from './user-sync-state.js';

/**
 * Where a run's records come from. Each source measures and saves its own estimate; the run's
 * `estimatedTotal` is their sum (a source added later, such as each service desk's customers,
 * saves one more part and is counted with the others).
 */
export type RunSizeSource = 'users' | 'links' | (string & {});

/** A service desk's part of the estimate: its customers, measured at the start, then as the run added them. */
export const deskEstimateSource = (deskId: string): RunSizeSource => `servicedesk:${deskId}`;

/** Doubling offsets asked at once: one round covers three doublings. */
const PROBES_PER_ROUND = 3;

/**
 * The length of a list that can only be asked whether it holds a record at position `k` (true
 * exactly when `k` is before its end), in about 2·log₂(N) probes (some 40 at a million): doubling
 * offsets, three at once, find a bound, then halving finds the end.
 */
export async function measureListLength(hasRecordAt: (position: number) => Promise<boolean>): Promise<number> {
  if (!(await hasRecordAt(0))) return 0;
  // `known` holds a record, `end` none.
  let known = 0;
  let end: number | undefined;
  for (let next = 1; end === undefined; next *= 2 ** PROBES_PER_ROUND) {
    const offsets = Array.from({ length: PROBES_PER_ROUND }, (_, index) => next * 2 ** index);
    const answers = await Promise.all(offsets.map(hasRecordAt));
    for (const [index, offset] of offsets.entries()) {
      if (!answers[index]) {
        end = offset;
        break;
      }
      known = offset;
    }
  }
  while (end - known > 1) {
    const middle = Math.floor((known + end) / 2);
    if (await hasRecordAt(middle)) known = middle;
    else end = middle;
  }
  return end;
}

/** One page of a list read at a position: how many records it held, and whether the list ends with it. */
export interface PageAtPosition {
  returned: number;
  isLastPage: boolean;
}

/**
 * The length of a list read in pages that say where it ends (JSM's `isLastPage`): a list of one page
 * is counted by that page alone; a longer one is bounded by doubling offsets (three at once) and
 * found by halving, each page proving `returned` records past its position, so the search stops
 * within a page of the end. Pages shorter than asked are fine: only `isLastPage` ends the list.
 */
export async function measurePagedListLength(readAt: (position: number) => Promise<PageAtPosition>): Promise<number> {
  const first = await readAt(0);
  if (first.isLastPage || first.returned === 0) return first.returned;
  // Records are known at every position below `known`; none at `upper` or past it.
  let known = first.returned;
  let upper = Number.POSITIVE_INFINITY;
  while (upper === Number.POSITIVE_INFINITY) {
    const offsets = Array.from({ length: PROBES_PER_ROUND }, (_, index) => known * 2 ** (index + 1));
    const pages = await Promise.all(offsets.map(readAt));
    for (const [index, offset] of offsets.entries()) {
      const page = pages[index] as PageAtPosition;
      if (page.returned === 0) {
        upper = offset;
        break;
      }
      if (page.isLastPage) return offset + page.returned;
      known = offset + page.returned;
    }
  }
  const pageSize = first.returned;
  while (known < upper) {
    // Within a page of the end, the page at `known` reaches it.
    const middle: number = upper - known <= pageSize ? known : Math.floor((known + upper) / 2);
    const page = await readAt(middle);
    if (page.returned === 0) upper = middle;
    else if (page.isLastPage) return middle + page.returned;
    else known = middle + page.returned;
  }
  return known;
}

export interface RunSizeDependencies {
  jira: Pick<JiraDirectory, 'searchUsers' | 'listsByPosition' | 'countUsers'>;
  /** JSM's desks, whose customers enable and reconcile read too; left out, only users/search is measured. */
  serviceDesks?: Pick<ServiceDeskDirectory, 'serviceDesks' | 'customers'>;
  /** How many accounts are linked now: what a disable will demote. */
  countLinkedAccounts(): Promise<number>;
  settings: Pick<UserSyncSettingsStore, 'saveEstimate'>;
  log?: (message: string, details: Record<string, unknown>) => void;
}

export interface RunSizeMeasurement {
  source: RunSizeSource;
  /** Null when the source cannot be measured (a Data Center that cannot count its users). */
  estimate: number | null;
  /** Each service desk's customers as measured (a desk that could not be measured is left out). */
  serviceDesks?: { deskId: string; estimate: number }[];
}

/**
 * A run measures its size beside its first wave, never delaying it.
 * Primary course: enable and reconcile ask `users/search` with `maxResults=1` at offsets (an empty
 * page exactly at or past the end) -> disable counts the linked accounts -> the count is saved as
 * the run's estimate for that source -> enable and reconcile then list the service desks and measure
 * each desk's customers in JSM's own pages (one page for most desks), one desk after another under JSM's burst limit,
 * each saved as its own part. It is an estimate: accounts created or deleted while the run reads
 * change the real total, and a customer users/search lists too is counted twice until the run's
 * desk step replaces that desk's part with what it actually added.
 * Alternative course: a directory without positions (Data Center) counts its users its own way
 * ({@link JiraDirectory.countUsers}); one that cannot (no count, or the call fails) leaves the users
 * part unknown, logged, and the desks are measured all the same.
 * Alternative course: a desk (or the desk list) that cannot be read leaves its part unmeasured; the
 * run's desk step saves it once it has read that desk.
 */
export async function estimateRunSize(
  deps: RunSizeDependencies,
  run: { runId: string; action: SyncAction },
): Promise<RunSizeMeasurement> {
  const measured =
    run.action === 'disable'
      ? { source: 'links', estimate: await deps.countLinkedAccounts() }
      : { source: 'users', estimate: await measureUsers(deps) };
  if (measured.estimate !== null) await deps.settings.saveEstimate(run.runId, measured.source, measured.estimate);
  if (run.action === 'disable' || !deps.serviceDesks) return measured;
  return { ...measured, serviceDesks: await estimateDeskCustomers({ ...deps, serviceDesks: deps.serviceDesks }, run) };
}

/**
 * The users part: `users/search`'s length, probed by position; without positions, the directory's
 * own count, or null (never a failure: the desks are still to be measured).
 */
async function measureUsers(deps: RunSizeDependencies): Promise<number | null> {
  const { jira } = deps;
  if (jira.listsByPosition !== false)
    return measureListLength(async (position) => (await jira.searchUsers(position, 1)).returned > 0);
  const unknown = 'Jira could not count its users: that part of the estimate stays unknown.';
  try {
    const count = (await jira.countUsers?.()) ?? null;
    if (count === null) deps.log?.(unknown, { reason: jira.countUsers ? 'no usable count' : 'no count offered' });
    return count;
  } catch (error) {
    deps.log?.(unknown, { error: String(error) });
    return null;
  }
}

/**
 * Each desk's customer count, saved as `servicedesk:<id>` unless the run's desk step saved that part
 * first (it knows better: the accounts the desk actually added). Never throws.
 */
async function estimateDeskCustomers(
  deps: RunSizeDependencies & { serviceDesks: Pick<ServiceDeskDirectory, 'serviceDesks' | 'customers'> },
  run: { runId: string },
): Promise<{ deskId: string; estimate: number }[]> {
  const directory = deps.serviceDesks;
  let deskIds: string[];
  try {
    deskIds = await listServiceDesks(directory);
  } catch (error) {
    deps.log?.('The service desks could not be listed: their customers are left out of the estimate.', {
      error: String(error),
    });
    return [];
  }
  const measured: { deskId: string; estimate: number }[] = [];
  // One desk after another: the burst limit paces them anyway, and a deadline then leaves whole desks out.
  for (const deskId of deskIds) {
    try {
      const estimate = await measurePagedListLength((position) => directory.customers(deskId, position));
      await deps.settings.saveEstimate(run.runId, deskEstimateSource(deskId), estimate, { keepExisting: true });
      measured.push({ deskId, estimate });
    } catch (error) {
      deps.log?.("A service desk's customers could not be measured: that part of the estimate is left out.", {
        deskId,
        error: String(error),
      });
    }
  }
  return measured;
}
