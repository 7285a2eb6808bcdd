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

/**
 * dynalite in memory on a free loopback port, with one fresh table built from the service's own
 * table definition, and a document client pointing at it. Stop it in `afterAll`.
 */
export async function startTestTable(): Promise<TestTable> {
  // The stores sign their paging cursors; the local runtime keeps this key in the data folder.
  process.env.CURSOR_SIGNING_KEY ??= 'test-cursor-signing-key';
  const dynamo: EmbeddedDynamo = await startEmbeddedDynamo();
  const table = `test-${randomUUID()}`;
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
