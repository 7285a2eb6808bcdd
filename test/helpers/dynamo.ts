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
  /** Another empty table on the same server (a server takes a while to start; a table does not). */
  freshTable(): Promise<TestTable>;
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
  const table = await openTable(dynamo.endpoint, options.table);
  return {
    ...table,
    stop: async () => {
      await table.stop();
      await dynamo.stop();
    },
  };
}

/** A table on a running server, and a client for it; `stop` destroys only the client. */
async function openTable(endpoint: string, name = `test-${randomUUID()}`): Promise<TestTable> {
  await ensureTable(endpoint, name);
  const client = DynamoDBDocumentClient.from(localClient(endpoint), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    client,
    table: name,
    endpoint,
    freshTable: () => openTable(endpoint),
    stop: async () => client.destroy(),
  };
}

const localClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

type WrittenKey = { pk?: { S?: string } };

/**
 * A document client for the same table whose writes for one account fail as a throttled DynamoDB
 * fails them (AWS is outside: dynalite never throttles). Destroy it when done.
 */
export function throttledClientFor(db: TestTable, accountId: string): DynamoDBDocumentClient {
  const raw = localClient(db.endpoint);
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
