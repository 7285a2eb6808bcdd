import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Environment, environment, required } from './environment.js';
import { tracer } from './powertools.js';

/**
 * Configuration, from the environment (environment.ts). On AWS the secrets live in Secrets Manager
 * and only their ARNs are in the environment; locally the values themselves are (the runtime sets them).
 */
export function jiraBaseUrl(): string {
  return required(environment().JIRA_BASE_URL, 'JIRA_BASE_URL');
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

type SecretArnVariable = 'JIRA_API_TOKEN_SECRET_ARN' | 'JIRA_WEBHOOK_SECRET_ARN' | 'CURSOR_KEY_SECRET_ARN';
type SecretValueVariable = 'JIRA_API_TOKEN' | 'JIRA_WEBHOOK_SECRET' | 'CURSOR_SIGNING_KEY';

async function secretOrEnv(arnVariable: SecretArnVariable, valueVariable: SecretValueVariable): Promise<string> {
  const variables: Environment = environment();
  const arn = variables[arnVariable];
  if (arn) {
    const value = await secrets().get(arn, { maxAge: SECRET_MAX_AGE_SECONDS });
    if (typeof value !== 'string' || !value) throw new Error(`The secret ${arnVariable} is empty.`);
    return value;
  }
  const value = variables[valueVariable];
  if (!value) throw new Error(`Neither ${arnVariable} nor ${valueVariable} is set.`);
  return value;
}

/** With `JIRA_USER_EMAIL` unset or empty, the token is a Data Center personal access token (sent as Bearer). */
export async function jiraServiceCredentials(): Promise<JiraServiceCredentials> {
  const email = environment().JIRA_USER_EMAIL ?? '';
  return { email, apiToken: await secretOrEnv('JIRA_API_TOKEN_SECRET_ARN', 'JIRA_API_TOKEN') };
}

export function jiraWebhookSecret(): Promise<string> {
  return secretOrEnv('JIRA_WEBHOOK_SECRET_ARN', 'JIRA_WEBHOOK_SECRET');
}

/** The key that signs API paging cursors (HMAC), so a client cannot alter or forge one. */
export function cursorSigningKey(): Promise<string> {
  return secretOrEnv('CURSOR_KEY_SECRET_ARN', 'CURSOR_SIGNING_KEY');
}
