import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { Construct } from 'constructs';
import { type API_HANDLERS, API_ROUTES } from '../../lambdas/api-routes.js';
import type { ServiceFunction } from '../../lib/stateless/service-function.js';
import { CONSUMER_EVENT_SOURCE } from '../../lib/stateless/webhook-consumer.js';
import { actionsOfRole, synthesizeContactSyncStack } from './synthesized-stack.js';

// The one test file that really bundles: it checks the local esbuild produced each function's code.
const { stack, template, logicalId } = synthesizeContactSyncStack({ bundle: true });

const child = (path: string): Construct =>
  path.split('/').reduce<Construct>((scope, id) => scope.node.findChild(id) as Construct, stack);
const serviceFunction = (path: string) => child(path) as ServiceFunction;
const FUNCTIONS = {
  health: 'ApiFunctions/Health',
  openApiDocument: 'ApiFunctions/OpenApiDocument',
  contactsApi: 'ApiFunctions/ContactsApi',
  companiesApi: 'ApiFunctions/CompaniesApi',
  userSyncSettings: 'ApiFunctions/UserSyncSettings',
  planWave: 'SyncTasks/PlanWave',
  syncUsersSegment: 'SyncTasks/SyncUsersSegment',
  syncDeskCustomers: 'SyncTasks/SyncDeskCustomers',
  continueSyncRun: 'SyncTasks/ContinueSyncRun',
  beginScheduledRun: 'SyncTasks/BeginScheduledRun',
  demoteLinksBatch: 'SyncTasks/DemoteLinksBatch',
  finishSyncRun: 'SyncTasks/FinishSyncRun',
  syncOrganizations: 'SyncTasks/SyncOrganizations',
  demoteCompaniesBatch: 'SyncTasks/DemoteCompaniesBatch',
  estimateRunSize: 'SyncTasks/EstimateRunSize',
  webhookConsumer: 'WebhookConsumer/Consumer',
} as const;
type FunctionName = keyof typeof FUNCTIONS;
const functionId = (name: FunctionName) => logicalId(serviceFunction(FUNCTIONS[name]).function);
const roleActions = (name: FunctionName) => actionsOfRole(template, logicalId(serviceFunction(FUNCTIONS[name]).role));
const environmentOf = (name: FunctionName): Record<string, unknown> => {
  const resource = template.toJSON().Resources[functionId(name)] as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  };
  return resource.Properties.Environment.Variables;
};

const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
const TABLE_READ_WRITE = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
];
const SECRET_READ = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];
const QUEUE_CONSUME = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];
const sorted = (...groups: string[][]) => groups.flat().sort();

describe('every function, built by the one ServiceFunction construct', () => {
  // Seventeen: sixteen for the service, one for the console.
  it('is one of seventeen, on Node.js 22, ARM64, traced, with Powertools and source maps enabled', () => {
    template.resourceCountIs('AWS::Lambda::Function', 17);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'contact-sync',
          POWERTOOLS_METRICS_NAMESPACE: 'ContactSync',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          POWERTOOLS_TRACE_ENABLED: 'true',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
  });

  it('logs to its own log group, kept 30 days, and may write only there', () => {
    for (const path of Object.values(FUNCTIONS)) {
      const fn = serviceFunction(path);
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        LoggingConfig: { LogGroup: { Ref: logicalId(fn.logGroup) } },
        Role: { 'Fn::GetAtt': [logicalId(fn.role), 'Arn'] },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: logicalId(fn.role) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            { Effect: 'Allow', Action: LOGS, Resource: { 'Fn::GetAtt': [logicalId(fn.logGroup), 'Arn'] } },
          ]),
        },
      });
    }
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('is bundled by the local esbuild into an ES module with its source map', () => {
    const outdir = (stack.node.root as App).outdir;
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const resource = template.toJSON().Resources[functionId(name)] as { Properties: { Code: { S3Key: string } } };
      const asset = join(outdir, `asset.${resource.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      expect([existsSync(join(asset, 'index.mjs')), existsSync(join(asset, 'index.mjs.map'))]).toEqual([true, true]);
    }
  });
});

describe('least privilege', () => {
  it.each<[FunctionName, string[]]>([
    ['health', sorted(LOGS, XRAY)],
    ['openApiDocument', sorted(LOGS, XRAY)],
    ['contactsApi', sorted(LOGS, XRAY, TABLE_READ_WRITE, SECRET_READ)],
    ['companiesApi', sorted(LOGS, XRAY, TABLE_READ_WRITE, SECRET_READ)],
    ['userSyncSettings', sorted(LOGS, XRAY, TABLE_READ_WRITE, ['states:StartExecution'])],
    ['planWave', sorted(LOGS, XRAY)],
    ['syncUsersSegment', sorted(LOGS, XRAY, TABLE_READ_WRITE, SECRET_READ)],
    ['syncDeskCustomers', sorted(LOGS, XRAY, TABLE_READ_WRITE, SECRET_READ)],
    ['continueSyncRun', sorted(LOGS, XRAY, ['states:StartExecution'])],
    ['beginScheduledRun', sorted(LOGS, XRAY, TABLE_READ_WRITE)],
    ['demoteLinksBatch', sorted(LOGS, XRAY, TABLE_READ_WRITE)],
    ['finishSyncRun', sorted(LOGS, XRAY, TABLE_READ_WRITE)],
    ['syncOrganizations', sorted(LOGS, XRAY, TABLE_READ_WRITE, SECRET_READ)],
    ['demoteCompaniesBatch', sorted(LOGS, XRAY, TABLE_READ_WRITE)],
    ['estimateRunSize', sorted(LOGS, XRAY, TABLE_READ_WRITE, SECRET_READ)],
    ['webhookConsumer', sorted(LOGS, XRAY, TABLE_READ_WRITE, SECRET_READ, QUEUE_CONSUME)],
  ])('%s may do only what it needs', (name, actions) => {
    expect(roleActions(name)).toEqual(actions);
  });

  it('the settings function may start only the sync state machine', () => {
    const [stateMachineId] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(serviceFunction(FUNCTIONS.userSyncSettings).role) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: stateMachineId } },
        ]),
      },
    });
    expect(environmentOf('userSyncSettings')).toMatchObject({ STATE_MACHINE_ARN: { Ref: stateMachineId } });
  });

  it('reads secrets by ARN only: the API token where Jira is called as the service, the webhook secret', () => {
    const apiToken = logicalId(child('JiraSecrets/JiraApiToken'));
    const webhookSecret = logicalId(child('JiraSecrets/WebhookSecret'));
    for (const name of ['syncUsersSegment', 'syncOrganizations'] as const)
      expect(environmentOf(name)).toMatchObject({
        JIRA_API_TOKEN_SECRET_ARN: { Ref: apiToken },
        JIRA_USER_EMAIL: { Ref: 'JiraUserEmail' },
      });
    expect(environmentOf('webhookConsumer')).toMatchObject({
      JIRA_API_TOKEN_SECRET_ARN: { Ref: apiToken },
      JIRA_WEBHOOK_SECRET_ARN: { Ref: webhookSecret },
      JIRA_BASE_URL: { Ref: 'JiraBaseUrl' },
      MAX_RECEIVE_COUNT: '5',
    });
    const cursorKey = logicalId(child('CursorKey/Secret'));
    for (const name of ['contactsApi', 'companiesApi'] as const)
      expect(environmentOf(name)).toMatchObject({ CURSOR_KEY_SECRET_ARN: { Ref: cursorKey } });
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      expect(Object.keys(environmentOf(name))).not.toEqual(expect.arrayContaining(['JIRA_API_TOKEN']));
      expect(Object.keys(environmentOf(name))).not.toEqual(expect.arrayContaining(['JIRA_WEBHOOK_SECRET']));
    }
  });
});

describe('the webhook consumer`s event source', () => {
  it('reads the webhook queue in batches with partial batch responses and bounded concurrency', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(child('WebhookQueue/Queue')), 'Arn'] },
      FunctionName: { Ref: functionId('webhookConsumer') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: CONSUMER_EVENT_SOURCE.batchSize,
      MaximumBatchingWindowInSeconds: CONSUMER_EVENT_SOURCE.maxBatchingWindow.toSeconds(),
      ScalingConfig: { MaximumConcurrency: CONSUMER_EVENT_SOURCE.maxConcurrency },
    });
    expect(CONSUMER_EVENT_SOURCE).toMatchObject({ batchSize: 10, maxConcurrency: 5, reportBatchItemFailures: true });
  });
});

describe('the REST API', () => {
  const handlerOf = (name: keyof typeof API_HANDLERS) =>
    ({
      health: 'health',
      openApiDocument: 'openApiDocument',
      contactsApi: 'contactsApi',
      companiesApi: 'companiesApi',
      userSyncSettings: 'userSyncSettings',
    })[name] as FunctionName;

  it.each(API_ROUTES.map((route) => [`${route.method} ${route.resource}`, route] as const))(
    '%s is a Lambda proxy integration of its handler',
    (_name, route) => {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: route.method,
        Integration: {
          Type: 'AWS_PROXY',
          IntegrationHttpMethod: 'POST',
          Uri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [functionId(handlerOf(route.handler)), 'Arn'] }])] },
        },
      });
    },
  );

  it('serves GET /openapi.json without credentials from its own function, and outputs its URL', () => {
    const resources = template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: 'openapi.json' } });
    const [resourceId, ...others] = Object.keys(resources);
    expect(others).toEqual([]);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      ResourceId: { Ref: resourceId },
      AuthorizationType: 'NONE',
      Integration: {
        Type: 'AWS_PROXY',
        Uri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [functionId('openApiDocument'), 'Arn'] }])] },
      },
    });
    template.hasOutput('OpenApiUrl', { Value: { 'Fn::Join': ['', Match.arrayWith(['/openapi.json'])] } });
  });

  it('has every route of the route table, the webhook and the console, and no other method', () => {
    // + the webhook, + the console's GET /console and GET /console/{file} (test/infra/console-site.test.ts)
    template.resourceCountIs('AWS::ApiGateway::Method', API_ROUTES.length + 3);
  });

  it('has one stage, with JSON access logs and X-Ray (throttling: throttling.test.ts)', () => {
    template.resourceCountIs('AWS::ApiGateway::Stage', 1);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(child('Api/AccessLogs')), 'Arn'] },
        Format: Match.stringLikeRegexp(
          '"status":"\\$context.status".*"integrationError":"\\$context.integrationErrorMessage"',
        ),
      },
      TracingEnabled: true,
    });
  });

  it('takes the Jira site, service account and alarm email as parameters; outputs URLs and secret ARNs', () => {
    for (const parameter of ['AlarmEmail', 'JiraBaseUrl', 'JiraUserEmail'])
      template.hasParameter(parameter, { Type: 'String' });
    for (const output of [
      'ApiUrl',
      'WebhookUrl',
      'DashboardUrl',
      'WebhookSecretArn',
      'JiraApiTokenSecretArn',
      'DeadLetterQueueArn',
    ]) {
      template.hasOutput(output, {});
    }
    template.hasOutput('WebhookUrl', { Value: { 'Fn::Join': ['', Match.arrayWith(['/webhooks/jira'])] } });
  });
});

describe("the API's own error answers", () => {
  it.each([
    ['BAD_REQUEST_BODY', '400', 'BAD_REQUEST'],
    ['REQUEST_TOO_LARGE', '413', 'PAYLOAD_TOO_LARGE'],
    ['UNSUPPORTED_MEDIA_TYPE', '415', 'UNSUPPORTED_MEDIA_TYPE'],
    ['THROTTLED', '429', 'TOO_MANY_REQUESTS'],
  ])('%s is %s with the contract`s error body', (type, status, code) => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: status,
      ResponseTemplates: {
        'application/json': Match.stringLikeRegexp(`^\\{"error":\\{"code":"${code}","message":"[^"]+"\\}\\}$`),
      },
    });
  });
});
