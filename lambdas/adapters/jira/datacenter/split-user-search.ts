/**
 * Listing every user of a Data Center site older than 10.3, which has no `user/list`: `user/search`
 * returns at most the first 100 results of a query (Jira 10, JRASERVER-78660), whatever `startAt`
 * says, matching the start of the username, of a display name's words or of the email. A query
 * that comes back full is split by the next character until every part comes back short; the
 * parts overlap (one user matches by username, name and email), so results are merged by key.
 */

/** What `user/search` returns at most per query on Jira 10 (Jira 9 allowed 1,000: asking 100 works on both). */
export const USER_SEARCH_CAP = 100;

/**
 * Characters a query is extended by. Usernames, names and emails may hold others: a user whose
 * every word, username and email continue a full query with a character outside this set is not
 * found (see the README's Data Center section).
 */
export const QUERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789._-@+'";

/** The queries still to ask, in order: what the listing keeps between steps. */
export interface SplitSearchState {
  pending: string[];
}

/** Where a split search starts: one query per first character. */
export function initialSplitSearch(): SplitSearchState {
  return { pending: [...QUERY_ALPHABET] };
}

/**
 * The state after asking `query`: a full answer is split into its longer queries (asked next, so
 * the pending list stays as short as the depth of the split); a short answer is complete.
 */
export function afterQuery(state: SplitSearchState, query: string, returned: number): SplitSearchState {
  const rest = state.pending.filter((pending) => pending !== query);
  if (returned < USER_SEARCH_CAP) return { pending: rest };
  return { pending: [...[...QUERY_ALPHABET].map((next) => `${query}${next}`), ...rest] };
}

/** The opaque page token a step keeps in the workflow state (`s:` for split search, `c:` for a `user/list` cursor). */
export function encodeSplitSearch(state: SplitSearchState): string {
  return `s:${JSON.stringify(state.pending)}`;
}

export function decodeSplitSearch(token: string): SplitSearchState | undefined {
  if (!token.startsWith('s:')) return undefined;
  const pending: unknown = JSON.parse(token.slice(2));
  if (!Array.isArray(pending) || !pending.every((query) => typeof query === 'string'))
    throw new Error('The split search state is not a list of queries.');
  return { pending };
}
