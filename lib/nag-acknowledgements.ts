import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Every cdk-nag (AWS Solutions) finding this stack accepts, each with its reason, in one place.
 * Acknowledgments are scoped to the construct that causes the finding (and its children), and
 * IAM findings to the exact resource pattern, so a new finding elsewhere still fails the synth.
 */
const acknowledge = (scope: IConstruct, id: string, reason: string) =>
  Validations.of(scope).acknowledge({ id, reason });

const logicalId = (resource: IConstruct) => Stack.of(resource).getLogicalId(resource.node.defaultChild as CfnElement);

/** Every function of the service (ServiceFunction). */
export function acknowledgeServiceFunction(fn: IConstruct): void {
  acknowledge(
    fn,
    'AwsSolutions-L1',
    'Node.js 22 on purpose: the local runtime, the tests and the bundle target run the same major version; upgrade ' +
      'them together.',
  );
  acknowledge(
    fn,
    'AwsSolutions-IAM5[Resource::*]',
    'Only X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords), which supports no resource-level ' +
      'permissions.',
  );
}

/** A function granted read/write on the table also reaches its indexes. */
export function acknowledgeTableIndexAccess(grantee: IConstruct, table: IConstruct): void {
  acknowledge(
    grantee,
    `AwsSolutions-IAM5[Resource::<${logicalId(table)}.Arn>/index/*]`,
    "The table's own GSIs (byEmail, byKind), which grantReadWriteData names by wildcard; no other table is reachable.",
  );
}

/** The state machine's role: invokes its task functions, writes its logs and traces. */
export function acknowledgeWorkflowRole(stateMachine: IConstruct, taskFunctions: IConstruct[]): void {
  for (const fn of taskFunctions) {
    acknowledge(
      stateMachine,
      `AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`,
      'Invoking a task function by any version or alias of that one function (LambdaInvoke grant); no other function.',
    );
  }
  acknowledge(
    stateMachine,
    'AwsSolutions-IAM5[Resource::*]',
    'CloudWatch Logs delivery (logs:*LogDelivery*, DescribeResourcePolicies, DescribeLogGroups) and X-Ray actions, ' +
      'which support no resource-level permissions.',
  );
}

/** The REST API: who may call it is decided by Jira credentials and by the webhook's HMAC signature. */
export function acknowledgeApi(api: IConstruct): void {
  const callerAuth =
    'Callers are authenticated by Jira itself: the handlers check the Authorization header with ' +
    'GET /rest/api/3/myself (a Jira login is the CRM login, as the contract requires); /webhooks/jira is ' +
    'authenticated by its HMAC signature (X-Hub-Signature), checked before any change; /health and /openapi.json (the API described) are ' +
    'public by contract, and so are the static files of the console at /console/ (a sign-in page holding no data: every ' +
    'API call it makes carries the Jira credentials of its user).';
  acknowledge(api, 'AwsSolutions-APIG4', callerAuth);
  acknowledge(api, 'AwsSolutions-COG4', callerAuth);
  acknowledge(
    api,
    'AwsSolutions-APIG3',
    'No WAF in the default deployment: the stage is throttled, the webhook body is schema-validated and ' +
      'size-capped, and every other route needs Jira credentials. Associate a web ACL with the stage where policy ' +
      'requires one.',
  );
  acknowledge(
    api,
    'AwsSolutions-APIG6',
    'Access logs are on (with integration and validation errors). Execution logging needs the account-wide API ' +
      'Gateway CloudWatch role, an account setting this stack must not own or overwrite.',
  );
}

/** The Jira secrets: issued by Jira, so Secrets Manager cannot rotate them. */
export function acknowledgeJiraSecret(secret: IConstruct): void {
  acknowledge(
    secret,
    'AwsSolutions-SMG4',
    "Issued by Jira (the service account's API token, the webhook's secret), not by a database Secrets Manager " +
      'could rotate; rotate in Jira and put-secret-value.',
  );
}

/** The key that signs paging cursors. */
export function acknowledgeCursorKey(secret: IConstruct): void {
  acknowledge(
    secret,
    'AwsSolutions-SMG4',
    'Only signs paging cursors: replacing it (put-secret-value with a new random value) merely invalidates cursors ' +
      'in use; no rotation Lambda is needed.',
  );
}
