import { ArnFormat, Aws, CfnOutput, CfnParameter, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SyncAlarms } from './observability/sync-alarms.js';
import { SyncDashboard } from './observability/sync-dashboard.js';
import { ContactTable } from './stateful/contact-table.js';
import { CursorKey } from './stateful/cursor-key.js';
import { JiraSecrets } from './stateful/jira-secrets.js';
import { WebhookQueue } from './stateful/webhook-queue.js';
import { ApiFunctions } from './stateless/api-functions.js';
import { ConsoleSite } from './stateless/console-site.js';
import { API_THROTTLING, ContactSyncApi, type Throttling, WEBHOOK_THROTTLING } from './stateless/contact-sync-api.js';
import type { JiraConnection } from './stateless/jira-connection.js';
import { SyncTaskFunctions } from './stateless/sync-task-functions.js';
import { SyncWorkflow } from './stateless/sync-workflow.js';
import { ReconcileSchedule } from './stateless/reconcile-schedule.js';
import { DEFAULT_RECONCILE_SCHEDULE } from './reconcile-schedule.js';
import { CONSUMER_TIMEOUT, WebhookConsumer } from './stateless/webhook-consumer.js';

/**
 * Contact Sync on AWS. Stateful resources first (table, queues, secrets), then the stateless ones
 * that receive them as props (functions, workflow, API), then what watches them. Environment-agnostic:
 * it synthesizes offline, with no account.
 */
export class ContactSyncStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'Contact Sync: keeps Jira users and JSM customers synced with CRM contacts.',
      ...props,
    });
    const parameters = stackParameters(this);

    // Stateful
    const data = new ContactTable(this, 'Data');
    const webhookQueue = new WebhookQueue(this, 'WebhookQueue', { consumerTimeout: CONSUMER_TIMEOUT });
    const secrets = new JiraSecrets(this, 'JiraSecrets');
    const cursorKey = new CursorKey(this, 'CursorKey');

    // Stateless
    const jira: JiraConnection = {
      baseUrl: parameters.jiraBaseUrl,
      userEmail: parameters.jiraUserEmail,
      apiToken: secrets.apiToken,
      deployment: parameters.jiraDeployment,
    };
    const stateMachineName = `${this.stackName}-user-sync`;
    const stateMachineArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const tasks = new SyncTaskFunctions(this, 'SyncTasks', { table: data.table, jira, stateMachineArn });
    const workflow = new SyncWorkflow(this, 'SyncWorkflow', { functions: tasks.workflowFunctions, stateMachineName });
    const apiFunctions = new ApiFunctions(this, 'ApiFunctions', {
      table: data.table,
      jiraBaseUrl: parameters.jiraBaseUrl,
      jiraDeployment: parameters.jiraDeployment,
      syncWorkflow: workflow.stateMachine,
      cursorKey: cursorKey.secret,
    });
    const consumer = new WebhookConsumer(this, 'WebhookConsumer', {
      queue: webhookQueue.queue,
      table: data.table,
      jira,
      webhookSecret: secrets.webhookSecret,
    });
    new ReconcileSchedule(this, 'Reconcile', {
      stateMachine: workflow.stateMachine,
      expression: parameters.reconcileSchedule,
    });
    const api = new ContactSyncApi(this, 'Api', {
      handlers: apiFunctions.byHandler,
      webhookQueue: webhookQueue.queue,
      throttling: parameters.apiThrottling,
      webhookThrottling: parameters.webhookThrottling,
    });
    const consoleSite = new ConsoleSite(this, 'Console', { api: api.api });

    // Observability
    const functions = {
      ...apiFunctions.byHandler,
      webhookConsumer: consumer.handler,
      ...tasks.byName,
      consoleSite: consoleSite.handler,
    };
    const dashboard = new SyncDashboard(this, 'Dashboard', {
      queue: webhookQueue.queue,
      deadLetterQueue: webhookQueue.deadLetterQueue,
      stateMachine: workflow.stateMachine,
      functions,
      syncTaskLogGroups: Object.values(tasks.byName).map((fn) => fn.logGroup),
    });
    const alarms = new SyncAlarms(this, 'Alarms', {
      alarmEmail: parameters.alarmEmail,
      queue: webhookQueue.queue,
      deadLetterQueue: webhookQueue.deadLetterQueue,
      stateMachine: workflow.stateMachine,
      functions,
    });

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output(
      'ApiUrl',
      api.api.url,
      'The API (contacts, companies, settings); callers sign in with their Jira credentials.',
    );
    output(
      'OpenApiUrl',
      api.api.urlForPath('/openapi.json'),
      'The API described as an OpenAPI 3.0 document (no credentials needed): import it into Postman or a client generator.',
    );
    output('ConsoleUrl', consoleSite.url, 'The admin console: open it and sign in with your Jira email and API token.');
    output(
      'WebhookUrl',
      api.api.urlForPath('/webhooks/jira'),
      'Register this URL as the Jira webhook (user created, updated, deleted).',
    );
    output(
      'DashboardUrl',
      Fn.join('', [
        `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=`,
        dashboard.dashboard.dashboardName,
      ]),
      'The CloudWatch dashboard: sync progress, webhook queue, functions, workflow.',
    );
    output(
      'WebhookSecretArn',
      secrets.webhookSecret.secretArn,
      'The webhook secret: read it (get-secret-value) and paste it into the Jira webhook.',
    );
    output(
      'JiraApiTokenSecretArn',
      secrets.apiToken.secretArn,
      "Put the Jira service account's API token here (put-secret-value).",
    );
    output(
      'DeadLetterQueueArn',
      webhookQueue.deadLetterQueue.queueArn,
      'Failed deliveries; replay them with aws sqs start-message-move-task.',
    );
    output('StateMachineArn', workflow.stateMachine.stateMachineArn, 'The user sync workflow.');
    output('AlarmTopicArn', alarms.topic.topicArn, 'Alarm notifications.');
  }
}

interface StackParameters {
  alarmEmail: string;
  reconcileSchedule: string;
  jiraBaseUrl: string;
  jiraUserEmail: string;
  jiraDeployment: string;
  apiThrottling: Throttling;
  webhookThrottling: Throttling;
}

const EMAIL_PATTERN = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';

function stackParameters(stack: Stack): StackParameters {
  const limit = (id: string, description: string, defaultValue: number) =>
    new CfnParameter(stack, id, { type: 'Number', description, default: defaultValue, minValue: 1 }).valueAsNumber;
  const parameter = (id: string, description: string, allowedPattern: string, constraintDescription: string) =>
    new CfnParameter(stack, id, { type: 'String', description, allowedPattern, constraintDescription }).valueAsString;
  return {
    reconcileSchedule: new CfnParameter(stack, 'ReconcileSchedule', {
      type: 'String',
      description:
        'When the reconcile runs, in EventBridge Scheduler syntax (UTC), e.g. cron(0 3 * * ? *) or rate(12 hours).',
      default: DEFAULT_RECONCILE_SCHEDULE,
      allowedPattern: '^(cron|rate)\\(.+\\)$',
      constraintDescription: 'cron(...) or rate(...).',
    }).valueAsString,
    alarmEmail: parameter(
      'AlarmEmail',
      'Email address subscribed to the alarm topic (confirm the subscription email).',
      EMAIL_PATTERN,
      'An email address.',
    ),
    jiraBaseUrl: parameter(
      'JiraBaseUrl',
      'The Jira site to sync from: https://example.atlassian.net for a classic API token, ' +
        'https://api.atlassian.com/ex/jira/<cloudId> for a scoped token or a service account.',
      '^https://[^/\\s]+(/[^\\s]*)?$',
      'An https:// address, with or without a path.',
    ),
    jiraUserEmail: parameter(
      'JiraUserEmail',
      "The Jira service account's email (its API token goes into the JiraApiToken secret). " +
        'Empty on Data Center: the secret then holds a personal access token, sent as Bearer.',
      `^$|${EMAIL_PATTERN}`,
      'An email address, or nothing (Data Center).',
    ),
    jiraDeployment: new CfnParameter(stack, 'JiraDeployment', {
      type: 'String',
      description:
        'auto (each function asks GET /rest/api/2/serverInfo once per container), cloud (Jira Cloud, REST API v3) ' +
        'or datacenter (Jira Data Center, REST API v2, user keys).',
      default: 'auto',
      allowedValues: ['auto', 'cloud', 'datacenter'],
    }).valueAsString,
    apiThrottling: {
      rateLimit: limit(
        'ApiRateLimit',
        'Requests a second the whole API takes steadily (stage throttling); above it, 429.',
        API_THROTTLING.rateLimit,
      ),
      burstLimit: limit(
        'ApiBurstLimit',
        'Requests the whole API takes at once (stage throttling).',
        API_THROTTLING.burstLimit,
      ),
    },
    webhookThrottling: {
      rateLimit: limit(
        'WebhookRateLimit',
        'Deliveries a second POST /webhooks/jira takes steadily; Jira retries a 429.',
        WEBHOOK_THROTTLING.rateLimit,
      ),
      burstLimit: limit(
        'WebhookBurstLimit',
        'Deliveries POST /webhooks/jira takes at once.',
        WEBHOOK_THROTTLING.burstLimit,
      ),
    },
  };
}
