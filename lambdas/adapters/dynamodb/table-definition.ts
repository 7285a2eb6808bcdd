import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { EMAIL_INDEX, KIND_INDEX, TABLE_KEYS } from './table-schema.js';

/** CreateTable input for the single table, used where no CloudFormation creates it (local runtime, tests). */
export function tableDefinition(name: string): CreateTableCommandInput {
  const attribute = (AttributeName: string) => ({ AttributeName, AttributeType: 'S' as const });
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      attribute(TABLE_KEYS.partitionKey),
      attribute(TABLE_KEYS.sortKey),
      attribute(EMAIL_INDEX.partitionKey),
      attribute(EMAIL_INDEX.sortKey),
      attribute(KIND_INDEX.partitionKey),
      attribute(KIND_INDEX.sortKey),
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [EMAIL_INDEX, KIND_INDEX].map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
