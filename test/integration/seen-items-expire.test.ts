import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbSyncedCompanyStore } from '../../lambdas/adapters/dynamodb/dynamodb-synced-company-store.js';
import { DynamoDbUserSyncStore } from '../../lambdas/adapters/dynamodb/dynamodb-user-sync-store.js';
import { TTL_ATTRIBUTE } from '../../lambdas/adapters/dynamodb/table-schema.js';
import { emptyProgress } from '../../lambdas/domain/sync/user-sync-state.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';

const THIRTY_DAYS_SECONDS = 30 * 24 * 60 * 60;

describe("a run's seen sets", () => {
  let db: TestTable;
  beforeAll(async () => {
    db = await startTestTable();
  });
  afterAll(() => db.stop());

  const expiryOf = async (pk: string, sk: string): Promise<unknown> =>
    (await db.client.send(new GetCommand({ TableName: db.table, Key: { pk, sk } }))).Item?.[TTL_ATTRIBUTE];

  it('expire 30 days after they were written, while the run and its progress stay', async () => {
    // Prepare
    const runs = new DynamoDbUserSyncStore(db.client, db.table);
    const companies = new DynamoDbSyncedCompanyStore(db.client, db.table);
    const writtenAt = Math.floor(Date.now() / 1000);
    // Act
    await runs.saveProgressPart('run-ttl', 'PAGE#0', {
      progress: { ...emptyProgress(), total: 2, processed: 2 },
      failures: [],
      seenAccountIds: ['a-1', 'a-2'],
      unreadable: 0,
    });
    await companies.saveSeenOrganizations('run-ttl', 'ORG#0', { ids: ['1'], unreadable: 0 });
    // Assess: DynamoDB's TTL reads epoch seconds; what the run still needs is there
    for (const [pk, sk] of [
      ['RUNSEEN#run-ttl', 'PAGE#0'],
      ['ORGSEEN#run-ttl', 'ORG#0'],
    ] as const) {
      const expiry = await expiryOf(pk, sk);
      expect(typeof expiry).toBe('number');
      expect(expiry as number).toBeGreaterThanOrEqual(writtenAt + THIRTY_DAYS_SECONDS);
      expect(expiry as number).toBeLessThan(writtenAt + THIRTY_DAYS_SECONDS + 60);
    }
    expect((await runs.seenAccounts('run-ttl')).accountIds).toEqual(new Set(['a-1', 'a-2']));
    expect((await companies.seenOrganizations('run-ttl')).ids).toEqual(new Set(['1']));
    expect(await expiryOf('RUN#run-ttl', 'PAGE#0')).toBeUndefined();
  });
});
