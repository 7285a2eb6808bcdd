import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tracer } from './powertools.js';

/**
 * Configuration read from the environment. On AWS the secrets live in Secrets Manager and only
 * their ARNs are in the environment; locally the values themselves are (the runtime sets them).
 */
export function jiraBaseUrl(): string {
  const url = process.env.JIRA_BASE_URL;
  if (!url) throw new Error('JIRA_BASE_URL is not set.');
  return url.replace(/\/+$/, '');
}

export interface JiraServiceCredentials {
  email: string;
  apiToken: string;
}

/** Cached by Powertools for five minutes, so a warm container does not call Secrets Manager again. */
const SECRET_MAX_AGE_SECONDS = 300;

let secretsProvider: SecretsProvider | undefined;

/** One provider (and cache) per container, created on first use, its Secrets Manager calls traced. */
function secrets(): SecretsProvider {
  secretsProvider ??= new SecretsProvider({ awsSdkV3Client: tracer.captureAWSv3Client(new SecretsManagerClient({})) });
  return secretsProvider;
}

async function secretOrEnv(arnVariable: string, valueVariable: string): Promise<string> {
  const arn = process.env[arnVariable];
  if (arn) {
    const value = await secrets().get(arn, { maxAge: SECRET_MAX_AGE_SECONDS });
    if (typeof value !== 'string' || !value) throw new Error(`The secret ${arnVariable} is empty.`);
    return value;
  }
  const value = process.env[valueVariable];
  if (!value) throw new Error(`Neither ${arnVariable} nor ${valueVariable} is set.`);
  return value;
}

/** With `JIRA_USER_EMAIL` unset or empty, the token is a Data Center personal access token (sent as Bearer). */
export async function jiraServiceCredentials(): Promise<JiraServiceCredentials> {
  const email = process.env.JIRA_USER_EMAIL ?? '';
  return { email, apiToken: await secretOrEnv('JIRA_API_TOKEN_SECRET_ARN', 'JIRA_API_TOKEN') };
}

export function jiraWebhookSecret(): Promise<string> {
  return secretOrEnv('JIRA_WEBHOOK_SECRET_ARN', 'JIRA_WEBHOOK_SECRET');
}

/** The key that signs API paging cursors (HMAC), so a client cannot alter or forge one. */
export function cursorSigningKey(): Promise<string> {
  return secretOrEnv('CURSOR_KEY_SECRET_ARN', 'CURSOR_SIGNING_KEY');
}
