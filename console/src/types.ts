/** The API's shapes, as ../shared/CONTRACT.md has them (fields newer than today's API are optional). */

export type SyncState = 'DISABLED' | 'ENABLING' | 'ENABLED' | 'DISABLING' | 'RECONCILING';

export interface SkippedBy {
  hiddenEmail: number;
  app: number;
  inactive: number;
  other: number;
}

export interface SyncProgress {
  total: number;
  processed: number;
  created: number;
  linked: number;
  skipped: number;
  failed: number;
  skippedBy?: SkippedBy;
  updated?: number;
  unlinked?: number;
}

export interface SyncFailure {
  accountId: string;
  reason: string;
}

export interface ReconcileRun {
  startedAt: string;
  finishedAt: string | null;
  progress: SyncProgress | null;
  error: string | null;
}

export interface UserSyncView {
  enabled: boolean;
  state: SyncState;
  progress: SyncProgress | null;
  failures?: SyncFailure[];
  lastReconcile?: ReconcileRun | null;
  updatedAt: string | null;
  error?: string | null;
}

export interface Contact {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  companyIds: string[];
  tags: string[];
  jiraUser: { accountId: string; accountType: 'atlassian' | 'customer' } | null;
  createdAt: string;
  updatedAt: string;
}

export interface Company {
  id: string;
  name: string;
  domain: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
