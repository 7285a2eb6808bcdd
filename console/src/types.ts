/**
 * The API's shapes, taken from the service's own domain types (type-only: nothing of the service is
 * bundled into the page), so the console and the API cannot drift apart.
 */
import type { Company } from '../../lambdas/domain/company.js';
import type { Contact } from '../../lambdas/domain/contact.js';
import type { Page } from '../../lambdas/domain/page.js';
import type {
  ReconcileSummary,
  SkippedBy,
  SyncFailure,
  SyncProgress as FullProgress,
  SyncState,
} from '../../lambdas/domain/sync/user-sync-state.js';

export type { Company, Contact, Page, SkippedBy, SyncFailure, SyncState };

/**
 * `updated` and `unlinked` come with a reconcile's progress only; `estimatedTotal` (the run's size,
 * measured at its start) and `etaSeconds` (the time left) are null until known, and absent from an
 * older service.
 */
export type SyncProgress = Omit<FullProgress, 'updated' | 'unlinked'> &
  Partial<Pick<FullProgress, 'updated' | 'unlinked'>> & {
    estimatedTotal?: number | null;
    etaSeconds?: number | null;
  };

export type ReconcileRun = Omit<ReconcileSummary, 'progress'> & { progress: SyncProgress | null };

export interface UserSyncView {
  enabled: boolean;
  state: SyncState;
  progress: SyncProgress | null;
  failures?: SyncFailure[];
  lastReconcile?: ReconcileRun | null;
  updatedAt: string | null;
  error?: string | null;
}
