import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAccountLinkStore } from '../../lambdas/adapters/dynamodb/dynamodb-account-link-store.js';
import { DynamoDbContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-contact-store.js';
import { DynamoDbSyncedContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-synced-contact-store.js';
import { DynamoDbUserSyncStore } from '../../lambdas/adapters/dynamodb/dynamodb-user-sync-store.js';
import type { TestTable } from './dynamo.js';

/**
 * The service's DynamoDB adapters over a test table, built in this one place so that a renamed or
 * split adapter changes one file. `client` replaces the table's own (a throttled one, say).
 */
export function testStores(db: Pick<TestTable, 'client' | 'table'>, client: DynamoDBDocumentClient = db.client) {
  return {
    contacts: new DynamoDbContactStore(client, db.table),
    links: new DynamoDbAccountLinkStore(client, db.table),
    syncedContacts: new DynamoDbSyncedContactStore(client, db.table),
    settings: new DynamoDbUserSyncStore(client, db.table),
  };
}
