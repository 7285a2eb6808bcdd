/**
 * The signed-in user's credentials live in this tab only (sessionStorage): never localStorage, never
 * a cookie. Closing the tab or signing out forgets them.
 */
import type { Credentials } from './api.js';

const KEY = 'contact-sync.session';

export function loadSession(): Credentials | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Partial<Credentials> | null;
    return value && typeof value.email === 'string' && typeof value.apiToken === 'string'
      ? { email: value.email, apiToken: value.apiToken }
      : null;
  } catch {
    return null;
  }
}

export function saveSession(credentials: Credentials): void {
  sessionStorage.setItem(KEY, JSON.stringify(credentials));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
