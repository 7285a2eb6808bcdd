import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Company, CompanyChanges, NewCompany } from '../../domain/company.js';
import type { CompanyStore } from '../../domain/contact-store.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Page, PageRequest } from '../../domain/page.js';
import { batchGetAll } from './batch-get.js';
import { isConditionFailure } from './conditional.js';
import { decodePageCursor, encodePageCursor } from './cursor.js';
import { KIND_INDEX, tableName } from './table-schema.js';
import { buildUpdate } from './update-expression.js';

interface CompanyRecord extends Company {
  pk: string;
  sk: 'COMPANY';
  kindKey: 'COMPANY';
  kindSort: string;
}

const companyPk = (id: string): string => `COMPANY#${id}`;
const COMPANY_SK = 'COMPANY';
const LIST_CURSOR_ATTRIBUTES = ['pk', 'sk', KIND_INDEX.partitionKey, KIND_INDEX.sortKey];

function toCompany(record: CompanyRecord): Company {
  return {
    id: record.id,
    name: record.name,
    domain: record.domain ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export class DynamoDbCompanyStore implements CompanyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string = tableName(),
  ) {}

  async createCompany(input: NewCompany): Promise<Company> {
    const id = randomUUID();
    const now = new Date().toISOString();
    const record: CompanyRecord = {
      pk: companyPk(id),
      sk: COMPANY_SK,
      id,
      name: input.name,
      domain: input.domain ?? null,
      createdAt: now,
      updatedAt: now,
      kindKey: 'COMPANY',
      kindSort: `${now}#${id}`,
    };
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return toCompany(record);
  }

  async getCompany(id: string): Promise<Company | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: companyPk(id), sk: COMPANY_SK }, ConsistentRead: true }),
    );
    return result.Item ? toCompany(result.Item as CompanyRecord) : undefined;
  }

  async listCompanies(page: PageRequest): Promise<Page<Company>> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: KIND_INDEX.name,
        KeyConditionExpression: '#kind = :kind',
        ExpressionAttributeNames: { '#kind': KIND_INDEX.partitionKey },
        ExpressionAttributeValues: { ':kind': 'COMPANY' },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: await decodePageCursor(
          page.cursor,
          LIST_CURSOR_ATTRIBUTES,
          { attribute: 'pk', value: 'COMPANY#' },
          {
            [KIND_INDEX.partitionKey]: 'COMPANY',
          },
        ),
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => toCompany(item as CompanyRecord)),
      nextCursor: await encodePageCursor(result.LastEvaluatedKey),
    };
  }

  async updateCompany(id: string, changes: CompanyChanges): Promise<Company> {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: companyPk(id), sk: COMPANY_SK },
          ...buildUpdate({ name: changes.name, domain: changes.domain, updatedAt: new Date().toISOString() }),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toCompany(result.Attributes as CompanyRecord);
    } catch (error) {
      if (isConditionFailure(error)) throw companyNotFound(id);
      throw error;
    }
  }

  async deleteCompany(id: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: companyPk(id), sk: COMPANY_SK },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw companyNotFound(id);
      throw error;
    }
  }

  async missingCompanyIds(ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    const keys = unique.map((id) => ({ pk: companyPk(id), sk: COMPANY_SK }));
    const found = new Set(
      (await batchGetAll(this.client, this.table, keys, { projection: 'id' })).map((item) => String(item.id)),
    );
    return unique.filter((id) => !found.has(id));
  }
}

function companyNotFound(id: string): NotFoundError {
  return new NotFoundError(`No company has the id ${id}.`);
}
