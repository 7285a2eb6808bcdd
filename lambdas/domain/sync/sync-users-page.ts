import type { JiraDirectory } from '../jira-account.js';
import type { AccountLinkStore } from './account-link-store.js';
import { prefetchAccounts } from './account-prefetch.js';
import { eligibility } from './account-snapshot.js';
import type { PageResult } from './page-plan.js';
import { forEachConcurrently, withRetries } from './run-pool.js';
import { syncAccount } from './sync-account.js';
import { EMPTY_PROGRESS, type SyncProgress, type UserSyncSettingsStore } from './user-sync-state.js';

/** Accounts of one page handled at once: enough to hide DynamoDB latency, few enough to stay polite. */
const ACCOUNT_CONCURRENCY = 32;
const ACCOUNT_ATTEMPTS = 3;
/** Accounts between two progress saves of a running page. */
const PROGRESS_EVERY = 250;

export interface SyncPageDependencies {
  jira: JiraDirectory;
  links: AccountLinkStore;
  settings: UserSyncSettingsStore;
  log?: (message: string, details: Record<string, unknown>) => void;
}

/**
 * The initial sync of one `users/search` page: bounded work (at most 1000 accounts) per call.
 * Primary course: read the page -> for each active user or customer with an email, create or link
 * its contact -> store the page's counts under the run (a retried page overwrites its own counts).
 * Apps and inactive accounts are skipped; an account without an email in the page is looked up
 * once, and skipped if its email stays hidden.
 */
export async function syncUsersPage(
  deps: SyncPageDependencies,
  runId: string,
  startAt: number,
  pageSize: number,
): Promise<PageResult & { progress: SyncProgress }> {
  const readAt = Date.now(); // the page's accounts are as of this moment: newer webhooks win over them
  const accounts = await deps.jira.searchUsers(startAt, pageSize);
  const progress = { ...EMPTY_PROGRESS, total: accounts.length };
  const part = `PAGE#${String(startAt).padStart(12, '0')}`;
  let pendingSave: Promise<void> = Promise.resolve();
  const prefetched = await prefetchAccounts(
    deps.links,
    accounts.map((account) => ({ accountId: account.accountId, email: account.emailAddress })),
  );

  await forEachConcurrently(accounts, ACCOUNT_CONCURRENCY, async (account) => {
    try {
      let verdict = eligibility(account, readAt);
      if (verdict.kind === 'hidden-email') {
        const lookedUp = await deps.jira.getUser(account.accountId);
        if (lookedUp) verdict = eligibility(lookedUp, readAt);
      }
      if (verdict.kind !== 'sync') {
        progress.skipped += 1;
      } else {
        const { snapshot } = verdict;
        const outcome = await withRetries(ACCOUNT_ATTEMPTS, () => syncAccount(deps.links, snapshot, runId, prefetched.optionsFor(snapshot)));
        if (outcome === 'created') progress.created += 1;
        else progress.linked += 1;
      }
    } catch (error) {
      progress.failed += 1;
      deps.log?.('Account could not be synced', { accountId: account.accountId, error: String(error) });
    }
    progress.processed += 1;
    // Show progress while a page runs, not only when it ends (the page's own part is overwritten).
    if (progress.processed % PROGRESS_EVERY === 0 && progress.processed < accounts.length) {
      pendingSave = pendingSave.then(() => deps.settings.saveProgressPart(runId, part, { ...progress })).catch(() => undefined);
    }
  });
  await pendingSave;

  await deps.settings.saveProgressPart(runId, part, progress);
  return { startAt, count: accounts.length, full: accounts.length >= pageSize, progress };
}
