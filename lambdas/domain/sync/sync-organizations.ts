import { companyNameKey } from '../company.js';
import type { AccountLinkStore } from './account-link-store.js';
import type { JsmOrganization, OrganizationDirectory } from './organization-directory.js';
import { type OrganizationProgress, emptyOrganizationProgress } from './organization-progress.js';
import { forEachConcurrently, withRetries } from './run-pool.js';
import type { MembershipStore, SyncedCompanyStore } from './synced-company-store.js';
import { type UserSyncSettingsStore, emptyProgress } from './user-sync-state.js';

/** Synced companies read per sweep or demotion call: bounded work whatever the number of companies. */
export const COMPANY_BATCH_SIZE = 500;
const MEMBERSHIP_CONCURRENCY = 16;
/**
 * Member pages one call reads before it hands the rest of its page of organizations to the next call
 * (about 100 s at JSM's burst limit): a page of large organizations never outgrows a Lambda's time.
 * One organization's members are always read in one call.
 */
export const MEMBER_PAGES_PER_CALL = 400;

export interface OrganizationSyncDependencies {
  directory: OrganizationDirectory;
  companies: SyncedCompanyStore;
  memberships: MembershipStore;
  links: Pick<AccountLinkStore, 'getLinks'>;
  settings: Pick<UserSyncSettingsStore, 'saveProgressPart'>;
  log?: (message: string, details: Record<string, unknown>) => void;
}

/**
 * Where a run's organization step is: `null` (start), `org:<start>` (the next page of organizations),
 * `org:<start>:<skip>` (that page, from its `skip`th organization on), `sweep:<cursor>` (a reconcile's
 * next batch of synced companies to check).
 */
export type OrganizationCursor = string | null;

/**
 * One bounded call of the organization step of an enable or a reconcile.
 * Primary course: read one page of organizations -> each one's company is created, or linked (a
 * regular company of the same name, any case), or renamed -> each one's members' synced contacts
 * gain the company, and those the sync gave it whose customer left lose it -> the page's counts and
 * the organizations it saw are stored under the run -> the next cursor.
 * After the last page, a reconcile sweeps: each synced company whose organization Jira no longer
 * lists becomes a regular company (nothing is deleted). JSM sends no webhook for any of this.
 */
export async function syncOrganizationsStep(
  deps: OrganizationSyncDependencies,
  request: {
    runId: string;
    action: 'enable' | 'reconcile';
    cursor: OrganizationCursor;
    /** Default {@link MEMBER_PAGES_PER_CALL}. */
    memberPagesPerCall?: number;
  },
): Promise<OrganizationCursor> {
  const { runId, action } = request;
  const cursor = request.cursor ?? 'org:0';
  if (cursor.startsWith('sweep:')) return sweepDeletedOrganizations(deps, runId, cursor.slice('sweep:'.length) || null);

  const [startText, skipText] = cursor.slice('org:'.length).split(':');
  const start = Number(startText) || 0;
  const skip = Number(skipText) || 0;
  const page = await deps.directory.organizationsPage(start);
  const counts = emptyOrganizationProgress();
  // The page's unreadable records count once, in its first call.
  if (skip === 0) counts.unreadable = page.unreadable;
  const todo = page.values.slice(skip);
  let done = 0;
  let memberPages = 0;
  let regularByName: Map<string, string> | undefined;
  for (const organization of todo) {
    if (done > 0 && memberPages >= (request.memberPagesPerCall ?? MEMBER_PAGES_PER_CALL)) break;
    done += 1;
    counts.read += 1;
    const companyId = await withRetries(3, async () => {
      const known = await deps.companies.organizationCompanyId(organization.id);
      if (known) return known;
      regularByName ??= await deps.companies.regularCompaniesByName();
      const nameKey = companyNameKey(organization.name);
      const candidate = regularByName.get(nameKey) ?? crypto.randomUUID();
      if (await deps.companies.claimOrganization(organization.id, candidate)) {
        regularByName.delete(nameKey);
        return candidate;
      }
      return (await deps.companies.organizationCompanyId(organization.id)) ?? candidate;
    });
    const outcome = await withRetries(3, () => deps.companies.syncCompany(companyId, organization));
    if (outcome === 'created' || outcome === 'linked' || outcome === 'renamed') counts[outcome] += 1;
    if (outcome === 'taken') {
      deps.log?.('Company follows another organization; left alone', { companyId, organizationId: organization.id });
      continue;
    }
    memberPages += await followMembers(deps, organization, companyId, counts);
  }
  const part = `${String(start).padStart(9, '0')}:${String(skip).padStart(4, '0')}`;
  if (action === 'reconcile')
    await deps.companies.saveSeenOrganizations(runId, part, {
      ids: todo.slice(0, done).map((organization) => organization.id),
      unreadable: skip === 0 ? page.unreadable : 0,
    });
  await saveCounts(deps, runId, `ORGS#${part}`, counts);
  if (skip + done < page.values.length) return `org:${start}:${skip + done}`;
  if (!page.isLastPage) return `org:${start + page.returned}`;
  return action === 'reconcile' ? 'sweep:' : null;
}

/**
 * Members in, members out. Only memberships the sync recorded are ever removed, and none while Jira
 * listed a member we could not read (it might be any of them). Answers how many member pages it read.
 */
async function followMembers(
  deps: OrganizationSyncDependencies,
  organization: JsmOrganization,
  companyId: string,
  counts: OrganizationProgress,
): Promise<number> {
  const listed = new Set<string>();
  let unreadable = 0;
  let pages = 0;
  for (let start = 0; ; ) {
    const page = await deps.directory.membersPage(organization.id, start);
    pages += 1;
    for (const accountId of page.values) listed.add(accountId);
    unreadable += page.unreadable;
    if (page.isLastPage) break;
    start += page.returned;
  }
  const recorded = await deps.memberships.membershipsOf(organization.id);
  // A member's contact carries the company: recorded and still there costs two batched reads, no write.
  const links = listed.size ? await deps.links.getLinks([...listed]) : new Map();
  const members = [...listed].flatMap((accountId) => {
    const link = links.get(accountId);
    // A member without a synced contact (hidden email, not yet synced) gets it on a later run.
    return link?.status === 'linked' && link.contactId ? [{ accountId, contactId: link.contactId as string }] : [];
  });
  const lacking = await deps.memberships.contactsWithout(
    companyId,
    members.map((member) => member.contactId),
  );
  const due = members.filter(
    (member) => recorded.get(member.accountId) !== member.contactId || lacking.has(member.contactId),
  );
  await forEachConcurrently(due, MEMBERSHIP_CONCURRENCY, async ({ accountId, contactId }) => {
    const membership = { organizationId: organization.id, accountId, contactId, companyId };
    if ((await withRetries(3, () => deps.memberships.addMembership(membership))) === 'added')
      counts.membershipsAdded += 1;
  });
  if (unreadable > 0) {
    deps.log?.('Memberships kept: Jira listed members without an account id', {
      organizationId: organization.id,
      unreadable,
    });
    return pages;
  }
  const left = [...recorded].filter(([accountId]) => !listed.has(accountId));
  await forEachConcurrently(left, MEMBERSHIP_CONCURRENCY, async ([accountId, contactId]) => {
    const membership = { organizationId: organization.id, accountId, contactId, companyId };
    if (await withRetries(3, () => deps.memberships.removeMembership(membership))) counts.membershipsRemoved += 1;
  });
  return pages;
}

/** A reconcile's last part: synced companies whose organization was not listed become regular. */
async function sweepDeletedOrganizations(
  deps: OrganizationSyncDependencies,
  runId: string,
  cursor: string | null,
): Promise<OrganizationCursor> {
  const seen = await deps.companies.seenOrganizations(runId);
  if (seen.unreadable > 0) {
    // A record without an id might be any organization: then no company is made regular this time.
    deps.log?.('Organization sweep skipped: Jira listed organizations without an id', { runId });
    return null;
  }
  const batch = await deps.companies.listSyncedCompanies({ cursor, limit: COMPANY_BATCH_SIZE });
  const counts = emptyOrganizationProgress();
  for (const company of batch.companies) {
    if (seen.ids.has(company.organizationId)) continue;
    if (await withRetries(3, () => deps.companies.unsyncCompany(company))) counts.unlinked += 1;
  }
  await saveCounts(deps, runId, `ORGSWEEP#${cursor ?? 'START'}`, counts);
  return batch.cursor === null ? null : `sweep:${batch.cursor}`;
}

/**
 * Turning syncing off, for one batch of synced companies: each becomes a regular company; nothing is
 * deleted, and the contacts keep their companies.
 */
export async function demoteCompaniesBatch(
  deps: Pick<OrganizationSyncDependencies, 'companies' | 'settings'>,
  request: { runId: string; cursor: string | null },
): Promise<string | null> {
  const batch = await deps.companies.listSyncedCompanies({ cursor: request.cursor, limit: COMPANY_BATCH_SIZE });
  const counts = emptyOrganizationProgress();
  for (const company of batch.companies) {
    if (await withRetries(3, () => deps.companies.unsyncCompany(company))) counts.unlinked += 1;
  }
  await saveCounts(deps, request.runId, `COMPANIES#${request.cursor ?? 'START'}`, counts);
  return batch.cursor;
}

/**
 * Stores a part's counts under the run. A part that counted nothing is not stored, so a site without
 * organizations shows no `organizations` in its progress at all (and writes nothing for them).
 */
async function saveCounts(
  deps: Pick<OrganizationSyncDependencies, 'settings'>,
  runId: string,
  part: string,
  organizations: OrganizationProgress,
): Promise<void> {
  if (Object.values(organizations).every((count) => count === 0)) return;
  await deps.settings.saveProgressPart(runId, part, {
    progress: { ...emptyProgress(), organizations },
    failures: [],
  });
}
