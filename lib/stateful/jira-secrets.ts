import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeJiraSecret } from '../nag-acknowledgements.js';

/**
 * The two Jira secrets, in Secrets Manager only: the functions get their ARNs and read the values
 * at cold start (cached by Powertools). Neither value is in the template: both start as random
 * strings. The webhook secret can stay as generated (paste it into Jira's webhook); the API token
 * must be replaced with the service account's own (`aws secretsmanager put-secret-value`).
 */
export class JiraSecrets extends Construct {
  readonly webhookSecret: secretsmanager.Secret;
  readonly apiToken: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const generated = (name: string, description: string) => {
      const secret = new secretsmanager.Secret(this, name, {
        description,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      acknowledgeJiraSecret(secret);
      return secret;
    };
    this.webhookSecret = generated(
      'WebhookSecret',
      'Contact Sync: the secret set on the Jira webhook; deliveries are signed with it (X-Hub-Signature).',
    );
    this.apiToken = generated(
      'JiraApiToken',
      "Contact Sync: the Jira service account's API token (replace the generated value with put-secret-value).",
    );
  }
}
