import { DEFAULT_TABLE_NAME } from '../lambdas/adapters/dynamodb/table-schema.js';
import type { EmbeddedDynamo } from '../local/dynamo-server.js';

/**
 * The embedded store on disk in `storeDir`, with the service's table, and the AWS SDK's environment
 * pointed at it, so that the service's own DynamoDB client talks to it (baselines, footprints).
 */
export async function startBenchStore(storeDir: string): Promise<EmbeddedDynamo> {
  const { ensureTable, startEmbeddedDynamo } = await import('../local/dynamo-server.js');
  const store = await startEmbeddedDynamo({ path: storeDir });
  try {
    await ensureTable(store.endpoint, DEFAULT_TABLE_NAME);
  } catch (error) {
    await store.stop();
    throw error;
  }
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
    TABLE_NAME: DEFAULT_TABLE_NAME,
  });
  return store;
}
