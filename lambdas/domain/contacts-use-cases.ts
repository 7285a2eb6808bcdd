import type { CompanyStore, ContactStore } from './contact-store.js';
import { type Contact, type ContactChanges, type NewContact, assertDeletionAllowed } from './contact.js';
import { NotFoundError, ValidationError } from './errors.js';

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

/**
 * Deletes a regular contact; a synced contact cannot be deleted (409).
 * Primary course: the contact exists and is not synced -> it is deleted (the store refuses it too if a
 * sync links it meanwhile).
 */
export async function deleteContact(contacts: ContactStore, id: string): Promise<void> {
  const contact = await contacts.getContact(id);
  if (!contact) throw new NotFoundError(`No contact has the id ${id}.`);
  assertDeletionAllowed(contact);
  await contacts.deleteContact(id);
}

async function requireCompanies(companies: CompanyStore, ids: readonly string[] | undefined): Promise<void> {
  if (!ids?.length) return;
  const missing = await companies.missingCompanyIds(ids);
  if (missing.length) throw new ValidationError(`companyIds: no company has the id ${missing.join(', ')}.`);
}
