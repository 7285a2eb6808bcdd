import { z } from 'zod';
import { DEFAULT_TABLE_NAME } from '../adapters/dynamodb/table-schema.js';

/** Unset and empty mean the same: the variable is not there. */
const optionalText = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());

/**
 * Every variable the functions read, as the stack sets them for each function (lib/) and the local
 * runtime sets them for its own (local/environment.ts). On AWS a secret's value stays in Secrets
 * Manager and only its ARN is here; locally the value itself is (see config.ts).
 */
const environmentSchema = z.object({
  TABLE_NAME: optionalText.transform((name) => name ?? DEFAULT_TABLE_NAME),
  STATE_MACHINE_ARN: optionalText,
  JIRA_BASE_URL: optionalText.transform((url) => url?.replace(/\/+$/, '')),
  /** Unset or empty: `JIRA_API_TOKEN` is a Data Center personal access token (sent as Bearer). */
  JIRA_USER_EMAIL: optionalText,
  /** `cloud` or `datacenter`; `auto` or unset: asked of Jira (checked where it is resolved, composition.ts). */
  JIRA_DEPLOYMENT: optionalText,
  JIRA_API_TOKEN_SECRET_ARN: optionalText,
  JIRA_API_TOKEN: optionalText,
  JIRA_WEBHOOK_SECRET_ARN: optionalText,
  JIRA_WEBHOOK_SECRET: optionalText,
  CURSOR_KEY_SECRET_ARN: optionalText,
  CURSOR_SIGNING_KEY: optionalText,
  /** Receives before SQS moves a message to the dead-letter queue (the queue's redrive policy says the same). */
  MAX_RECEIVE_COUNT: optionalText
    .transform((count) => (count === undefined ? 5 : Number(count)))
    .pipe(z.number().int().positive()),
  /** Set to `true` where metrics go nowhere (locally): Powertools' own variable, read here too. */
  POWERTOOLS_METRICS_DISABLED: optionalText.transform((flag) => flag === 'true'),
});

export type Environment = z.infer<typeof environmentSchema>;

/** The name of a variable the functions read. */
export type EnvironmentVariable = keyof Environment;

/** The variables in `variables`, checked against the schema; a bad one is named in the error. */
export function readEnvironment(variables: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = environmentSchema.safeParse(variables);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`The environment is not as the functions expect (${problems.join('; ')}).`);
  }
  return parsed.data;
}

let containerEnvironment: Environment | undefined;

/**
 * The container's environment, read once, on first use (never at import: the local runtime sets the
 * variables before it loads a handler).
 */
export function environment(): Environment {
  containerEnvironment ??= readEnvironment();
  return containerEnvironment;
}

/** `value`, or an error that names the missing variable. */
export function required(value: string | undefined, variable: EnvironmentVariable): string {
  if (!value) throw new Error(`${variable} is not set.`);
  return value;
}
