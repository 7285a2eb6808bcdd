import { z } from 'zod';
import type { JiraAccount, JiraCaller } from '../../domain/jira-account.js';

/** A string Jira may also send as `null` or leave out: both become undefined. */
const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

/** `active`, which Jira may send as `null` or leave out: then the account is active. */
const activeFlag = z
  .boolean()
  .nullish()
  .transform((value) => value ?? true);

/**
 * The fields of a Cloud account record the service reads, whatever lists it (`users/search`, a JSM
 * desk's customers); Jira sends many more, which are ignored. Every field but `accountId` may be
 * `null` or missing (Jira's own spec says so of the email and display name).
 */
export const cloudAccountFields = {
  accountId: z.string().min(1),
  displayName: optionalText,
  emailAddress: optionalText,
  active: activeFlag,
};

/** A Jira user as `users/search` and `user` answer it. */
export const jiraAccountSchema = z.object({ ...cloudAccountFields, accountType: optionalText }).transform(
  (user): JiraAccount => ({
    accountId: user.accountId,
    accountType: user.accountType ?? 'unknown',
    displayName: user.displayName,
    emailAddress: user.emailAddress,
    active: user.active,
  }),
);

/** `myself`: who the caller is, what kind of account, and whether it is active (missing: as Jira means it). */
export const jiraCallerSchema = z
  .object({
    accountId: z.string().min(1),
    displayName: optionalText,
    accountType: optionalText,
    active: activeFlag,
  })
  .transform(
    (caller): JiraCaller => ({
      accountId: caller.accountId,
      displayName: caller.displayName ?? '',
      accountType: caller.accountType ?? 'unknown',
      active: caller.active,
    }),
  );
