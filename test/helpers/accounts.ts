import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { normalizeEmail } from '../../lambdas/domain/email.js';
import { EMAIL_INDEX } from '../../lambdas/adapters/dynamodb/table-schema.js';
import type { AccountSnapshot } from '../../lambdas/domain/sync/account-snapshot.js';
import type { TestTable } from './dynamo.js';

/** Jira accounts as the sync sees them, each new one with its own id, name and email. */
export function accountFactory(name: string): (overrides?: Partial<AccountSnapshot>) => AccountSnapshot {
  let sequence = 0;
  return (overrides = {}) => {
    sequence += 1;
    return {
      accountId: `712020:${name}-${sequence}`,
      accountType: 'atlassian',
      displayName: `${name} ${sequence}`,
      email: `${name}.${sequence}@example.com`,
      eventTs: 1_000,
      ...overrides,
    };
  };
}

/** Every contact carrying the account, wherever it is kept, found through the email index. */
export async function contactsCarrying(db: Pick<TestTable, 'client' | 'table'>, accountId: string, email: string) {
  const result = await db.client.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: EMAIL_INDEX.name,
      KeyConditionExpression: 'emailKey = :email',
      ExpressionAttributeValues: { ':email': normalizeEmail(email) },
    }),
  );
  return (result.Items ?? []).filter((item) => item.jiraAccountId === accountId);
}
