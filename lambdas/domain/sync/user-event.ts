/** The user events that change contacts; other webhook events are accepted and ignored. */
export const USER_EVENTS = ['user_created', 'user_updated', 'user_deleted'] as const;
export type UserEventName = (typeof USER_EVENTS)[number];

export function isUserEventName(name: string): name is UserEventName {
  return (USER_EVENTS as readonly string[]).includes(name);
}

/**
 * A Jira user event as the sync reads it. Jira may send any user field but the id as `null` or
 * leave it out (privacy settings, deleted users): the webhook adapter turns both into undefined.
 */
export interface UserEvent {
  /** The event's own time (ms): it orders late and repeated deliveries. */
  timestamp: number;
  webhookEvent: UserEventName;
  user: {
    accountId: string;
    /** Undefined: the account is looked up in Jira before anything is decided. */
    accountType?: string | undefined;
    displayName?: string | undefined;
    /** Undefined when hidden: the account is looked up in Jira. */
    emailAddress?: string | undefined;
    /** Undefined means active. */
    active?: boolean | undefined;
  };
}
