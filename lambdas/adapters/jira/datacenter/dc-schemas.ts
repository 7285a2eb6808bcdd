import { z } from 'zod';
import type { JiraAccount, JiraCaller } from '../../../domain/jira-account.js';

/** A string Jira may also send as `null` or leave out (or, on Data Center, empty): all become undefined. */
const optionalText = z
  .string()
  .nullish()
  .transform((value) => (value ? value : undefined));

/**
 * Data Center sends `active` as a boolean in REST answers and as the string `"true"`/`"false"` in
 * webhooks; missing means active (as on Cloud).
 */
export const dcActiveSchema = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .nullish()
  .transform((value) => value !== false && value !== 'false');

/**
 * A REST API v2 user (`user/list`, `user/search`, `user`, webhooks). Its stable id is `key`
 * (`JIRAUSER10123`); `name` is the username, which a rename changes. Data Center has no account
 * types: every user is a Jira user (`atlassian`), and a service desk's customers are typed by the
 * desk reading.
 */
export const dcUserSchema = z
  .looseObject({
    key: z.string().min(1),
    name: optionalText,
    displayName: optionalText,
    emailAddress: optionalText,
    active: dcActiveSchema,
  })
  .transform(
    (user): JiraAccount => ({
      accountId: user.key,
      accountType: 'atlassian',
      displayName: user.displayName,
      emailAddress: user.emailAddress,
      active: user.active,
    }),
  );

/** `myself` on Data Center: the caller's key is its id; every Data Center login is a Jira user. */
export const dcCallerSchema = z
  .looseObject({
    key: z.string().min(1),
    name: optionalText,
    displayName: optionalText,
    active: dcActiveSchema,
  })
  .transform(
    (caller): JiraCaller => ({
      accountId: caller.key,
      displayName: caller.displayName ?? caller.name ?? '',
      accountType: 'atlassian',
      active: caller.active,
    }),
  );

/** `user/list` (Jira 10.3 and later): a page of users and the cursor of the next one. */
export const dcUserListSchema = z.looseObject({
  values: z.array(z.unknown()),
  isLast: z.boolean().nullish(),
  nextCursor: z.union([z.string(), z.number()]).nullish(),
});

/**
 * One of `applicationrole`'s roles, as far as the estimate reads it: `userCount` is "the number of
 * users counting against your license". A role without a usable count fails this schema and is skipped.
 */
export const dcApplicationRoleSchema = z.looseObject({
  key: optionalText,
  userCount: z.number().int().nonnegative(),
});

/** `applicationrole`: every application role (Software, Service Management, the platform's Core). */
export const dcApplicationRolesSchema = z.array(z.unknown());
