import type { JiraAccount, JiraDirectory } from '../jira-account.js';
import type { PrefetchedAccounts } from './account-prefetch.js';
import { eligibility } from './account-eligibility.js';
import type { AccountMentionEvent } from './account-mention.js';
import { type SyncOutcome, type SyncStores, syncAccount } from './sync-account.js';

/** What became of one account an issue or comment event named. */
export type MentionOutcome =
  | SyncOutcome
  /** It has a link already (a contact, or a tombstone that user events and runs look after): no call. */
  | 'known'
  /** An app or a corrupted record: never synced, never looked up. */
  | 'not-a-person'
  | 'skipped-hidden-email'
  | 'skipped-ineligible'
  /** Jira no longer knows the account. */
  | 'skipped-unknown'
  /** Named twice in one batch: handled once. */
  | 'repeated'
  /** Looked up lately and not eligible then: not asked again until that is forgotten. */
  | 'recently-looked-up';

/**
 * Accounts a container looked up lately and found not eligible (email hidden, inactive, unknown to
 * Jira): an account like that named by every comment of a busy request costs one Jira call per
 * `ttlMs`, not one per event. Its contact still comes with its `user_updated` or the next reconcile.
 */
export class RecentLookups {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly options: { ttlMs: number; max: number; now?: () => number } = { ttlMs: 300_000, max: 10_000 },
  ) {}

  has(accountId: string): boolean {
    const expiry = this.expiries.get(accountId);
    if (expiry === undefined) return false;
    if (expiry > this.now()) return true;
    this.expiries.delete(accountId);
    return false;
  }

  add(accountId: string): void {
    this.expiries.delete(accountId);
    // A Map keeps insertion order: the first key is the oldest entry.
    if (this.expiries.size >= this.options.max) {
      const oldest = this.expiries.keys().next().value;
      if (oldest !== undefined) this.expiries.delete(oldest);
    }
    this.expiries.set(accountId, this.now() + this.options.ttlMs);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/**
 * Applies the accounts that issue and comment events of one batch name, each account once per batch.
 * Primary course: the account's link was read with the batch's others -> it has one: nothing to do,
 * no Jira call -> it has none: look it up (`user?accountId=`) -> an eligible account is synced as a
 * user event would sync it, as of the lookup (what Jira said then includes every earlier change).
 */
export class MentionedAccounts {
  private readonly handled = new Set<string>();

  constructor(
    private readonly deps: SyncStores & { jira: JiraDirectory; recentLookups?: RecentLookups | undefined },
    private readonly prefetched: PrefetchedAccounts,
  ) {}

  /** The batch's links are read up front: these are the account ids to read. */
  static accountIdsOf(events: readonly AccountMentionEvent[]): string[] {
    return [...new Set(events.flatMap((event) => event.accounts.map((account) => account.accountId)))];
  }

  async apply(event: AccountMentionEvent): Promise<Array<{ accountId: string; outcome: MentionOutcome }>> {
    const outcomes: Array<{ accountId: string; outcome: MentionOutcome }> = [];
    for (const mentioned of event.accounts) {
      outcomes.push({ accountId: mentioned.accountId, outcome: await this.applyOne(event, mentioned) });
    }
    return outcomes;
  }

  private async applyOne(
    event: AccountMentionEvent,
    mentioned: AccountMentionEvent['accounts'][number],
  ): Promise<MentionOutcome> {
    const { accountId } = mentioned;
    if (this.handled.has(accountId)) return 'repeated';
    this.handled.add(accountId);
    if (this.prefetched.linkOf(accountId)) return 'known';
    if (mentioned.accountType === 'app' || mentioned.accountType === 'unknown') return 'not-a-person';
    const { recentLookups } = this.deps;
    if (recentLookups?.has(accountId)) return 'recently-looked-up';
    const readAt = Date.now();
    let account: JiraAccount | undefined;
    try {
      account = await this.deps.jira.getUser(accountId);
    } catch (error) {
      // Tried again with the delivery (SQS), not forgotten.
      this.handled.delete(accountId);
      throw error;
    }
    if (!account) {
      recentLookups?.add(accountId);
      return 'skipped-unknown';
    }
    const verdict = eligibility(account, readAt);
    if (verdict.kind !== 'sync') recentLookups?.add(accountId);
    if (verdict.kind === 'skip')
      return verdict.reason === 'hiddenEmail' ? 'skipped-hidden-email' : 'skipped-ineligible';
    if (verdict.kind === 'unsync') return 'skipped-ineligible';
    try {
      return await syncAccount(this.deps, verdict.snapshot, {
        ...this.prefetched.optionsFor(verdict.snapshot),
        createdAt: new Date(event.timestamp).toISOString(),
      });
    } catch (error) {
      this.handled.delete(accountId);
      throw error;
    }
  }
}
