import type { UserEvent } from './sync/user-event.js';

/**
 * A deactivation (`user_updated` with `active: false`) or a deletion ends the account's logins.
 * On AWS the API's login cache forgets them within its time to live; the local runtime, whose cache
 * the consumer can reach, ends them at once (local/login-revocation-relay.ts).
 */
export function revokesLogin(event: UserEvent): boolean {
  return (
    event.webhookEvent === 'user_deleted' || (event.webhookEvent === 'user_updated' && event.user.active === false)
  );
}
