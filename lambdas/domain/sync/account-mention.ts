/**
 * Events that name accounts without being about them: a portal sign-up fires no `user_created`
 * that any source confirms, but the request it raises and the comments it makes do fire webhooks.
 * The accounts they name that have no contact yet get one.
 */
export const MENTION_EVENTS = ['jira:issue_created', 'jira:issue_updated', 'comment_created'] as const;
export type MentionEventName = (typeof MENTION_EVENTS)[number];

export function isMentionEventName(name: string): name is MentionEventName {
  return (MENTION_EVENTS as readonly string[]).includes(name);
}

/** One account an event names, with the type the event gave it, if any. */
export interface MentionedAccount {
  accountId: string;
  /** As the event says; an `app` is never looked up (Automation for Jira updates issues all day). */
  accountType?: string | undefined;
}

/** An issue or comment event as the sync reads it: who it names (`user`, reporter, creator, comment author). */
export interface AccountMentionEvent {
  /** The event's own time (ms). */
  timestamp: number;
  webhookEvent: MentionEventName;
  /** Each account once. */
  accounts: MentionedAccount[];
}
