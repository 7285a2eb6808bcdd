/** The key contacts are matched by: Jira and people treat emails case-insensitively. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
