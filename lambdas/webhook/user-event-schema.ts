import { z } from 'zod';
import { CORRUPTED_ACCOUNT_ID } from '../domain/jira-account.js';
import { USER_EVENTS, type UserEvent } from '../domain/sync/user-event.js';
import { webhookEnvelopeSchema } from './webhook-request-schema.js';

/** A field Jira may send as `null` or leave out: both become undefined. */
const absentable = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

/**
 * The user of a Cloud user event. Only `accountId` must be there; Data Center's `name`/`key`
 * users and other events' shapes have none and are ignored (see `identifiedUserSchema`).
 */
const webhookUserSchema = z.looseObject({
  accountId: z.string().min(1),
  accountType: absentable(z.string()),
  displayName: absentable(z.string()),
  emailAddress: absentable(z.string()),
  active: absentable(z.boolean()),
});

/** A delivery whose `user` names a Cloud account the sync can act on. */
export const identifiedUserSchema = z.object({
  user: z.looseObject({
    accountId: z
      .string()
      .min(1)
      .refine((id) => id !== CORRUPTED_ACCOUNT_ID),
  }),
});

/** The user events the consumer applies: the edge's envelope, narrowed. */
export const userEventSchema = webhookEnvelopeSchema.extend({
  timestamp: z.number().int().nonnegative(),
  webhookEvent: z.enum(USER_EVENTS),
  user: webhookUserSchema,
}) satisfies z.ZodType<UserEvent>;
