import type { CompanyStore, ContactStore } from './contact-store.js';
import type { Contact, ContactChanges, NewContact } from './contact.js';
import { ValidationError } from './errors.js';

/**
 * Creates a regular contact.
 * Primary course: the companies it names exist -> the contact is stored -> it is returned.
 */
export async function createContact(
  contacts: ContactStore,
  companies: CompanyStore,
  input: NewContact,
): Promise<Contact> {
  await requireCompanies(companies, input.companyIds);
  return contacts.createContact(input);
}

/**
 * Changes a contact's fields; a synced contact's name and email belong to Jira (409 from the store).
 * Primary course: the companies it names exist -> the fields change -> the contact is returned.
 */
export async function updateContact(
  contacts: ContactStore,
  companies: CompanyStore,
  id: string,
  changes: ContactChanges,
): Promise<Contact> {
  await requireCompanies(companies, changes.companyIds);
  return contacts.updateContact(id, changes);
}

async function requireCompanies(companies: CompanyStore, ids: readonly string[] | undefined): Promise<void> {
  if (!ids?.length) return;
  const missing = await companies.missingCompanyIds(ids);
  if (missing.length) throw new ValidationError(`companyIds: no company has the id ${missing.join(', ')}.`);
}
