import { z } from 'zod';
import { dcActiveSchema } from '../adapters/jira/datacenter/dc-schemas.js';
import { USER_EVENTS, type UserEvent } from '../domain/sync/user-event.js';

const absentText = z
  .string()
  .nullish()
  .transform((value) => (value ? value : undefined));

/**
 * A Data Center user event: a REST API v2 `user` (`key`, `name`, `emailAddress`, `displayName`,
 * `active` as the string `"true"` or `"false"`), and no `X-Atlassian-Webhook-Identifier`. The key is
 * the account's id, so a rename (new username and email) moves the same contact. Repeats are
 * harmless without an identifier: every write is ordered by the event's own `timestamp`, so the
 * same event applied twice, or an older one after it, changes nothing.
 */
const dcUserEventSchema = z
  .looseObject({
    timestamp: z.number().int().nonnegative(),
    webhookEvent: z.enum(USER_EVENTS),
    user: z.looseObject({
      key: z.string().min(1),
      displayName: absentText,
      emailAddress: absentText,
      active: dcActiveSchema,
    }),
  })
  .transform(
    (event): UserEvent => ({
      timestamp: event.timestamp,
      webhookEvent: event.webhookEvent,
      user: {
        accountId: event.user.key,
        // Data Center has no account types: a user is a Jira user.
        accountType: 'atlassian',
        displayName: event.user.displayName,
        emailAddress: event.user.emailAddress,
        active: event.user.active,
      },
    }),
  );

/** The user event of a Data Center delivery, or undefined when its `user` has no `key` (not Data Center's shape). */
export function readDataCenterUserEvent(json: unknown): UserEvent | undefined {
  const parsed = dcUserEventSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
