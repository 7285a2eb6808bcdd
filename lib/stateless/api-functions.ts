import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { API_HANDLERS, type ApiHandlerName } from '../../lambdas/api-routes.js';
import { ServiceFunction } from './service-function.js';

export interface ApiFunctionsProps {
  /** The contacts table the API reads and writes. */
  readonly table: dynamodb.ITable;
  /**
   * Callers are checked with Jira using their own credentials: the API needs Jira's address, not
   * the service token.
   */
  readonly jiraBaseUrl: string;
  /** `auto` (asked of Jira), `cloud` or `datacenter`: which REST API checks the callers, and what health says. */
  readonly jiraDeployment: string;
  /** The settings route starts it; the route is not one of its tasks, so there is no cycle. */
  readonly syncWorkflow: sfn.IStateMachine;
  /** Signs the paging cursors of the contacts and companies listings. */
  readonly cursorKey: secretsmanager.ISecret;
}

/**
 * One function per API handler of the route table (`API_HANDLERS`), each with only what it uses:
 * health and the OpenAPI document nothing; contacts and companies the table; settings the table and starting the workflow.
 */
export class ApiFunctions extends Construct {
  readonly byHandler: Record<ApiHandlerName, ServiceFunction>;

  constructor(scope: Construct, id: string, props: ApiFunctionsProps) {
    super(scope, id);
    const api = (name: ApiHandlerName, description: string, environment: Record<string, string> = {}) =>
      new ServiceFunction(this, name.charAt(0).toUpperCase() + name.slice(1), {
        entry: API_HANDLERS[name],
        description,
        // API Gateway gives up after 29 s; a caller's Jira check and a few table calls take far less.
        timeout: Duration.seconds(20),
        environment,
      });
    const storeEnvironment = {
      TABLE_NAME: props.table.tableName,
      JIRA_BASE_URL: props.jiraBaseUrl,
      JIRA_DEPLOYMENT: props.jiraDeployment,
    };
    const pagingEnvironment = { CURSOR_KEY_SECRET_ARN: props.cursorKey.secretArn };

    this.byHandler = {
      // Health says when Jira is Data Center, which `auto` asks of Jira itself.
      health: api('health', 'API: GET /health.', {
        JIRA_BASE_URL: props.jiraBaseUrl,
        JIRA_DEPLOYMENT: props.jiraDeployment,
      }),
      openApiDocument: api('openApiDocument', 'API: GET /openapi.json, the API described.'),
      contactsApi: api('contactsApi', 'API: /contacts.', { ...storeEnvironment, ...pagingEnvironment }),
      companiesApi: api('companiesApi', 'API: /companies.', { ...storeEnvironment, ...pagingEnvironment }),
      userSyncSettings: api('userSyncSettings', 'API: /settings/user-sync (Jira administrators).', {
        ...storeEnvironment,
        STATE_MACHINE_ARN: props.syncWorkflow.stateMachineArn,
      }),
    };
    const { contactsApi, companiesApi, userSyncSettings } = this.byHandler;
    for (const handler of [contactsApi, companiesApi, userSyncSettings]) handler.grantTableReadWrite(props.table);
    props.syncWorkflow.grantStartExecution(userSyncSettings.function);
    for (const handler of [contactsApi, companiesApi]) props.cursorKey.grantRead(handler.function);
  }
}
