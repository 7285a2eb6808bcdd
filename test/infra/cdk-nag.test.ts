import { Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { synthesizeContactSyncStack, testApp } from './synthesized-stack.js';

const { stack } = synthesizeContactSyncStack();

interface Acknowledgment {
  path: string;
  id: string;
  reason: string;
}

/** Every acknowledged finding in the tree, where it was acknowledged, and why. */
function acknowledgments(root: IConstruct): Acknowledgment[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe("cdk-nag's AWS Solutions rules", () => {
  it('report no unacknowledged finding, error or warning', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    expect(
      report.violations.map(
        (violation) =>
          `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  const carelessApp = testApp();
  it('do find the usual faults: the check is not vacuous', () => {
    const careless = new Stack(carelessApp, 'Careless');
    new sqs.Queue(careless, 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    const report = new AwsSolutionsChecks(undefined).validateScope(careless);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
    );
  });

  it('are acknowledged only for the accepted findings, each with a reason', () => {
    const found = acknowledgments(stack);
    for (const { reason } of found) expect(reason.length).toBeGreaterThan(40);
    expect(
      [...new Set(found.map(({ id }) => id.replace(/\[Resource::<[A-Za-z0-9]+\.Arn>/, '[Resource::<Arn>')))].sort(),
    ).toEqual([
      'AwsSolutions-APIG3',
      'AwsSolutions-APIG4',
      'AwsSolutions-APIG6',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::<Arn>/index/*]',
      'AwsSolutions-IAM5[Resource::<Arn>:*]',
      'AwsSolutions-L1',
      'AwsSolutions-SMG4',
    ]);
  });

  it('acknowledge wildcards per function and per resource, never for the whole stack', () => {
    const found = acknowledgments(stack);
    expect(found.filter(({ path }) => path === stack.node.path)).toEqual([]);
    const wildcardPaths = found.filter(({ id }) => id === 'AwsSolutions-IAM5[Resource::*]').map(({ path }) => path);
    expect(wildcardPaths.sort()).toEqual(
      [
        'ApiFunctions/CompaniesApi',
        'ApiFunctions/ContactsApi',
        'ApiFunctions/Health',
        'ApiFunctions/OpenApiDocument',
        'ApiFunctions/UserSyncSettings',
        'Console/Site',
        'SyncTasks/BeginScheduledRun',
        'SyncTasks/ContinueSyncRun',
        'SyncTasks/DemoteCompaniesBatch',
        'SyncTasks/DemoteLinksBatch',
        'SyncTasks/EstimateRunSize',
        'SyncTasks/FinishSyncRun',
        'SyncTasks/PlanWave',
        'SyncTasks/SyncDeskCustomers',
        'SyncTasks/SyncOrganizations',
        'SyncTasks/SyncUsersSegment',
        'SyncWorkflow/StateMachine',
        'WebhookConsumer/Consumer',
      ].map((path) => `ContactSync/${path}`),
    );
  });
});
