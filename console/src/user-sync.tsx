import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type Api, ApiError, messageOf } from './api.js';
import type { ReconcileRun, SyncProgress, SyncState, UserSyncRequest, UserSyncView } from './types.js';

const STATE_WORDS: Record<SyncState, string> = {
  DISABLED: 'Disabled',
  ENABLING: 'Enabling…',
  ENABLED: 'Enabled',
  DISABLING: 'Disabling…',
  RECONCILING: 'Reconciling…',
};

const STATE_HINTS: Record<SyncState, string> = {
  DISABLED: 'Contacts are not linked to Jira. Switch on to give every Jira user and customer a contact.',
  ENABLING: 'Reading every Jira account and creating or linking its contact.',
  ENABLED: 'Every Jira user and customer has a contact, kept up to date as Jira changes.',
  DISABLING: 'Turning synced contacts back into regular contacts. Nothing is deleted.',
  RECONCILING: 'Comparing every Jira account with its contact and repairing differences.',
};

const ACTIVE: ReadonlySet<SyncState> = new Set(['ENABLING', 'DISABLING', 'RECONCILING']);
/** How often the state is read while a run is active. */
const POLL_MS = 800;

type Access = 'checking' | 'admin' | 'read-only' | 'none';
interface Notice {
  kind: 'error' | 'info';
  text: string;
}

/** Jira User Syncing: the switch (administrators), the state in words, a running run's progress, its failures. */
export function UserSync({ api, email, onRunEnded }: { api: Api; email: string; onRunEnded: () => void }) {
  const [view, setView] = useState<UserSyncView | null>(null);
  const [access, setAccess] = useState<Access>('checking');
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const [reconcileAvailable, setReconcileAvailable] = useState(true);
  const [polls, setPolls] = useState(0);
  const previousState = useRef<SyncState | null>(null);

  const refresh = useCallback(async () => {
    try {
      setView(await api<UserSyncView>('/settings/user-sync'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) setAccess('none');
      else setNotice({ kind: 'error', text: `Could not read the sync's state: ${messageOf(error)}` });
    } finally {
      setPolls((count) => count + 1);
    }
  }, [api]);

  useEffect(() => void refresh(), [refresh]);

  // Whoever may read the state may not always change it. The API checks "administrator" before it
  // reads a body, so a PUT with an empty body tells the two apart and changes nothing: 403 for
  // others, 422 (refused body) for administrators.
  const readable = view !== null;
  useEffect(() => {
    if (!readable || access !== 'checking') return;
    api('/settings/user-sync', { method: 'PUT', body: {} })
      .then(() => setAccess('admin'))
      .catch((error: unknown) => setAccess(error instanceof ApiError && error.status === 403 ? 'read-only' : 'admin'));
  }, [api, readable, access]);

  // Poll only while a run is active; the chain stops by itself once the run ends.
  const state = view?.state ?? null;
  useEffect(() => {
    if (!state || !ACTIVE.has(state)) return undefined;
    const timer = setTimeout(() => void refresh(), POLL_MS);
    return () => clearTimeout(timer);
  }, [state, polls, refresh]);

  useEffect(() => {
    if (previousState.current && ACTIVE.has(previousState.current) && state && !ACTIVE.has(state)) onRunEnded();
    previousState.current = state;
  }, [state, onRunEnded]);

  const toggle = async () => {
    if (!view) return;
    const enabled = !view.enabled;
    setBusy(true);
    setNotice(null);
    try {
      setView(
        await api<UserSyncView>('/settings/user-sync', { method: 'PUT', body: { enabled } satisfies UserSyncRequest }),
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        setNotice({
          kind: 'info',
          text:
            `${error.message} A change is still running (${STATE_WORDS[view.state].replace('…', '')}). ` +
            'Wait until the progress bar finishes, then switch again.',
        });
        void refresh();
      } else if (error instanceof ApiError && error.status === 403) {
        setAccess('read-only');
        setNotice({ kind: 'info', text: error.message });
      } else {
        setNotice({ kind: 'error', text: messageOf(error) });
      }
    } finally {
      setBusy(false);
    }
  };

  const reconcile = async () => {
    setBusy(true);
    setNotice(null);
    try {
      setView(await api<UserSyncView>('/settings/user-sync/reconcile', { method: 'POST' }));
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
        setReconcileAvailable(false);
        setNotice({
          kind: 'info',
          text:
            'This service cannot reconcile on demand yet (it has no reconcile route). ' +
            'Update the service to use it.',
        });
      } else if (error instanceof ApiError && error.status === 409) {
        setNotice({
          kind: 'info',
          text:
            `${error.message} A reconcile starts only while syncing is Enabled and no other run is active: ` +
            'wait for the current run to finish, then try again.',
        });
        void refresh();
      } else {
        setNotice({ kind: 'error', text: messageOf(error) });
      }
    } finally {
      setBusy(false);
    }
  };

  if (access === 'none') {
    return (
      <section class="card" aria-labelledby="sync-title">
        <h2 id="sync-title">Jira User Syncing</h2>
        <p class="alert info">
          Only Jira administrators can see and change user syncing. {email} is not a Jira administrator: ask one to open
          this console to switch it.
        </p>
      </section>
    );
  }

  const active = state !== null && ACTIVE.has(state);
  return (
    <section class="card" aria-labelledby="sync-title" aria-busy={view === null}>
      <div class="card-head">
        <h2 id="sync-title">Jira User Syncing</h2>
        {view && access === 'admin' && (
          <button
            type="button"
            role="switch"
            class="switch"
            aria-checked={view.enabled}
            aria-label="Jira User Syncing"
            disabled={busy}
            onClick={() => void toggle()}
          >
            <span class="switch-track" aria-hidden="true">
              <span class="switch-thumb" />
            </span>
          </button>
        )}
      </div>
      {view === null ? (
        <p class="muted">Reading the sync's state…</p>
      ) : (
        <>
          <p class="state" role="status">
            <span class={`dot ${view.state.toLowerCase()}`} aria-hidden="true" />
            <strong>{STATE_WORDS[view.state]}</strong>
          </p>
          <p class="muted">{STATE_HINTS[view.state]}</p>
          {access === 'read-only' && (
            <p class="alert info">You can see the sync's state, but only Jira administrators can switch it.</p>
          )}
          {view.progress && (active || view.progress.total > 0) && (
            <ProgressView progress={view.progress} active={active} />
          )}
          {view.error && (
            <p class="alert error">
              The last change stopped: {view.error} Switch again to resume it, or the other way to undo it.
            </p>
          )}
          {view.failures && view.failures.length > 0 && (
            <details class="failures">
              <summary>
                {view.failures.length} account{view.failures.length === 1 ? '' : 's'} failed
              </summary>
              <p class="muted">Switching on again retries them.</p>
              <ul>
                {view.failures.map((failure) => (
                  <li key={failure.accountId}>
                    <code>{failure.accountId}</code> {failure.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {view.lastReconcile !== undefined && <LastReconcile run={view.lastReconcile} />}
          {access === 'admin' && (view.state === 'ENABLED' || view.state === 'RECONCILING') && reconcileAvailable && (
            <div class="row">
              <button
                type="button"
                class="button"
                disabled={busy || view.state === 'RECONCILING'}
                onClick={() => void reconcile()}
              >
                Reconcile now
              </button>
              <span class="fine">Compares every Jira account with its contact and repairs differences.</span>
            </div>
          )}
        </>
      )}
      {notice && (
        <p class={`alert ${notice.kind}`} role="alert">
          {notice.text}
        </p>
      )}
    </section>
  );
}

const number = new Intl.NumberFormat('en');

function ProgressView({ progress, active }: { progress: SyncProgress; active: boolean }) {
  const counts: [string, number | undefined][] = [
    ['Created', progress.created],
    ['Linked', progress.linked],
    ['Updated', progress.updated],
    ['Unlinked', progress.unlinked],
    ['Skipped', progress.skipped],
    ['Failed', progress.failed],
  ];
  const skippedBy = progress.skippedBy;
  const measure = barMeasure(progress, active);
  // Older runs' progress may predate the sources.
  const sources = progress.sources as SyncProgress['sources'] | undefined;
  return (
    <div class="progress-block">
      {active ? (
        <>
          <div
            class="progress"
            role="progressbar"
            aria-label="Sync progress"
            aria-valuemin={0}
            aria-valuemax={measure.max}
            aria-valuenow={measure.value}
            aria-valuetext={measure.caption}
          >
            <span class="progress-fill" style={{ width: `${measure.percent}%` }} />
          </div>
          <p class="progress-caption">{measure.caption}</p>
        </>
      ) : (
        <p class="progress-caption">
          Last run: {number.format(progress.processed)} of {number.format(progress.total)} accounts
        </p>
      )}
      <dl class="counts">
        {counts
          .filter((entry): entry is [string, number] => entry[1] !== undefined)
          .map(([label, value]) => (
            <div key={label} class={label === 'Failed' && value > 0 ? 'bad' : ''}>
              <dt>{label}</dt>
              <dd>{number.format(value)}</dd>
            </div>
          ))}
      </dl>
      {skippedBy && progress.skipped > 0 && (
        <p class="fine">
          Skipped: {number.format(skippedBy.hiddenEmail)} hidden email · {number.format(skippedBy.app)} apps ·{' '}
          {number.format(skippedBy.inactive)} inactive · {number.format(skippedBy.other)} other
        </p>
      )}
      {progress.organizations && <OrganizationsLine organizations={progress.organizations} />}
      {sources && progress.total > 0 && (
        <p class="fine">
          Sources: {number.format(sources.usersSearch)} from Jira's user list · {number.format(sources.serviceDesks)}{' '}
          more from service desks (each account counted once)
        </p>
      )}
    </div>
  );
}

/** What the run did with JSM organizations, in one line a person reads. */
function OrganizationsLine({ organizations }: { organizations: NonNullable<SyncProgress['organizations']> }) {
  const parts: [string, number][] = [
    ['companies created', organizations.created],
    ['linked', organizations.linked],
    ['renamed', organizations.renamed],
    ['made regular', organizations.unlinked],
    ['memberships added', organizations.membershipsAdded],
    ['removed', organizations.membershipsRemoved],
  ];
  return (
    <p class="fine">
      JSM organizations: {number.format(organizations.read)} read
      {parts
        .filter(([, count]) => count > 0)
        .map(([label, count]) => ` · ${number.format(count)} ${label}`)
        .join('')}
    </p>
  );
}

/**
 * The bar's measure: its maximum is the run's estimated size (measured at its start), so the bar
 * moves through the real total rather than "n of n read so far". Until the size is known it shows
 * what was read. Accounts created meanwhile may take it past the estimate: it then stays just short
 * of full until the run ends.
 */
export function barMeasure(
  progress: SyncProgress,
  active: boolean,
): { value: number; max: number; percent: number; caption: string } {
  const value = progress.processed;
  const estimate = progress.estimatedTotal ?? null;
  if (estimate === null) {
    const max = Math.max(progress.total, value);
    return {
      value,
      max,
      percent: 0,
      caption:
        max === 0 ? 'Starting…' : `${number.format(value)} accounts so far, measuring how many there are in all…`,
    };
  }
  const max = Math.max(estimate, 1);
  const whole = Math.floor((Math.min(value, max) / max) * 100);
  const percent = active ? Math.min(whole, 99) : whole;
  const left = timeLeftWords(progress.etaSeconds ?? null);
  return {
    value: Math.min(value, max),
    max,
    percent,
    caption:
      `${number.format(value)} of about ${number.format(estimate)} accounts · ${percent} %` +
      (left ? ` · ${left}` : ''),
  };
}

/** "about 4 min left", as a person says it; nothing when the time left is not known yet. */
export function timeLeftWords(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 60) return 'less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} h${rest ? ` ${rest} min` : ''} left`;
}

const when = (iso: string) => new Date(iso).toLocaleString();

function LastReconcile({ run }: { run: ReconcileRun | null }) {
  if (!run) return <p class="fine">No reconcile has run yet.</p>;
  return (
    <p class="fine">
      Last reconcile: started {when(run.startedAt)}
      {run.finishedAt ? `, finished ${when(run.finishedAt)}` : ', still running'}
      {run.progress
        ? ` (${number.format(run.progress.processed)} accounts checked, ${number.format(run.progress.failed)} failed)`
        : ''}
      {run.error ? `. It stopped: ${run.error}` : '.'}
    </p>
  );
}
