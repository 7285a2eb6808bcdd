#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ContactSyncStack } from '../lib/contact-sync-stack.js';

/**
 * The CDK app: one environment-agnostic stack (no account or region needed to synthesize),
 * checked by cdk-nag's AWS Solutions rules on every synth; an unacknowledged finding fails it, and
 * each acknowledgment is written into the template's metadata as an audit trail.
 */
const app = new App();
new ContactSyncStack(app, 'ContactSync');
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
