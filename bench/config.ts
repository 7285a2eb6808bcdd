import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEGMENTS_PER_WAVE, USERS_PAGE_SIZE } from '../lambdas/domain/sync/page-plan.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Share of the synced accounts that are JSM customers (the rest are Jira users). */
export const CUSTOMER_SHARE = 0.3;
/** One synced account in this many already has a contact (same email, other case) to link. */
export const PRE_EXISTING_EVERY = 20;
/** Accounts that are never synced, or looked up one by one: the simulator's defaults. */
export const EXTRA_ACCOUNTS = { apps: 3, inactive: 3, hiddenEmails: 3 } as const;

/**
 * Accounts synced at once by one page (`ACCOUNT_CONCURRENCY` in sync-users-segment.ts, which does not
 * export it): read from the source so the baseline follows the code when it changes.
 */
export function accountConcurrency(): number {
  const source = readFileSync(path.join(PROJECT_ROOT, 'lambdas/domain/sync/sync-users-segment.ts'), 'utf8');
  const match = /const ACCOUNT_CONCURRENCY = (\d+)/.exec(source);
  return match?.[1] ? Number(match[1]) : 32;
}

/** Requests the sync has in flight at most: pages per wave times accounts per page. */
export const syncInFlight = (): number => SEGMENTS_PER_WAVE * accountConcurrency();

export { SEGMENTS_PER_WAVE, USERS_PAGE_SIZE };

export const WEBHOOK_DELIVERIES = 2_000;
export const WEBHOOK_RATE_PER_SECOND = 200;
/** Senders of the burst that builds a backlog to measure the consumer at full speed. */
export const WEBHOOK_BURST_SENDERS = 32;

/** Deployed memory sizes (lib/stateless), for Lambda GB-seconds. */
export const LAMBDA_MEMORY_MB = {
  syncUsersSegment: 1024,
  planWave: 256,
  finishSyncRun: 256,
  webhookConsumer: 512,
} as const;

/** The email of webhook delivery `index` of a run tagged `tag` (30 % customers on another domain). */
export const webhookEmail = (tag: string, index: number): string =>
  `${tag}.${index}@${index % 10 < 3 ? 'acme.example' : 'example.com'}`;
