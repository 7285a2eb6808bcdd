import { DynamoDbAccountLinkStore } from '../../lambdas/adapters/dynamodb/dynamodb-account-link-store.js';
import { DynamoDbSyncedContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-synced-contact-store.js';
import type { SyncStores } from '../../lambdas/domain/sync/sync-account.js';
import type { TestTable } from './dynamo.js';

/** The sync's two stores (links, and the contact writes the sync makes) over one test table. */
export function syncStoresOn(db: Pick<TestTable, 'client' | 'table'>): {
  links: DynamoDbAccountLinkStore;
  syncedContacts: DynamoDbSyncedContactStore;
} & SyncStores {
  return {
    links: new DynamoDbAccountLinkStore(db.client, db.table),
    syncedContacts: new DynamoDbSyncedContactStore(db.client, db.table),
  };
}
