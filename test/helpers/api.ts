import type { Page } from '../../lambdas/domain/page.js';
import type { SyncState } from '../../lambdas/domain/sync/user-sync-state.js';
import type { UserSyncView } from '../../lambdas/domain/sync/user-sync-runs.js';
import { type JsonResponse, eventually, request } from './http.js';

/** The contract's error body. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** Every item of a collection, newest first, read through the API's own paging (each page must be 200). */
export async function listAll<T>(
  baseUrl: string,
  auth: string,
  collection: 'contacts' | 'companies',
  limit = 100,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await request<Page<T>>(baseUrl, 'GET', `/${collection}${query}`, { auth });
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** The contract's error body, with a message a person can act on. */
export function expectError(
  response: { status: number; body: unknown },
  status: number,
  code: string,
  message?: RegExp,
): void {
  expect(response.status).toBe(status);
  const body = response.body as ErrorBody;
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  expect(body.error.message.length).toBeGreaterThan(10);
  if (message) expect(body.error.message).toMatch(message);
}

/**
 * PUT /settings/user-sync. `enabled` is `unknown` so that tests can also send bodies the API must refuse;
 * `T` lets a caller read the error body of a refusal.
 */
export function putUserSync<T = UserSyncView>(
  baseUrl: string,
  auth: string,
  enabled: unknown,
): Promise<JsonResponse<T>> {
  return request<T>(baseUrl, 'PUT', '/settings/user-sync', { auth, body: { enabled } });
}

/** Polls GET /settings/user-sync until its state is `state`, and answers that view. */
export function waitForSyncState(
  baseUrl: string,
  auth: string,
  state: SyncState,
  timeoutMs: number,
): Promise<UserSyncView> {
  return eventually(
    async () => {
      const { body } = await request<UserSyncView>(baseUrl, 'GET', '/settings/user-sync', { auth });
      return body.state === state ? body : undefined;
    },
    timeoutMs,
    `user sync state ${state}`,
  );
}

/** Turns user syncing on or off (expecting 202) and waits until the change has finished. */
export async function setUserSync(
  baseUrl: string,
  auth: string,
  enabled: boolean,
  timeoutMs: number,
): Promise<UserSyncView> {
  const response = await putUserSync(baseUrl, auth, enabled);
  expect(response.status).toBe(202);
  return waitForSyncState(baseUrl, auth, enabled ? 'ENABLED' : 'DISABLED', timeoutMs);
}

/** POST /settings/user-sync/reconcile (expecting 202), then waits until that reconcile has finished. */
export async function reconcileNow(baseUrl: string, auth: string, timeoutMs: number): Promise<UserSyncView> {
  const asked = new Date().toISOString();
  const response = await request<UserSyncView>(baseUrl, 'POST', '/settings/user-sync/reconcile', { auth });
  expect(response.status).toBe(202);
  expect(response.body.state).toBe('RECONCILING');
  return waitForReconcile(baseUrl, auth, asked, timeoutMs);
}

/** Polls until a reconcile that started at or after `since` has finished (its `lastReconcile`). */
export function waitForReconcile(
  baseUrl: string,
  auth: string,
  since: string,
  timeoutMs: number,
): Promise<UserSyncView> {
  return eventually(
    async () => {
      const { body } = await request<UserSyncView>(baseUrl, 'GET', '/settings/user-sync', { auth });
      const last = body.lastReconcile;
      // Clocks are the same machine's: a run asked for at `since` started no earlier (less a second of slack).
      const finished =
        body.state === 'ENABLED' && last?.finishedAt && Date.parse(last.startedAt) >= Date.parse(since) - 1000;
      return finished ? body : undefined;
    },
    timeoutMs,
    'the reconcile to finish',
  );
}
