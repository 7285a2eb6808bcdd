/**
 * The keys of the items a contact can live in.
 * - A contact made through the CRM (or linked to an account): `CONTACT#<id> / CONTACT`, `id` a UUID.
 * - A contact the sync made for a new account: inside the account's link item, `JIRA#<accountId> / LINK`,
 *   so that creating it is the account's claim, one write. Its id says so: `jira-<accountId in base64url>`.
 * The link item of an account whose contact was linked (not created) holds no contact: it is a pointer,
 * and has none of the index attributes, so the contacts API never lists or finds it.
 */
export type ItemKey = { readonly pk: string; readonly sk: string };

export const CONTACT_SK = 'CONTACT';
export const LINK_SK = 'LINK';
/** `pk` prefixes of items that may hold a contact (for cursors of contact listings). */
export const CONTACT_PK_PREFIXES = ['CONTACT#', 'JIRA#'] as const;

const ACCOUNT_CONTACT_ID_PREFIX = 'jira-';

export const linkKey = (accountId: string) => ({ pk: `JIRA#${accountId}`, sk: LINK_SK }) as const;

/** The id of the contact the sync creates inside an account's link item. */
export function accountContactId(accountId: string): string {
  return `${ACCOUNT_CONTACT_ID_PREFIX}${Buffer.from(accountId, 'utf8').toString('base64url')}`;
}

/** Where the contact with this id is stored. */
export function contactKey(id: string): ItemKey {
  if (id.startsWith(ACCOUNT_CONTACT_ID_PREFIX)) {
    const accountId = Buffer.from(id.slice(ACCOUNT_CONTACT_ID_PREFIX.length), 'base64url').toString('utf8');
    // Only the canonical spelling names the account's item; any other id names no contact.
    if (accountContactId(accountId) === id) return linkKey(accountId);
  }
  return { pk: `CONTACT#${id}`, sk: CONTACT_SK };
}

/** Whether the contact with this id lives inside an account's link item. */
export const isInLinkItem = (id: string): boolean => contactKey(id).sk === LINK_SK;
