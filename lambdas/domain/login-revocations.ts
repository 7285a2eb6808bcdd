import type { UserEvent } from './sync/user-event.js';

/**
 * Ends a Jira account's remembered logins at once, wherever the API keeps them, when Jira says the
 * account may no longer sign in. Locally it reaches the API's cache in the main process; on AWS it
 * does nothing (each API container forgets logins within a minute on its own).
 */
export interface LoginRevocations {
  revoke(accountId: string): Promise<void>;
}

/** A deactivation (`user_updated` with `active: false`) or a deletion ends the account's logins. */
export function revokesLogin(event: UserEvent): boolean {
  return (
    event.webhookEvent === 'user_deleted' || (event.webhookEvent === 'user_updated' && event.user.active === false)
  );
}

/** Where no cache can be reached (AWS): the logins' time to live is the bound. */
export const NO_LOGIN_REVOCATIONS: LoginRevocations = { revoke: async () => undefined };
