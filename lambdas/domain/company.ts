import { ConflictError } from './errors.js';

/** A company that contacts can belong to. */
export interface Company {
  id: string;
  name: string;
  domain: string | null;
  /** Set while the company is synced from a JSM organization; `null` for a regular company. */
  jsmOrganization: JsmOrganizationLink | null;
  createdAt: string;
  updatedAt: string;
}

/** The JSM organization a synced company follows. */
export interface JsmOrganizationLink {
  id: string;
}

export interface NewCompany {
  name: string;
  domain?: string | null;
}

export type CompanyChanges = Partial<NewCompany>;

export function isSyncedCompany(company: Pick<Company, 'jsmOrganization'>): boolean {
  return company.jsmOrganization !== null;
}

/**
 * A synced company cannot be renamed: its name follows its JSM organization. Throws the 409 a person
 * can act on when `changes` would give a synced company another name.
 */
export function assertRenameAllowed(company: Company, changes: CompanyChanges): void {
  if (!isSyncedCompany(company) || changes.name === undefined || changes.name === company.name) return;
  throw syncedCompanyRenameConflict();
}

/** A synced company cannot be deleted: it exists as long as its JSM organization (and syncing) does. */
export function assertDeletionAllowed(company: Company): void {
  if (isSyncedCompany(company)) throw syncedCompanyDeletionConflict();
}

export function syncedCompanyRenameConflict(): ConflictError {
  return new ConflictError(
    'This company is synced with a JSM organization: its name follows Jira Service Management and cannot be ' +
      'changed here. Rename the organization in JSM instead; the next reconcile renames the company.',
  );
}

export function syncedCompanyDeletionConflict(): ConflictError {
  return new ConflictError(
    'This company is synced with a JSM organization and cannot be deleted. Delete the organization in JSM ' +
      '(the next reconcile makes the company regular), or turn user syncing off, first.',
  );
}

/** How company names match: case and Unicode normalization do not matter ("globex ltd" is "Globex Ltd"). */
export function companyNameKey(name: string): string {
  return name.normalize('NFC').trim().toLocaleLowerCase('en-US');
}
