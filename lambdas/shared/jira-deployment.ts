import { environment } from './environment.js';

/** Jira Cloud (REST API v3, accountIds) or Jira Data Center (REST API v2, user keys, personal access tokens). */
export type JiraDeployment = 'cloud' | 'datacenter';

/** Which Jira the service speaks to: the stack's `JiraDeployment` parameter, or what the local runtime detected. */
export function jiraDeployment(): JiraDeployment {
  return environment().JIRA_DEPLOYMENT;
}
