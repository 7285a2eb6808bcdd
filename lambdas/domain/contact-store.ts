import type { Company, CompanyChanges, NewCompany } from './company.js';
import type { Contact, ContactChanges, NewContact } from './contact.js';
import type { Page, PageRequest } from './page.js';

/**
 * Where contacts live. The DynamoDB adapter implements it; the domain and handlers only see this.
 * Every method either succeeds or throws a typed error from `errors.ts`.
 */
export interface ContactStore {
  createContact(input: NewContact): Promise<Contact>;
  getContact(id: string): Promise<Contact | undefined>;
  /** Newest first. */
  listContacts(page: PageRequest): Promise<Page<Contact>>;
  /** Case-insensitive, oldest first (the oldest is the one a Jira user is linked to). */
  findContactsByEmail(email: string, page: PageRequest): Promise<Page<Contact>>;
  /** Throws ConflictError when a synced contact's name or email would change. */
  updateContact(id: string, changes: ContactChanges): Promise<Contact>;
  /** Throws ConflictError for a synced contact. */
  deleteContact(id: string): Promise<void>;
}

export interface CompanyStore {
  createCompany(input: NewCompany): Promise<Company>;
  getCompany(id: string): Promise<Company | undefined>;
  listCompanies(page: PageRequest): Promise<Page<Company>>;
  /** Throws ConflictError when a synced company's name would change (it follows its JSM organization). */
  updateCompany(id: string, changes: CompanyChanges): Promise<Company>;
  /** Throws ConflictError for a synced company. */
  deleteCompany(id: string): Promise<void>;
  /** The ids among `ids` that name no company. */
  missingCompanyIds(ids: readonly string[]): Promise<string[]>;
}
