/** The toggle's lifecycle: DISABLED -> ENABLING -> ENABLED -> DISABLING -> DISABLED. */
export type SyncState = 'DISABLED' | 'ENABLING' | 'ENABLED' | 'DISABLING';
export type SyncAction = 'enable' | 'disable';

export interface SyncProgress {
  total: number;
  processed: number;
  created: number;
  linked: number;
  skipped: number;
  failed: number;
}

export interface UserSyncSettings {
  state: SyncState;
  /** The running or last change; progress is kept per run. */
  runId: string | null;
  /** Why the last run stopped early, if it did; asking for the same state again resumes it. */
  error: string | null;
  updatedAt: string | null;
}

export const EMPTY_PROGRESS: SyncProgress = { total: 0, processed: 0, created: 0, linked: 0, skipped: 0, failed: 0 };

export const DEFAULT_SETTINGS: UserSyncSettings = { state: 'DISABLED', runId: null, error: null, updatedAt: null };

export function isEnabledState(state: SyncState): boolean {
  return state === 'ENABLING' || state === 'ENABLED';
}

/** Whether user events may change contacts: only while syncing is on or being turned on. */
export function acceptsUserEvents(state: SyncState): boolean {
  return isEnabledState(state);
}

export const TRANSITION: Record<SyncAction, { from: SyncState; during: SyncState; to: SyncState }> = {
  enable: { from: 'DISABLED', during: 'ENABLING', to: 'ENABLED' },
  disable: { from: 'ENABLED', during: 'DISABLING', to: 'DISABLED' },
};

export function addProgress(a: SyncProgress, b: SyncProgress): SyncProgress {
  return {
    total: a.total + b.total,
    processed: a.processed + b.processed,
    created: a.created + b.created,
    linked: a.linked + b.linked,
    skipped: a.skipped + b.skipped,
    failed: a.failed + b.failed,
  };
}

/** The settings store: the toggle's state, moved only by conditional writes, and per-run progress. */
export interface UserSyncSettingsStore {
  get(): Promise<UserSyncSettings>;
  /** Moves from `from` to `to` (naming `runId`), only if the state is still `from` (and the run is `expectedRunId`). */
  transition(from: SyncState, to: SyncState, runId: string, expectedRunId?: string | null): Promise<boolean>;
  recordError(runId: string, message: string | null): Promise<void>;
  /** Stores the counts of one part (page or batch) of a run; a retried part overwrites its own counts. */
  saveProgressPart(runId: string, part: string, progress: SyncProgress): Promise<void>;
  progress(runId: string): Promise<SyncProgress>;
}
