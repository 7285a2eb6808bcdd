import { z } from 'zod';
import { CORRUPTED_ACCOUNT_ID } from '../domain/jira-account.js';
import type { AccountMentionEvent, MentionEventName, MentionedAccount } from '../domain/sync/account-mention.js';

/** A user an issue event names; anything else there (or nothing at all) names no one. */
const namedUser = z
  .looseObject({ accountId: z.string().min(1), accountType: z.string().nullish() })
  .optional()
  .catch(undefined);

/** The places of an issue or comment event that name accounts; each may be missing or `null`. */
const mentionSchema = z.looseObject({
  user: namedUser,
  issue: z
    .looseObject({
      fields: z.looseObject({ reporter: namedUser, creator: namedUser }).nullish().catch(undefined),
    })
    .nullish()
    .catch(undefined),
  comment: z.looseObject({ author: namedUser }).nullish().catch(undefined),
});

/**
 * The accounts an issue or comment event names at `user`, `issue.fields.reporter`,
 * `issue.fields.creator` and `comment.author`, each once. Never fails: a shape it cannot read names
 * no one.
 */
export function readAccountMentions(
  body: { timestamp: number; webhookEvent: MentionEventName } & Record<string, unknown>,
): AccountMentionEvent {
  const parsed = mentionSchema.safeParse(body);
  const data = parsed.success ? parsed.data : {};
  const candidates = [data.user, data.issue?.fields?.reporter, data.issue?.fields?.creator, data.comment?.author];
  const accounts: MentionedAccount[] = [];
  for (const user of candidates) {
    if (!user || user.accountId === CORRUPTED_ACCOUNT_ID) continue;
    if (accounts.some((account) => account.accountId === user.accountId)) continue;
    accounts.push({ accountId: user.accountId, accountType: user.accountType ?? undefined });
  }
  return { timestamp: body.timestamp, webhookEvent: body.webhookEvent, accounts };
}
