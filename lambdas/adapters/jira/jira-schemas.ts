import { z } from 'zod';
import type { JiraAccount, JiraCaller } from '../../domain/jira-account.js';

/** A string Jira may also send as `null` or leave out: both become undefined. */
const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

/**
 * The fields of a Jira user the service reads; Jira sends many more, which are ignored. Every field
 * but `accountId` may be `null` or missing (Jira's own spec says so of the email and display name).
 */
export const jiraAccountSchema = z
  .object({
    accountId: z.string().min(1),
    accountType: optionalText,
    displayName: optionalText,
    emailAddress: optionalText,
    active: z
      .boolean()
      .nullish()
      .transform((value) => value ?? true),
  })
  .transform(
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
    active: z
      .boolean()
      .nullish()
      .transform((value) => value ?? true),
  })
  .transform(
    (caller): JiraCaller => ({
      accountId: caller.accountId,
      displayName: caller.displayName ?? '',
      accountType: caller.accountType ?? 'unknown',
      active: caller.active,
    }),
  );
