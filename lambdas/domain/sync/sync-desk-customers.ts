import { type ServiceDeskDirectory, listServiceDesks } from '../service-desk.js';
import { deskEstimateSource } from './run-size.js';
import type { UserListing } from '../user-listing.js';
import { syncUserListingStep } from './sync-user-listing.js';
import { openListedPart } from './listed-part.js';
import type { SyncStores } from './sync-account.js';
import type { UserSyncSettingsStore } from './user-sync-state.js';

/** Customer records one step reads at most: bounded work per Lambda call (JSM pages are small). */
export const DESK_STEP_SIZE = 1000;
/**
 * Steps one execution runs before the run continues in a new one. A step costs 7 history events
 * (a Task and a Choice), so 400 of them add 2,800 to what the last users/search waves used, far
 * below Standard workflows' 25,000 (test/unit/workflow-history.test.ts).
 */
export const DESK_STEPS_PER_EXECUTION = 400;

/** Where the service desk phase of a run stands; the workflow carries it from step to step. */
export interface DeskCursor {
  /** The site's service desks, listed by the first step; undefined before. */
  deskIds?: string[];
  /** The desk being read, and the position in its customer list. */
  index: number;
  start: number;
  /** Steps of the run so far: names each step's part, so a retried step overwrites its own. */
  step: number;
  /** Accounts the current desk added in earlier steps (no earlier source had listed them). */
  added?: number;
  stepsInExecution: number;
  done: boolean;
  /** This execution has run its share of steps: go on in a new one. */
  continueAsNew: boolean;
  /** Data Center: every user was listed (see sync-user-listing.ts), and the token of the next page until then. */
  usersListed?: boolean;
  usersToken?: string;
}

export interface DeskStepDependencies extends SyncStores {
  serviceDesks: ServiceDeskDirectory;
  /** A directory listed by token (Jira Data Center): every user is read first, one step at a time. */
  userListing?: UserListing | undefined;
  settings: UserSyncSettingsStore;
  log?: (message: string, details: Record<string, unknown>) => void;
}

export interface DeskStepRequest {
  runId: string;
  action: 'enable' | 'reconcile';
  cursor: Partial<DeskCursor> | undefined;
  stepSize?: number;
}

/** A step's part: after every users/search segment (`PAGE#…`) in name order, and in step order. */
export const deskPartName = (step: number): string => `SD#${String(step).padStart(12, '0')}`;

/**
 * One step of the service desk phase: JSM lists customers that `users/search` may not, so after the
 * users/search segments every desk's customers are read too.
 * Primary course: list the desks (first step) -> read up to `DESK_STEP_SIZE` customers of the current
 * desk, page by page, moving on by what Jira returned -> an account no earlier part of the run saw
 * (users/search, an earlier step) is synced and counted; the others were counted already -> keep
 * what the step saw under its part (for later steps and a reconcile's sweep) -> the next desk once
 * JSM says `isLastPage`, that desk's part of the run's estimate replaced by the accounts it added.
 * Data Center: once the desks are read, the same steps list every user (`user/list`, or split
 * searches), so a user the desks listed keeps its `customer` type and everyone else is `atlassian`.
 * One step at a time, so the site's burst limit holds and "seen before" is complete when asked.
 */
export async function syncServiceDeskStep(deps: DeskStepDependencies, request: DeskStepRequest): Promise<DeskCursor> {
  const cursor: DeskCursor = {
    index: 0,
    start: 0,
    step: 0,
    stepsInExecution: 0,
    done: false,
    continueAsNew: false,
    ...request.cursor,
  };
  if (cursor.stepsInExecution >= DESK_STEPS_PER_EXECUTION) return { ...cursor, continueAsNew: true };
  const next = { ...cursor, stepsInExecution: cursor.stepsInExecution + 1, continueAsNew: false };
  if (!cursor.deskIds) {
    const deskIds = await listServiceDesks(deps.serviceDesks);
    const usersLeft = deps.userListing !== undefined && cursor.usersListed !== true;
    return { ...next, deskIds, index: 0, start: 0, added: 0, done: deskIds.length === 0 && !usersLeft };
  }
  const { runId } = request;
  const part = deskPartName(cursor.step);
  const usersLeft = deps.userListing !== undefined && cursor.usersListed !== true;
  const deskId = cursor.deskIds[cursor.index];
  // Data Center: the desks first, so the customers they list are typed `customer`; then everyone else.
  if (deskId === undefined && deps.userListing && usersLeft) {
    const listed = await syncUserListingStep(
      { ...deps, userListing: deps.userListing },
      { runId, action: request.action, part, token: cursor.usersToken },
    );
    const { usersToken: _token, ...rest } = next;
    return {
      ...rest,
      ...(listed.token !== undefined ? { usersToken: listed.token } : {}),
      usersListed: listed.done,
      step: cursor.step + 1,
      done: listed.done,
    };
  }
  if (deskId === undefined) return { ...next, done: true };

  const listed = await openListedPart(deps, { runId, action: request.action, part, source: 'serviceDesks' });
  const end = cursor.start + (request.stepSize ?? DESK_STEP_SIZE);
  let position = cursor.start;
  let deskEnded = false;
  while (position < end) {
    const readAt = Date.now();
    const page = await deps.serviceDesks.customers(deskId, position);
    await listed.syncListedPage({ accounts: page.values, unreadable: page.unreadable, readAt });
    position += page.returned;
    if (page.isLastPage || page.returned === 0) {
      deskEnded = true;
      break;
    }
    await listed.save();
  }
  await listed.finish();
  const added = (cursor.added ?? 0) + listed.added();
  // The desk's part of the estimate becomes what it really added, so the estimate converges on the total.
  if (deskEnded) await deps.settings.saveEstimate(runId, deskEstimateSource(deskId), added);
  const index = deskEnded ? cursor.index + 1 : cursor.index;
  return {
    ...next,
    index,
    start: deskEnded ? 0 : position,
    added: deskEnded ? 0 : added,
    step: cursor.step + 1,
    done: index >= cursor.deskIds.length && !usersLeft,
  };
}
