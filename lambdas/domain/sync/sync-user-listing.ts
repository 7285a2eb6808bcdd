import type { UserListing } from '../user-listing.js';
import { type ListedPartDependencies, openListedPart } from './listed-part.js';

/** Records one listing step reads at least before it hands back (a `user/list` page, or about 10 split queries). */
export const LISTING_STEP_SIZE = 1000;

export interface ListingStepDependencies extends ListedPartDependencies {
  userListing: UserListing;
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
  const listed = await openListedPart(deps, { runId, action: request.action, part, source: 'usersSearch' });
  let token = request.token;
  let read = 0;
  let done = false;
  while (read < (request.stepSize ?? LISTING_STEP_SIZE)) {
    const readAt = Date.now();
    const page = await deps.userListing.listUsers(token);
    await listed.syncListedPage({ accounts: page.accounts, unreadable: page.unreadable, readAt });
    // A split search's query may come back empty: the step's bound counts queries as well as records.
    read += Math.max(page.returned, 1);
    token = page.nextToken;
    if (token === undefined) {
      done = true;
      break;
    }
    await listed.save();
  }
  await listed.finish();
  return { token, done };
}
