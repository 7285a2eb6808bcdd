import type { DataCenterUsers } from './dc-users.js';

/** Every fifth Jira user is also a Service Management agent (a plausible share, fewer than Software's). */
const AGENT_EVERY = 5;
/** Licences come in tiers; these seats are the user count rounded up to the next 500. */
const SEAT_TIER = 500;

/**
 * `GET /rest/api/2/applicationrole` as a Data Center site with Software and Service Management
 * answers it: every active Jira user counts for Software, a fifth of them for Service Management
 * too (counted in both), customers and inactive users for none; Core is the platform's role.
 */
export function applicationRoles(users: DataCenterUsers): Record<string, unknown>[] {
  const software = users.all().filter((account) => account.active && account.accountType === 'atlassian').length;
  const agents = Math.ceil(software / AGENT_EVERY);
  return [
    licensedRole('jira-software', 'Jira Software', software),
    licensedRole('jira-servicedesk', 'Jira Service Management', agents),
    {
      key: 'jira-core',
      groups: ['jira-core-users'],
      name: 'Jira Core',
      defaultGroups: ['jira-core-users'],
      selectedByDefault: false,
      defined: true,
      userCount: 0,
      userCountDescription: 'users',
      hasUnlimitedSeats: true,
      platform: true,
    },
  ];
}

function licensedRole(key: string, name: string, userCount: number): Record<string, unknown> {
  const numberOfSeats = Math.max(SEAT_TIER, Math.ceil(userCount / SEAT_TIER) * SEAT_TIER);
  return {
    key,
    groups: [`${key}-users`],
    name,
    defaultGroups: [`${key}-users`],
    selectedByDefault: key === 'jira-software',
    defined: true,
    numberOfSeats,
    remainingSeats: numberOfSeats - userCount,
    userCount,
    userCountDescription: 'users',
    hasUnlimitedSeats: false,
    platform: false,
  };
}
