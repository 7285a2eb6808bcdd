import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  type Company,
  type CompanyChanges,
  type NewCompany,
  assertDeletionAllowed,
  assertRenameAllowed,
  syncedCompanyRenameConflict,
} from '../../domain/company.js';
import type { CompanyStore } from '../../domain/contact-store.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Page, PageRequest } from '../../domain/page.js';
import { batchGetAll } from './batch-get.js';
import { queryPage } from './query-page.js';
import { KIND_INDEX, tableName } from './table-schema.js';
import { buildUpdate } from './update-expression.js';
import { writeIf } from './write-if.js';

/** A company as stored. */
export interface CompanyRecord extends Omit<Company, 'jsmOrganization'> {
  pk: string;
  sk: 'COMPANY';
  /** Set while the company is synced from a JSM organization (written by the sync only). */
  jsmOrganizationId?: string;
  kindKey: 'COMPANY';
  kindSort: string;
}

export const companyPk = (id: string): string => `COMPANY#${id}`;
export const COMPANY_SK = 'COMPANY';
export const companyKey = (id: string) => ({ pk: companyPk(id), sk: COMPANY_SK }) as const;

/** The key and index attributes of a new company record. */
export function newCompanyRecord(fields: {
  id: string;
  name: string;
  domain: string | null;
  now: string;
  jsmOrganizationId?: string;
}): CompanyRecord {
  return {
    ...companyKey(fields.id),
    id: fields.id,
    name: fields.name,
    domain: fields.domain,
    ...(fields.jsmOrganizationId === undefined ? {} : { jsmOrganizationId: fields.jsmOrganizationId }),
    createdAt: fields.now,
    updatedAt: fields.now,
    kindKey: 'COMPANY',
    kindSort: `${fields.now}#${fields.id}`,
  };
}

export function toCompany(record: CompanyRecord): Company {
  return {
    id: record.id,
    name: record.name,
    domain: record.domain ?? null,
    jsmOrganization: record.jsmOrganizationId === undefined ? null : { id: record.jsmOrganizationId },
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
    const record = newCompanyRecord({
      id: randomUUID(),
      name: input.name,
      domain: input.domain ?? null,
      now: new Date().toISOString(),
    });
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

  /** Throws ConflictError when a synced company's name would change (its name follows JSM). */
  async updateCompany(id: string, changes: CompanyChanges): Promise<Company> {
    const current = await this.getCompany(id);
    if (!current) throw companyNotFound(id);
    assertRenameAllowed(current, changes);
    // An unchanged name is never written; a new one only while the company is not synced (the
    // condition closes the race with a sync linking it between our read and this write).
    const renames = changes.name !== undefined && changes.name !== current.name;
    const update = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: companyKey(id),
        ...buildUpdate({
          name: renames ? changes.name : undefined,
          domain: changes.domain,
          updatedAt: new Date().toISOString(),
        }),
        ConditionExpression: renames
          ? 'attribute_exists(pk) AND attribute_not_exists(jsmOrganizationId)'
          : 'attribute_exists(pk)',
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (update.written) return toCompany(update.attributes as unknown as CompanyRecord);
    if (!(await this.getCompany(id))) throw companyNotFound(id);
    throw syncedCompanyRenameConflict();
  }

  /** Throws ConflictError for a synced company. */
  async deleteCompany(id: string): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      const deletion = await writeIf(
        this.client,
        new DeleteCommand({
          TableName: this.table,
          Key: companyKey(id),
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(jsmOrganizationId)',
        }),
      );
      if (deletion.written) return;
      const current = await this.getCompany(id);
      if (!current) throw companyNotFound(id);
      assertDeletionAllowed(current);
      // Made regular between the write and the read: the next attempt deletes it.
      if (attempt >= 2) throw new Error(`Company ${id} could not be deleted; try again.`);
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
