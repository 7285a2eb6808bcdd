import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ContactStore } from '../../domain/contact-store.js';
import { type Contact, type ContactChanges, type NewContact, jiraOwnedFieldsChanged } from '../../domain/contact.js';
import { normalizeEmail } from '../../domain/email.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import type { Page, PageRequest } from '../../domain/page.js';
import { isConditionFailure } from './conditional.js';
import { CONTACT_SK, type ContactRecord, contactPk, newContactRecord, toContact } from './contact-record.js';
import { decodePageCursor, encodePageCursor } from './cursor.js';
import { LinkableEmailHints } from './linkable-email-hints.js';
import { EMAIL_INDEX, KIND_INDEX, tableName } from './table-schema.js';
import { buildUpdate } from './update-expression.js';

const LIST_CURSOR_ATTRIBUTES = ['pk', 'sk', KIND_INDEX.partitionKey, KIND_INDEX.sortKey];
const EMAIL_CURSOR_ATTRIBUTES = ['pk', 'sk', EMAIL_INDEX.partitionKey, EMAIL_INDEX.sortKey];

export class DynamoDbContactStore implements ContactStore {
  private readonly hints: LinkableEmailHints;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string = tableName(),
  ) {
    this.hints = new LinkableEmailHints(client, table);
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
    const record = await this.getRecord(id);
    return record && toContact(record);
  }

  async listContacts(page: PageRequest): Promise<Page<Contact>> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: KIND_INDEX.name,
        KeyConditionExpression: '#kind = :kind',
        ExpressionAttributeNames: { '#kind': KIND_INDEX.partitionKey },
        ExpressionAttributeValues: { ':kind': 'CONTACT' },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: await decodePageCursor(
          page.cursor,
          LIST_CURSOR_ATTRIBUTES,
          { attribute: 'pk', value: 'CONTACT#' },
          {
            [KIND_INDEX.partitionKey]: 'CONTACT',
          },
        ),
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => toContact(item as ContactRecord)),
      nextCursor: await encodePageCursor(result.LastEvaluatedKey),
    };
  }

  async findContactsByEmail(email: string, page: PageRequest): Promise<Page<Contact>> {
    const emailKey = normalizeEmail(email);
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: EMAIL_INDEX.name,
        KeyConditionExpression: '#email = :email',
        ExpressionAttributeNames: { '#email': EMAIL_INDEX.partitionKey },
        ExpressionAttributeValues: { ':email': emailKey },
        Limit: page.limit,
        // A cursor of another email's search would start outside this query.
        ExclusiveStartKey: await decodePageCursor(
          page.cursor,
          EMAIL_CURSOR_ATTRIBUTES,
          { attribute: 'pk', value: 'CONTACT#' },
          {
            [EMAIL_INDEX.partitionKey]: emailKey,
          },
        ),
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => toContact(item as ContactRecord)),
      nextCursor: await encodePageCursor(result.LastEvaluatedKey),
    };
  }

  async updateContact(id: string, changes: ContactChanges): Promise<Contact> {
    const current = await this.requireContact(id);
    const blocked = jiraOwnedFieldsChanged(current, changes);
    if (blocked.length) throw syncedFieldsConflict(blocked);

    // A synced contact's name and email belong to Jira: never write them from here, even unchanged.
    const ownFields = current.jiraUser ? { ...changes, name: undefined, email: undefined } : changes;
    const emailChanges = 'email' in ownFields && ownFields.email !== undefined;
    const update = buildUpdate(
      {
        name: ownFields.name,
        email: ownFields.email,
        emailKey: emailChanges ? (ownFields.email ? normalizeEmail(ownFields.email) : null) : undefined,
        phone: ownFields.phone,
        companyIds: ownFields.companyIds,
        tags: ownFields.tags,
        updatedAt: new Date().toISOString(),
      },
      ['emailKey'],
    );
    // Name or email may only change while the contact is not synced; the condition closes the race
    // with a sync that links it between our read and this write.
    const touchesJiraFields = ownFields.name !== undefined || emailChanges;
    if (emailChanges && ownFields.email) await this.hints.add(ownFields.email);
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: contactPk(id), sk: CONTACT_SK },
          ...update,
          ConditionExpression: touchesJiraFields
            ? 'attribute_exists(pk) AND attribute_not_exists(jiraAccountId)'
            : 'attribute_exists(pk)',
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toContact(result.Attributes as ContactRecord);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const now = await this.requireContact(id);
      throw syncedFieldsConflict(jiraOwnedFieldsChanged(now, changes));
    }
  }

  async deleteContact(id: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: contactPk(id), sk: CONTACT_SK },
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(jiraAccountId)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      await this.requireContact(id);
      throw new ConflictError(
        'This contact is synced with a Jira user and cannot be deleted. Turn user syncing off, or delete the user in Jira, first.',
      );
    }
  }

  private async getRecord(id: string): Promise<ContactRecord | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: contactPk(id), sk: CONTACT_SK }, ConsistentRead: true }),
    );
    return result.Item as ContactRecord | undefined;
  }

  private async requireContact(id: string): Promise<Contact> {
    const contact = await this.getContact(id);
    if (!contact) throw new NotFoundError(`No contact has the id ${id}.`);
    return contact;
  }
}

function syncedFieldsConflict(fields: string[]): ConflictError {
  const named = fields.length ? fields.join(' and ') : 'name and email';
  return new ConflictError(
    `This contact is synced with a Jira user: its ${named} follow Jira and cannot be changed here. Change them in Jira instead.`,
  );
}
