import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { companyNameKey } from '../../domain/company.js';
import type { JsmOrganization } from '../../domain/sync/organization-directory.js';
import type {
  SyncCompanyResult,
  SyncedCompanyRef,
  SyncedCompanyStore,
} from '../../domain/sync/synced-company-store.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { type CompanyRecord, companyKey, newCompanyRecord } from './dynamodb-company-store.js';
import { queryAll } from './query-page.js';
import { KIND_INDEX, TABLE_KEYS, expiringSeenItem, tableName } from './table-schema.js';
import { writeIf } from './write-if.js';

/** An organization's one company (`companyId`), claimed once and kept after unlinking. */
const organizationKey = (organizationId: string) => ({ pk: `JSMORG#${organizationId}`, sk: 'COMPANY_LINK' });
/** A reconcile's mark: the organizations a page listed. */
const seenPk = (runId: string): string => `ORGSEEN#${runId}`;
const KIND_CURSOR_ATTRIBUTES = [
  TABLE_KEYS.partitionKey,
  TABLE_KEYS.sortKey,
  KIND_INDEX.partitionKey,
  KIND_INDEX.sortKey,
];

/**
 * The sync's writes to companies (the same records the companies API reads): each conditional, so
 * a company follows at most one organization and an organization has at most one company.
 */
export class DynamoDbSyncedCompanyStore implements SyncedCompanyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string = tableName(),
  ) {}

  async organizationCompanyId(organizationId: string): Promise<string | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.table, Key: organizationKey(organizationId), ConsistentRead: true }),
    );
    return result.Item?.companyId as string | undefined;
  }

  async claimOrganization(organizationId: string, companyId: string): Promise<boolean> {
    const claim = new PutCommand({
      TableName: this.table,
      Item: { ...organizationKey(organizationId), organizationId, companyId, claimedAt: new Date().toISOString() },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    return (await writeIf(this.client, claim)).written;
  }

  async regularCompaniesByName(): Promise<Map<string, string>> {
    const byName = new Map<string, string>();
    // Oldest first, so the oldest company of a name is the one an organization takes.
    const companies = queryAll(this.client, {
      TableName: this.table,
      IndexName: KIND_INDEX.name,
      KeyConditionExpression: '#kind = :kind',
      FilterExpression: 'attribute_not_exists(jsmOrganizationId)',
      ExpressionAttributeNames: { '#kind': KIND_INDEX.partitionKey, '#name': 'name' },
      ExpressionAttributeValues: { ':kind': 'COMPANY' },
      ProjectionExpression: 'id, #name',
    });
    for await (const company of companies) {
      const key = companyNameKey(String(company.name ?? ''));
      if (!byName.has(key)) byName.set(key, String(company.id));
    }
    return byName;
  }

  async syncCompany(companyId: string, organization: JsmOrganization): Promise<SyncCompanyResult> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      // Written only when something differs: a reconcile of unchanged organizations writes nothing.
      const update = await writeIf(
        this.client,
        new UpdateCommand({
          TableName: this.table,
          Key: companyKey(companyId),
          UpdateExpression: 'SET #name = :name, jsmOrganizationId = :org, updatedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(jsmOrganizationId) OR jsmOrganizationId = :org AND #name <> :name',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: {
            ':name': organization.name,
            ':org': organization.id,
            ':now': new Date().toISOString(),
          },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      if (update.written) return update.attributes?.jsmOrganizationId === organization.id ? 'renamed' : 'linked';
      const current = await this.client.send(
        new GetCommand({ TableName: this.table, Key: companyKey(companyId), ConsistentRead: true }),
      );
      const record = current.Item as CompanyRecord | undefined;
      if (record) {
        if (record.jsmOrganizationId !== undefined && record.jsmOrganizationId !== organization.id) return 'taken';
        if (record.jsmOrganizationId === organization.id && record.name === organization.name) return 'unchanged';
        continue; // changed between the write and the read
      }
      const created = newCompanyRecord({
        id: companyId,
        name: organization.name,
        domain: null,
        now: new Date().toISOString(),
        jsmOrganizationId: organization.id,
      });
      const put = new PutCommand({
        TableName: this.table,
        Item: created,
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      if ((await writeIf(this.client, put)).written) return 'created';
    }
    throw new Error(`Company ${companyId} kept changing while organization ${organization.id} was synced.`);
  }

  async listSyncedCompanies(page: { cursor: string | null; limit: number }): Promise<{
    companies: SyncedCompanyRef[];
    cursor: string | null;
  }> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: KIND_INDEX.name,
        KeyConditionExpression: '#kind = :kind',
        FilterExpression: 'attribute_exists(jsmOrganizationId)',
        ExpressionAttributeNames: { '#kind': KIND_INDEX.partitionKey },
        ExpressionAttributeValues: { ':kind': 'COMPANY' },
        ProjectionExpression: 'id, jsmOrganizationId',
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor ?? undefined, KIND_CURSOR_ATTRIBUTES),
      }),
    );
    return {
      companies: (result.Items ?? []).map((item) => ({
        companyId: String(item.id),
        organizationId: String(item.jsmOrganizationId),
      })),
      cursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  async unsyncCompany(company: SyncedCompanyRef): Promise<boolean> {
    const update = new UpdateCommand({
      TableName: this.table,
      Key: companyKey(company.companyId),
      UpdateExpression: 'SET updatedAt = :now REMOVE jsmOrganizationId',
      ConditionExpression: 'jsmOrganizationId = :org',
      ExpressionAttributeValues: { ':org': company.organizationId, ':now': new Date().toISOString() },
    });
    return (await writeIf(this.client, update)).written;
  }

  async saveSeenOrganizations(runId: string, part: string, seen: { ids: string[]; unreadable: number }): Promise<void> {
    const item = { pk: seenPk(runId), sk: part, organizationIds: seen.ids, unreadable: seen.unreadable };
    await this.client.send(new PutCommand({ TableName: this.table, Item: expiringSeenItem(item) }));
  }

  async seenOrganizations(runId: string): Promise<{ ids: Set<string>; unreadable: number }> {
    const ids = new Set<string>();
    let unreadable = 0;
    const parts = queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': seenPk(runId) },
      ConsistentRead: true,
    });
    for await (const part of parts) {
      for (const id of (part.organizationIds as string[] | undefined) ?? []) ids.add(id);
      unreadable += Number(part.unreadable ?? 0);
    }
    return { ids, unreadable };
  }
}
