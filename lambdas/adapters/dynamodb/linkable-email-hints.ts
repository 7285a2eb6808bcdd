import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from './batch-get.js';
import { normalizeEmail } from '../../domain/email.js';

/**
 * A hint item per email that a contact no account is synced with has (or had): `EMAIL#<email>`.
 * It lets a sync page ask "could any of these 1,000 emails be linked to an existing contact?" with
 * ten BatchGetItem calls instead of a byEmail query per account. The byEmail GSI stays the truth:
 * a hint only says where to look. Hints are written before a contact becomes linkable (created or
 * given an email by the API, made regular again), never deleted (a stale hint costs one query), so
 * an email without a hint has no linkable contact.
 */
const hintKey = (email: string) => ({ pk: `EMAIL#${normalizeEmail(email)}`, sk: 'HINT' });

export class LinkableEmailHints {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Idempotent: the same item whatever the case or repetition. */
  async add(email: string): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: { ...hintKey(email), email: normalizeEmail(email) } }),
    );
  }

  /** The normalized emails among `emails` that may have a linkable contact. */
  async hinted(emails: readonly string[]): Promise<Set<string>> {
    const keys = [...new Set(emails.map(normalizeEmail))].map(hintKey);
    const items = await batchGetAll(this.client, this.table, keys, { consistentRead: true, projection: 'email' });
    return new Set(items.map((item) => String(item.email)));
  }
}
