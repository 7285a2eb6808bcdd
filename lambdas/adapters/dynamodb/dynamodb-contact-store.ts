import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactStore } from '../../domain/contact-store.js';
import {
  type Contact,
  type ContactChanges,
  type NewContact,
  jiraOwnedFieldsChanged,
  syncedContactDeletionConflict,
} from '../../domain/contact.js';
import { normalizeEmail } from '../../domain/email.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import type { Page, PageRequest } from '../../domain/page.js';
import { CONTACT_PK_PREFIXES, ContactItems, contactKey, getContactRecord, newContactRecord } from './contact-items.js';
import { type ContactRecord, toContact } from './contact-record.js';
import { LinkableEmailHints } from './linkable-email-hints.js';
import { EMAIL_INDEX, KIND_INDEX, tableName } from './table-schema.js';
import { queryPage } from './query-page.js';
import { buildUpdate } from './update-expression.js';
import { writeIf } from './write-if.js';

const toContactItem = (item: Record<string, unknown>): Contact => toContact(item as unknown as ContactRecord);

export class DynamoDbContactStore implements ContactStore {
  private readonly hints: LinkableEmailHints;
  private readonly contactItems: ContactItems;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string = tableName(),
  ) {
    this.hints = new LinkableEmailHints(client, table);
    this.contactItems = new ContactItems(client, table, this.hints);
  }

  async createContact(input: NewContact): Promise<Contact> {
    const record = newContactRecord({
      id: randomUUID(),
      name: input.name,
      email: input.email ?? null,
      phone: input.phone ?? null,
      companyIds: input.companyIds ?? [],
      tags: input.tags ?? [],
      now: new Date().toISOString(),
    });
    if (record.email) await this.hints.add(record.email); // before the contact exists, so a sync never misses it
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return toContact(record);
  }

  async getContact(id: string): Promise<Contact | undefined> {
    const record = await getContactRecord(this.client, this.table, id);
    return record && toContact(record);
  }

  listContacts(page: PageRequest): Promise<Page<Contact>> {
    const byKind = { table: this.table, index: KIND_INDEX, partition: 'CONTACT', pkPrefixes: CONTACT_PK_PREFIXES };
    return queryPage(this.client, { ...byKind, newestFirst: true }, page, toContactItem);
  }

  findContactsByEmail(email: string, page: PageRequest): Promise<Page<Contact>> {
    const byEmail = {
      table: this.table,
      index: EMAIL_INDEX,
      partition: normalizeEmail(email),
      pkPrefixes: CONTACT_PK_PREFIXES,
    };
    return queryPage(this.client, byEmail, page, toContactItem);
  }

  async updateContact(id: string, changes: ContactChanges): Promise<Contact> {
    const current = await this.requireContact(id);
    const blocked = jiraOwnedFieldsChanged(current, changes);
    if (blocked.length) throw syncedFieldsConflict(blocked);

    // A synced contact's name and email belong to Jira: never write them from here, even unchanged.
    const ownFields = current.jiraUser ? { ...changes, name: undefined, email: undefined } : changes;
    const emailChanges = 'email' in ownFields && ownFields.email !== undefined;
    const now = new Date().toISOString();
    // Another address (not the same one in another form): the contact is no longer its former account's.
    const readdressed = emailChanges && normalizeEmail(ownFields.email ?? '') !== normalizeEmail(current.email ?? '');
    const update = buildUpdate(
      {
        name: ownFields.name,
        email: ownFields.email,
        emailKey: emailChanges ? (ownFields.email ? normalizeEmail(ownFields.email) : null) : undefined,
        phone: ownFields.phone,
        companyIds: ownFields.companyIds,
        tags: ownFields.tags,
        readdressedAt: readdressed ? now : undefined,
        updatedAt: now,
      },
      ['emailKey'],
    );
    // Name or email may only change while the contact is not synced; the condition closes the race
    // with a sync that links it between our read and this write.
    const touchesJiraFields = ownFields.name !== undefined || emailChanges;
    if (emailChanges && ownFields.email) await this.hints.add(ownFields.email);
    const write = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: contactKey(id),
        ...update,
        // `id`, not `pk`: an account's link item without a contact in it is no contact.
        ConditionExpression: touchesJiraFields
          ? 'attribute_exists(id) AND attribute_not_exists(jiraAccountId)'
          : 'attribute_exists(id)',
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (write.written) return toContact(write.attributes as unknown as ContactRecord);
    const latest = await this.requireContact(id);
    throw syncedFieldsConflict(jiraOwnedFieldsChanged(latest, changes));
  }

  /** Deletes a regular contact; the condition is the race guard of `assertDeletionAllowed` (domain). */
  async deleteContact(id: string): Promise<void> {
    if (await this.contactItems.deleteRegular(id)) return;
    await this.requireContact(id);
    throw syncedContactDeletionConflict();
  }

  private async requireContact(id: string): Promise<Contact> {
    const contact = await this.getContact(id);
    if (!contact) throw new NotFoundError(`No contact has the id ${id}.`);
    return contact;
  }
}

function syncedFieldsConflict(fields: string[]): ConflictError {
  const named = fields.length ? fields.join(' and ') : 'name and email';
  const verb = fields.length === 1 ? 'follows' : 'follow';
  return new ConflictError(
    `This contact is synced with a Jira user: its ${named} ${verb} Jira and cannot be changed here. ` +
      'Change them in Jira instead.',
  );
}
