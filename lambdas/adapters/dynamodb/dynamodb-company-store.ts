import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Company, CompanyChanges, NewCompany } from '../../domain/company.js';
import type { CompanyStore } from '../../domain/contact-store.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Page, PageRequest } from '../../domain/page.js';
import { batchGetAll } from './batch-get.js';
import { queryPage } from './query-page.js';
import { KIND_INDEX, tableName } from './table-schema.js';
import { buildUpdate } from './update-expression.js';
import { writeIf } from './write-if.js';

interface CompanyRecord extends Company {
  pk: string;
  sk: 'COMPANY';
  kindKey: 'COMPANY';
  kindSort: string;
}

const companyPk = (id: string): string => `COMPANY#${id}`;
const COMPANY_SK = 'COMPANY';

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

  listCompanies(page: PageRequest): Promise<Page<Company>> {
    const byKind = { table: this.table, index: KIND_INDEX, partition: 'COMPANY', pkPrefixes: ['COMPANY#'] };
    return queryPage(this.client, { ...byKind, newestFirst: true }, page, (item) =>
      toCompany(item as unknown as CompanyRecord),
    );
  }

  async updateCompany(id: string, changes: CompanyChanges): Promise<Company> {
    const update = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: companyPk(id), sk: COMPANY_SK },
        ...buildUpdate({ name: changes.name, domain: changes.domain, updatedAt: new Date().toISOString() }),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (!update.written) throw companyNotFound(id);
    return toCompany(update.attributes as unknown as CompanyRecord);
  }

  async deleteCompany(id: string): Promise<void> {
    const deletion = await writeIf(
      this.client,
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: companyPk(id), sk: COMPANY_SK },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
    if (!deletion.written) throw companyNotFound(id);
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
