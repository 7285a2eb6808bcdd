/**
 * The single table's shape, shared by the CDK stack (`lib/`) and the local runtime so both build
 * the same keys and indexes.
 *
 * Items (pk / sk):
 * - contact      CONTACT#<id> / CONTACT     emailKey, createdKey (byEmail); kindKey=CONTACT, kindSort (byKind)
 * - company      COMPANY#<id> / COMPANY     kindKey=COMPANY, kindSort (byKind)
 * - account link JIRA#<accountId> / LINK    one per Jira account: it names the account's only contact (the
 *                                           "one contact per account" lock); demotion scans for them. The
 *                                           contact the sync creates for a new account is kept in this very
 *                                           item (same index attributes as a contact), so that creating it is
 *                                           the claim; see contact-items.ts
 * - settings     SETTINGS / USER_SYNC       the toggle's state
 * - run progress RUN#<runId> / <part>       one item per page or batch of a sync run, summed for progress
 * - seen         RUNSEEN#<runId> / <part>   the accounts a run's part saw (a users/search segment, a service
 *                                           desk step): later desk steps skip them, a reconcile's sweep spares them;
 *                                           ORGSEEN#<runId> the same for organizations. Both expire (TTL_ATTRIBUTE)
 * - email hint   EMAIL#<email> / HINT       an email a regular contact has or had: lets a sync page skip
 *                                           the byEmail query for emails no contact can be linked by
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const EMAIL_INDEX = { name: 'byEmail', partitionKey: 'emailKey', sortKey: 'createdKey' } as const;
export const KIND_INDEX = { name: 'byKind', partitionKey: 'kindKey', sortKey: 'kindSort' } as const;

/** Demotion scans the table in this many parallel segments (one Map branch each). */
export const LINK_SHARDS = 16;

/** The attribute DynamoDB's TTL deletes expired items by. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** What a run saw matters only while it runs (hours): a daily reconcile would otherwise keep every account id forever. */
const SEEN_ITEMS_KEPT_SECONDS = 30 * 24 * 60 * 60;

/** A run's seen set as stored: deleted by DynamoDB's TTL 30 days on (epoch seconds, as the TTL reads them). */
export function expiringSeenItem<T extends { pk: string; sk: string }>(item: T, now: number = Date.now()): T {
  return { ...item, [TTL_ATTRIBUTE]: Math.floor(now / 1000) + SEEN_ITEMS_KEPT_SECONDS };
}

export const DEFAULT_TABLE_NAME = 'contact-sync';

export function tableName(): string {
  return process.env.TABLE_NAME ?? DEFAULT_TABLE_NAME;
}
