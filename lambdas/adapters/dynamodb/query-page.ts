import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../../domain/page.js';
import { decodePageCursor, encodePageCursor } from './cursor.js';
import { TABLE_KEYS } from './table-schema.js';

export interface IndexPageQuery {
  table: string;
  index: { name: string; partitionKey: string; sortKey: string };
  /** The index partition the page is read from (the query's whole key condition). */
  partition: string;
  /** Every item's `pk` starts with one of these: a client's cursor pointing elsewhere is refused (400). */
  pkPrefixes: readonly string[];
  newestFirst?: boolean;
}

/**
 * One page of an index partition for an API client: at most `page.limit` items, and a signed cursor
 * for the next page (null on the last). A cursor of another partition or index is refused with a 400.
 */
export async function queryPage<T>(
  client: DynamoDBDocumentClient,
  query: IndexPageQuery,
  page: PageRequest,
  toItem: (record: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const { index } = query;
  const cursorAttributes = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, index.partitionKey, index.sortKey];
  const result = await client.send(
    new QueryCommand({
      TableName: query.table,
      IndexName: index.name,
      KeyConditionExpression: '#partition = :partition',
      ExpressionAttributeNames: { '#partition': index.partitionKey },
      ExpressionAttributeValues: { ':partition': query.partition },
      ...(query.newestFirst ? { ScanIndexForward: false } : {}),
      Limit: page.limit,
      ExclusiveStartKey: await decodePageCursor(
        page.cursor,
        cursorAttributes,
        { attribute: TABLE_KEYS.partitionKey, values: query.pkPrefixes },
        { [index.partitionKey]: query.partition },
      ),
    }),
  );
  return {
    items: (result.Items ?? []).map(toItem),
    nextCursor: await encodePageCursor(result.LastEvaluatedKey),
  };
}

/** Every item a query matches, page after page (for reads the service makes itself, not for clients). */
export async function* queryAll(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): AsyncGenerator<Record<string, unknown>> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const result: QueryCommandOutput = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield* result.Items ?? [];
    startKey = result.LastEvaluatedKey;
  } while (startKey);
}
