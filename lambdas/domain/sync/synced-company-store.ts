import type { JsmOrganization } from './organization-directory.js';

/** What making a company follow its organization did. */
export type SyncCompanyResult =
  | 'created' // no such company: it was made, synced
  | 'linked' // a regular company now follows the organization (and took its name)
  | 'renamed' // the organization's company took its new name
  | 'unchanged' // it already held the organization's name
  | 'taken'; // the company follows another organization (never expected: reported, not forced)

/** A company synced from an organization. */
export interface SyncedCompanyRef {
  companyId: string;
  organizationId: string;
}

/**
 * The sync's writes to companies: which company an organization has (one, claimed with a conditional
 * write and kept after unlinking, so re-enabling takes the same company again), making it follow the
 * organization, and making it regular again. A synced company's name and deletion belong to JSM.
 */
export interface SyncedCompanyStore {
  /** The company the organization was ever given, if any. */
  organizationCompanyId(organizationId: string): Promise<string | undefined>;
  /** Names `companyId` the organization's company, only if it has none yet; false if it had one. */
  claimOrganization(organizationId: string, companyId: string): Promise<boolean>;
  /** Every regular company by {@link companyNameKey} of its name, the oldest of each name. */
  regularCompaniesByName(): Promise<Map<string, string>>;
  /** Makes company `companyId` follow the organization (created if it does not exist); writes only what differs. */
  syncCompany(companyId: string, organization: JsmOrganization): Promise<SyncCompanyResult>;
  /** One batch of synced companies, and the cursor of the next (null after the last). */
  listSyncedCompanies(page: { cursor: string | null; limit: number }): Promise<{
    companies: SyncedCompanyRef[];
    cursor: string | null;
  }>;
  /** Makes the company regular, only while it still follows that organization. */
  unsyncCompany(company: SyncedCompanyRef): Promise<boolean>;
  /** A reconcile's mark: the organizations one page listed (one write per page). */
  saveSeenOrganizations(runId: string, part: string, seen: { ids: string[]; unreadable: number }): Promise<void>;
  seenOrganizations(runId: string): Promise<{ ids: Set<string>; unreadable: number }>;
}

export type AddMembershipResult = 'added' | 'present' | 'not-synced';

/** A customer's membership in an organization, as the sync recorded it on the customer's contact. */
export interface Membership {
  organizationId: string;
  accountId: string;
  contactId: string;
  companyId: string;
}

/**
 * The memberships the sync gave contacts. A contact's `companyIds` hold the companies of its
 * customer's organizations beside any a CRM user added; the contact remembers which ones the sync
 * added, and only those are ever removed.
 */
export interface MembershipStore {
  /** The memberships the sync recorded for an organization: account id -> contact id. */
  membershipsOf(organizationId: string): Promise<Map<string, string>>;
  /** Which of these contacts do not have the company in their `companyIds` (absent contacts are left out). */
  contactsWithout(companyId: string, contactIds: readonly string[]): Promise<Set<string>>;
  /**
   * Adds the company to the contact while it is still the account's synced contact, and records the
   * membership. `present`: the contact had the company already (a CRM user's own choice stays theirs).
   */
  addMembership(membership: Membership): Promise<AddMembershipResult>;
  /** Takes the company off the contact if the sync added it, and forgets the membership. */
  removeMembership(membership: Membership): Promise<boolean>;
}
