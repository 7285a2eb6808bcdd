import type { JiraAccount } from '../jira-account.js';
import type { UserListing } from '../user-listing.js';
import { runStartedAt, syncPage } from './sync-users-segment.js';
import type { SyncStores } from './sync-account.js';
import { type SyncFailure, type SyncProgress, type UserSyncSettingsStore, emptyProgress } from './user-sync-state.js';

/** Records one listing step reads at least before it hands back (a `user/list` page, or about 10 split queries). */
export const LISTING_STEP_SIZE = 1000;

export interface ListingStepDependencies extends SyncStores {
  userListing: UserListing;
  settings: UserSyncSettingsStore;
  log?: (message: string, details: Record<string, unknown>) => void;
}

/**
 * One step of listing every user of a directory that pages by token (Jira Data Center), run as a
 * step of the service desk phase: its token is kept in the workflow state between steps, so each
 * step is one bounded Lambda call and the workflow's history stays bounded as for the desks.
 * Primary course: read pages from `token` until about `LISTING_STEP_SIZE` records came back or the
 * listing ended -> an account no earlier part of the run saw (split searches overlap) is synced and
 * counted as listed by users/search -> keep what the step saw under its part -> hand back the next
 * token (undefined: every user was listed).
 */
export async function syncUserListingStep(
  deps: ListingStepDependencies,
  request: {
    runId: string;
    action: 'enable' | 'reconcile';
    part: string;
    token: string | undefined;
    stepSize?: number;
  },
): Promise<{ token: string | undefined; done: boolean }> {
  const { runId, part } = request;
  const seenBefore = await deps.settings.seenAccountsBefore(runId, part);
  const createdAt = await runStartedAt(deps.settings, runId);
  const progress = emptyProgress();
  const failures: SyncFailure[] = [];
  const seenHere = new Set<string>();
  const save = (seen?: { unreadable: number }) =>
    deps.settings.saveProgressPart(runId, part, {
      progress: copy(progress),
      failures: [...failures],
      ...(seen ? { seenAccountIds: [...seenHere], unreadable: seen.unreadable } : {}),
    });
  let token = request.token;
  let read = 0;
  let unreadable = 0;
  let done = false;
  while (read < (request.stepSize ?? LISTING_STEP_SIZE)) {
    const readAt = Date.now();
    const page = await deps.userListing.listUsers(token);
    const fresh: JiraAccount[] = [];
    for (const account of page.accounts) {
      if (!seenBefore.has(account.accountId) && !seenHere.has(account.accountId)) fresh.push(account);
      seenHere.add(account.accountId);
    }
    progress.total += fresh.length + page.unreadable;
    progress.sources.usersSearch += fresh.length + page.unreadable;
    progress.processed += page.unreadable;
    progress.skipped += page.unreadable;
    progress.skippedBy.other += page.unreadable;
    unreadable += page.unreadable;
    await syncPage(deps, {
      runId,
      action: request.action,
      accounts: fresh,
      readAt,
      createdAt,
      progress,
      failures,
      onProgress: () => save(),
    });
    // A split search's query may come back empty: the step's bound counts queries as well as records.
    read += Math.max(page.returned, 1);
    token = page.nextToken;
    if (token === undefined) {
      done = true;
      break;
    }
    await save();
  }
  await save({ unreadable });
  return { token, done };
}

function copy(progress: SyncProgress): SyncProgress {
  return { ...progress, skippedBy: { ...progress.skippedBy }, sources: { ...progress.sources } };
}
