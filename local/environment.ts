import { MAX_RECEIVE_COUNT } from '../lib/function-settings.js';

import { DEFAULT_TABLE_NAME } from '../lambdas/adapters/dynamodb/table-schema.js';
import type { EnvironmentVariable } from '../lambdas/shared/environment.js';
import { SERVICE_NAME } from '../lambdas/shared/service-identity.js';
import type { JiraDeployment } from '../lambdas/shared/jira-deployment.js';

/** The environment the handlers read, as the stack sets it for each function, pointed at the local stand-ins. */
export function configureEnvironment(settings: {
  dynamoEndpoint: string;
  sfnEndpoint: string;
  jira: { baseUrl: string; email: string; apiToken: string; webhookSecret: string };
  /** Which Jira it is (detected by the runtime, or `JIRA_DEPLOYMENT`). */
  deployment: JiraDeployment;
  cursorKey: string;
}): void {
  // The functions' own variables, by the names their schema reads (a misspelt one is a type error).
  const functionVariables = {
    TABLE_NAME: DEFAULT_TABLE_NAME,
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:contact-sync-local',
    JIRA_BASE_URL: settings.jira.baseUrl,
    JIRA_USER_EMAIL: settings.jira.email,
    JIRA_API_TOKEN: settings.jira.apiToken,
    JIRA_WEBHOOK_SECRET: settings.jira.webhookSecret,
    JIRA_DEPLOYMENT: settings.deployment,
    CURSOR_SIGNING_KEY: settings.cursorKey,
    MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
  } satisfies Partial<Record<EnvironmentVariable, string>>;
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: settings.dynamoEndpoint,
    AWS_ENDPOINT_URL_SFN: settings.sfnEndpoint,
    ...functionVariables,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    // No X-Ray here: Powertools Tracer stays off (and then says nothing about a missing trace context).
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL || process.env.LOG_LEVEL || 'WARN',
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  });
}

/**
 * `LOG_LEVEL=debug` (or `POWERTOOLS_LOG_LEVEL`) brings back Powertools' full JSON entries and
 * every queue and workflow line.
 */
export function verboseLogs(): boolean {
  const level = (process.env.POWERTOOLS_LOG_LEVEL || process.env.LOG_LEVEL || '').toUpperCase();
  return level === 'DEBUG' || level === 'TRACE';
}
