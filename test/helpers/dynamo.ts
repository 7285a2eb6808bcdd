import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from '../../local/dynamo-server.js';

export interface TestTable {
  /** A document client for the embedded server, configured as the service's own. */
  client: DynamoDBDocumentClient;
  /** A table of its own, created with the service's table definition. */
  table: string;
  endpoint: string;
  stop(): Promise<void>;
}

export interface TestTableOptions {
  /** A data folder on disk (a service's own, to read what it left); in memory without it. */
  path?: string;
  /** The table to open (created if missing); a fresh name without it. */
  table?: string;
}

/**
 * The one way a test gets a table: dynalite on a free loopback port (in memory unless `path` is
 * given), with a table built from the service's own table definition, and a document client
 * pointing at it. Stop it in `afterAll` (or `afterEach`).
 */
export async function startTestTable(options: TestTableOptions = {}): Promise<TestTable> {
  // The stores sign their paging cursors; the local runtime keeps this key in the data folder.
  process.env.CURSOR_SIGNING_KEY ??= 'test-cursor-signing-key';
  const dynamo: EmbeddedDynamo = await startEmbeddedDynamo(options.path ? { path: options.path } : {});
  const table = options.table ?? `test-${randomUUID()}`;
  await ensureTable(dynamo.endpoint, table);
  const raw = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    client,
    table,
    endpoint: dynamo.endpoint,
    stop: async () => {
      client.destroy();
      await dynamo.stop();
    },
  };
}

type WrittenKey = { pk?: { S?: string } };

/**
 * A document client for the same table whose writes for one account fail as a throttled DynamoDB
 * fails them (AWS is outside: dynalite never throttles). Destroy it when done.
 */
export function throttledClientFor(db: TestTable, accountId: string): DynamoDBDocumentClient {
  const raw = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  raw.middlewareStack.add(
    (next) => async (args) => {
      // Puts carry the item, updates its key; reads (Get, BatchGet, Query) go through.
      const input = args.input as { Item?: WrittenKey; Key?: WrittenKey; UpdateExpression?: string };
      const written = input.Item ?? (input.UpdateExpression ? input.Key : undefined);
      if (written?.pk?.S === `JIRA#${accountId}`)
        throw Object.assign(new Error('Throughput exceeds the current capacity'), {
          name: 'ProvisionedThroughputExceededException',
        });
      return next(args);
    },
    { step: 'build' },
  );
  return DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
}
