import { z } from 'zod';

/** The user events that change contacts; other webhook events are accepted and ignored. */
export const USER_EVENTS = ['user_created', 'user_updated', 'user_deleted'] as const;
export type UserEventName = (typeof USER_EVENTS)[number];

export const userEventSchema = z.object({
  timestamp: z.number().int().nonnegative(),
  webhookEvent: z.enum(USER_EVENTS),
  user: z.object({
    accountId: z.string().min(1),
    accountType: z.string().optional(),
    displayName: z.string().optional(),
    emailAddress: z.string().optional(),
    active: z.boolean().optional(),
  }),
});

export type UserEvent = z.infer<typeof userEventSchema>;
