import { forEachConcurrently } from '../lambdas/domain/sync/run-pool.js';
import { USERS_PAGE_SIZE } from '../lambdas/domain/sync/page-plan.js';
import type { NewContact } from '../lambdas/domain/contact.js';
import type { JiraSimulator } from '../local/jira-simulator/index.js';
import { PRE_EXISTING_EVERY } from './config.js';

/**
 * The contacts a benchmark's sync is to link: every PRE_EXISTING_EVERY-th account with an email,
 * its email in another case, created through the contact store before syncing is turned on.
 * Returns how many were created.
 */
export async function createPreExistingContacts(
  simulator: JiraSimulator,
  contacts: { createContact(input: NewContact): Promise<unknown> },
): Promise<number> {
  const { email, apiToken } = simulator.service;
  const service = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
  const toLink: NewContact[] = [];
  let position = 0;
  for (let startAt = 0; ; startAt += USERS_PAGE_SIZE) {
    const url = `${simulator.url}/rest/api/3/users/search?startAt=${startAt}&maxResults=${USERS_PAGE_SIZE}`;
    const page = (await (await fetch(url, { headers: { Authorization: service } })).json()) as Array<{
      displayName: string;
      emailAddress?: string;
      accountType: string;
      active: boolean;
    }>;
    for (const account of page) {
      if (account.accountType === 'app' || !account.active || !account.emailAddress) continue;
      if (position++ % PRE_EXISTING_EVERY === PRE_EXISTING_EVERY - 1)
        toLink.push({ name: account.displayName, email: otherCase(account.emailAddress) });
    }
    if (page.length < USERS_PAGE_SIZE) break;
  }
  await forEachConcurrently(toLink, 32, async (contact) => {
    await contacts.createContact(contact);
  });
  return toLink.length;
}

/** `ada@example.com` -> `ADA@EXAMPLE.COM` (and back): the same email to the service, spelt otherwise. */
function otherCase(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.toUpperCase()}@${domain.toLowerCase() === domain ? domain.toUpperCase() : domain.toLowerCase()}`;
}
