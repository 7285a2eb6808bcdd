import type { JiraAccount, JiraDirectory } from '../jira-account.js';
import { type PrefetchedAccounts, prefetchAccounts } from './account-prefetch.js';
import { type SkipReason, eligibility, nameCutMessage } from './account-eligibility.js';
import type { AccountSnapshot } from './account-snapshot.js';
import { SEGMENT_SIZE, type SegmentResult, USERS_PAGE_SIZE } from './page-plan.js';
import { forEachConcurrently, withRetries } from './run-pool.js';
import { type SyncStores, syncAccount, unsyncAccount } from './sync-account.js';
import type { SyncedContactValues } from './synced-contact-store.js';
import { type SyncFailure, type SyncProgress, type UserSyncSettingsStore, emptyProgress } from './user-sync-state.js';

/** Accounts of one page handled at once: enough to hide DynamoDB latency, few enough to stay polite. */
const ACCOUNT_CONCURRENCY = 32;
/** Attempts per account in the page's first pass, then again in its second pass. */
const ACCOUNT_ATTEMPTS = 3;
/** Accounts between two progress saves of a running page. */
const PROGRESS_EVERY = 250;

export interface SegmentDependencies extends SyncStores {
  jira: JiraDirectory;
  settings: UserSyncSettingsStore;
  log?: (message: string, details: Record<string, unknown>) => void;
}

export interface SegmentRequest {
  runId: string;
  /** `enable` creates and links; `reconcile` also updates, unlinks, and marks what it saw for the sweep. */
  action: 'enable' | 'reconcile';
  startAt: number;
  segmentSize?: number;
  pageSize?: number;
}

type AccountOutcome = 'created' | 'linked' | 'updated' | 'unchanged' | 'unlinked' | { skipped: SkipReason };

/**
 * The sync of one segment of `users/search` positions: bounded work (at most `SEGMENT_SIZE`
 * accounts) per call.
 * Primary course: read a page -> for each active user or customer with an email, create, link (or,
 * reconciling, update) its contact; make the contact of an inactive or app account regular when
 * reconciling -> move on by the number of records Jira returned, until the segment is covered or an
 * empty page ends the list -> store the segment's counts and failures under the run (a retried
 * segment overwrites its own).
 * An account that fails is tried again before the segment ends; one that still fails is listed.
 * A hidden email is not looked up: `user?accountId=` hides it just the same.
 */
export async function syncUsersSegment(
  deps: SegmentDependencies,
  request: SegmentRequest,
): Promise<SegmentResult & { progress: SyncProgress; failures: SyncFailure[] }> {
  const { runId, action, startAt } = request;
  const end = startAt + (request.segmentSize ?? SEGMENT_SIZE);
  const part = `PAGE#${String(startAt).padStart(12, '0')}`;
  const progress = emptyProgress();
  const failures: SyncFailure[] = [];
  const seen: string[] = [];
  let unreadable = 0;
  let position = startAt;
  let reachedEnd = false;
  const createdAt = await runStartedAt(deps.settings, runId);
  const save = () =>
    deps.settings.saveProgressPart(runId, part, {
      progress: { ...progress, skippedBy: { ...progress.skippedBy }, sources: { ...progress.sources } },
      failures: [...failures],
    });

  while (position < end) {
    const asked = Math.min(request.pageSize ?? USERS_PAGE_SIZE, end - position);
    // The page's accounts are at least as fresh as the moment it was asked for: any webhook newer
    // than that wins over them (a change Jira made while answering carries a newer webhook too).
    const readAt = Date.now();
    const page = await deps.jira.searchUsers(position, asked);
    if (page.returned === 0) {
      reachedEnd = true;
      break;
    }
    progress.total += page.returned;
    progress.sources.usersSearch += page.returned;
    progress.processed += page.unreadable;
    progress.skipped += page.unreadable;
    progress.skippedBy.other += page.unreadable;
    unreadable += page.unreadable;
    seen.push(...page.accounts.map((account) => account.accountId));
    await syncPage(deps, {
      runId,
      action,
      accounts: page.accounts,
      readAt,
      createdAt,
      progress,
      failures,
      onProgress: save,
    });
    // Only what Jira returned is covered: a short page is not the end, and its next page starts here.
    position += page.returned;
    await save();
  }

  // What the segment saw is kept for every run: the service desks' customers after it are counted
  // only if no segment listed them, and a reconcile's sweep spares them.
  await deps.settings.saveProgressPart(runId, part, { progress, failures, seenAccountIds: seen, unreadable });
  return { startAt, count: position - startAt, reachedEnd, progress, failures };
}

/**
 * One page of accounts, from any source (a `users/search` segment, a service desk's customers):
 * read the links and emails in batches, then each account as the run's action has it, at bounded
 * concurrency; those that fail are tried again one at a time, then counted as failed.
 */
export async function syncPage(
  deps: SyncStores & Pick<SegmentDependencies, 'log'>,
  page: {
    runId: string;
    action: SegmentRequest['action'];
    accounts: JiraAccount[];
    readAt: number;
    createdAt: string;
    progress: SyncProgress;
    failures: SyncFailure[];
    onProgress: () => Promise<void>;
  },
): Promise<void> {
  const { progress } = page;
  const prefetched = await prefetchAccounts(
    deps,
    page.accounts.map((account) => ({ accountId: account.accountId, email: account.emailAddress })),
  );
  const contacts = page.action === 'reconcile' ? await linkedContactsOf(deps, prefetched, page.accounts) : undefined;
  const handle = (account: JiraAccount) =>
    syncOne(deps, { account, runId: page.runId, readAt: page.readAt, createdAt: page.createdAt, prefetched, contacts });
  let pendingSave: Promise<void> = Promise.resolve();
  let done = 0;
  const count = (outcome: AccountOutcome) => {
    tally(progress, outcome);
    done += 1;
    // Show progress while a page runs, not only when it ends (the segment's own part is overwritten).
    if (done % PROGRESS_EVERY === 0) pendingSave = pendingSave.then(page.onProgress).catch(() => undefined);
  };

  const retryLater: JiraAccount[] = [];
  await forEachConcurrently(page.accounts, ACCOUNT_CONCURRENCY, async (account) => {
    try {
      count(await withRetries(ACCOUNT_ATTEMPTS, () => handle(account)));
    } catch {
      retryLater.push(account);
    }
  });
  // A second pass, one at a time, once the burst that may have caused the failures has passed.
  for (const account of retryLater) {
    try {
      count(await withRetries(ACCOUNT_ATTEMPTS, () => handle(account), 200));
    } catch (error) {
      progress.processed += 1;
      progress.failed += 1;
      page.failures.push({ accountId: account.accountId, reason: describe(error) });
      deps.log?.('Account could not be synced', { accountId: account.accountId, error: describe(error) });
    }
  }
  await pendingSave;
}

/** One account of a page, as the run's action has it. */
async function syncOne(
  deps: SyncStores & Pick<SegmentDependencies, 'log'>,
  input: {
    account: JiraAccount;
    runId: string;
    readAt: number;
    createdAt: string;
    prefetched: PrefetchedAccounts;
    contacts: Map<string, SyncedContactValues> | undefined;
  },
): Promise<AccountOutcome> {
  const { account, runId, readAt, createdAt, prefetched, contacts } = input;
  const verdict = eligibility(account, readAt);
  const reconciling = contacts !== undefined;
  const link = prefetched.linkOf(account.accountId);
  if (verdict.kind === 'skip') return { skipped: verdict.reason };
  if (verdict.kind === 'unsync') {
    if (!reconciling || link?.status !== 'linked') return { skipped: verdict.reason };
    const outcome = await unsyncAccount(deps, { accountId: account.accountId, eventTs: readAt, runId });
    return outcome === 'unlinked' ? 'unlinked' : { skipped: verdict.reason };
  }
  const { snapshot } = verdict;
  if (verdict.cutFrom !== undefined)
    deps.log?.(nameCutMessage(account.accountId, verdict.cutFrom), { accountId: account.accountId });
  if (reconciling && link?.status === 'linked' && link.contactId && matches(contacts.get(link.contactId), snapshot))
    return 'unchanged';
  const outcome = await syncAccount(deps, snapshot, { runId, createdAt, ...prefetched.optionsFor(snapshot) });
  if (outcome === 'created') return 'created';
  if (!reconciling) return 'linked';
  return outcome === 'stale' ? 'unchanged' : outcome;
}

/** Whether the contact already holds what Jira says: then a reconcile writes nothing. */
function matches(contact: SyncedContactValues | undefined, snapshot: AccountSnapshot): boolean {
  return (
    contact !== undefined &&
    contact.jiraAccountId === snapshot.accountId &&
    contact.jiraAccountType === snapshot.accountType &&
    contact.email === snapshot.email &&
    (snapshot.displayName === undefined || contact.name === snapshot.displayName)
  );
}

async function linkedContactsOf(stores: SyncStores, prefetched: PrefetchedAccounts, accounts: JiraAccount[]) {
  const contactIds = accounts.flatMap((account) => {
    const link = prefetched.linkOf(account.accountId);
    return link?.status === 'linked' && link.contactId ? [link.contactId] : [];
  });
  return stores.syncedContacts.syncedContacts(contactIds);
}

function tally(progress: SyncProgress, outcome: AccountOutcome): void {
  progress.processed += 1;
  if (typeof outcome === 'object') {
    progress.skipped += 1;
    progress.skippedBy[outcome.skipped] += 1;
    return;
  }
  if (outcome === 'unchanged') return;
  progress[outcome] += 1;
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

/** When the run started: the creation time of every contact it creates (see `SyncAccountOptions.createdAt`). */
export async function runStartedAt(settings: UserSyncSettingsStore, runId: string): Promise<string> {
  const current = await settings.get();
  return current.runId === runId && current.startedAt ? current.startedAt : new Date().toISOString();
}
