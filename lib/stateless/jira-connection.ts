import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** How the functions reach Jira: the site, the service account, and its API token's secret. */
export interface JiraConnection {
  /** The Jira site, e.g. `https://example.atlassian.net` (the `JiraBaseUrl` stack parameter). */
  readonly baseUrl: string;
  /** The service account's email (the `JiraUserEmail` stack parameter). */
  readonly userEmail: string;
  /** The service account's API token (a personal access token on Data Center). */
  readonly apiToken: secretsmanager.ISecret;
  /** `auto` (asked of Jira), `cloud` or `datacenter` (the `JiraDeployment` stack parameter). */
  readonly deployment: string;
}

/** The environment of a function that calls Jira as the service account (lambdas/shared/config.ts). */
export function serviceAccountEnvironment(jira: JiraConnection): Record<string, string> {
  return {
    JIRA_BASE_URL: jira.baseUrl,
    JIRA_USER_EMAIL: jira.userEmail,
    JIRA_API_TOKEN_SECRET_ARN: jira.apiToken.secretArn,
    JIRA_DEPLOYMENT: jira.deployment,
  };
}
