import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AddMembershipResult, Membership, MembershipStore } from '../../domain/sync/synced-company-store.js';
import { batchGetAll } from './batch-get.js';
import { contactKey, getContactRecord } from './contact-items.js';
import { queryAll } from './query-page.js';
import { tableName } from './table-schema.js';
import { writeIf } from './write-if.js';

/** The memberships the sync recorded for one organization: one item per member, `MEMBER#<accountId>`. */
const membershipPk = (organizationId: string): string => `JSMMEMBER#${organizationId}`;
const membershipKey = (membership: Pick<Membership, 'organizationId' | 'accountId'>) => ({
  pk: membershipPk(membership.organizationId),
  sk: `MEMBER#${membership.accountId}`,
});

/**
 * Organization memberships on contacts. The company goes into the contact's `companyIds` and into
 * `syncCompanyIds` (what the sync added) in one conditional write; removal takes it out of both, and
 * only when `syncCompanyIds` has it, so a company a CRM user added by hand stays. Neither write
 * touches the contact's Jira event time: memberships are not account events, and a newer user event
 * must still win over an older one exactly as before.
 */
export class DynamoDbMembershipStore implements MembershipStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string = tableName(),
  ) {}

  async membershipsOf(organizationId: string): Promise<Map<string, string>> {
    const memberships = new Map<string, string>();
    const items = queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': membershipPk(organizationId) },
      ConsistentRead: true,
    });
    for await (const item of items) memberships.set(String(item.accountId), String(item.contactId));
    return memberships;
  }

  async contactsWithout(companyId: string, contactIds: readonly string[]): Promise<Set<string>> {
    const keys = [...new Set(contactIds)].map(contactKey);
    const items = await batchGetAll(this.client, this.table, keys, {
      consistentRead: true,
      projection: 'id, companyIds',
    });
    return new Set(
      items
        .filter(
          (item) => item.id !== undefined && !((item.companyIds as string[] | undefined) ?? []).includes(companyId),
        )
        .map((item) => String(item.id)),
    );
  }

  async addMembership(membership: Membership): Promise<AddMembershipResult> {
    const { accountId, contactId, companyId } = membership;
    // Only while the contact is still this account's synced contact, and does not have the company yet;
    // `syncCompanyIds` names it once, even when a company the sync gave was taken off by hand and comes back.
    const values = {
      ':none': [],
      ':company': [companyId],
      ':companyId': companyId,
      ':account': accountId,
      ':now': new Date().toISOString(),
    };
    const append = 'companyIds = list_append(if_not_exists(companyIds, :none), :company)';
    const lacksIt = 'jiraAccountId = :account AND NOT contains(companyIds, :companyId)';
    let update = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: contactKey(contactId),
        UpdateExpression: `SET ${append}, syncCompanyIds = list_append(if_not_exists(syncCompanyIds, :none), :company), updatedAt = :now`,
        ConditionExpression: `${lacksIt} AND NOT contains(syncCompanyIds, :companyId)`,
        ExpressionAttributeValues: values,
      }),
    );
    if (!update.written)
      update = await writeIf(
        this.client,
        new UpdateCommand({
          TableName: this.table,
          Key: contactKey(contactId),
          UpdateExpression: `SET ${append}, updatedAt = :now`,
          ConditionExpression: `${lacksIt} AND contains(syncCompanyIds, :companyId)`,
          ExpressionAttributeValues: values,
        }),
      );
    let result: AddMembershipResult = 'added';
    if (!update.written) {
      const contact = await this.contact(contactId);
      if (contact?.jiraAccountId !== accountId) return 'not-synced';
      result = 'present';
    }
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...membershipKey(membership),
          organizationId: membership.organizationId,
          accountId,
          contactId,
          companyId,
        },
      }),
    );
    return result;
  }

  async removeMembership(membership: Membership): Promise<boolean> {
    const { contactId, companyId } = membership;
    let removed = false;
    for (let attempt = 0; ; attempt += 1) {
      if (attempt >= 3) throw new Error(`Contact ${contactId} kept changing while its membership was removed.`);
      const contact = await this.contact(contactId);
      const ours = contact?.syncCompanyIds?.indexOf(companyId) ?? -1;
      if (!contact || ours < 0) break; // gone, or not ours to remove
      const listed = contact.companyIds?.indexOf(companyId) ?? -1;
      // Positions are checked in the condition: a list changed since the read is read again.
      const update = await writeIf(
        this.client,
        new UpdateCommand({
          TableName: this.table,
          Key: contactKey(contactId),
          UpdateExpression: `SET updatedAt = :now REMOVE ${listed >= 0 ? `companyIds[${listed}], ` : ''}syncCompanyIds[${ours}]`,
          ConditionExpression:
            listed >= 0
              ? `companyIds[${listed}] = :company AND syncCompanyIds[${ours}] = :company`
              : `syncCompanyIds[${ours}] = :company AND NOT contains(companyIds, :company)`,
          ExpressionAttributeValues: { ':company': companyId, ':now': new Date().toISOString() },
        }),
      );
      if (update.written) {
        removed = listed >= 0;
        break;
      }
    }
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: membershipKey(membership) }));
    return removed;
  }

  private contact(contactId: string) {
    return getContactRecord(this.client, this.table, contactId);
  }
}
