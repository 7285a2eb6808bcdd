/**
 * Jira Cloud (REST API v3, accountIds) or Jira Data Center (REST API v2, user keys, personal access
 * tokens). Which one the functions speak to is resolved once per container by the composition root.
 */
export type JiraDeployment = 'cloud' | 'datacenter';
