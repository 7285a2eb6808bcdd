import { z } from 'zod';

/** The fields of a Jira user the service reads; Jira sends many more, which are ignored. */
export const jiraAccountSchema = z.object({
  accountId: z.string().min(1),
  accountType: z.string(),
  displayName: z.string().default(''),
  emailAddress: z.string().optional(),
  active: z.boolean(),
});

export const jiraAccountsSchema = z.array(jiraAccountSchema);
