import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeCursorKey } from '../nag-acknowledgements.js';

/**
 * The key the API signs its paging cursors with (HMAC), so a client cannot alter or forge one.
 * Random, in Secrets Manager only; the functions get its ARN. Losing it only invalidates cursors.
 */
export class CursorKey extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'Contact Sync: signs the API paging cursors (HMAC).',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeCursorKey(this.secret);
  }
}
