import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeApi } from '../nag-acknowledgements.js';
import { API_ROUTES, type ApiHandlerName, WEBHOOK_RESOURCE } from '../../lambdas/api-routes.js';
import { type ErrorCode, errorBodyJson } from '../../lambdas/http/error-body.js';
import { SERVICE_NAME } from '../../lambdas/shared/service-identity.js';
import type { ServiceFunction } from './service-function.js';
import { WebhookQueueRoute } from './webhook-queue-route.js';

/**
 * Steady rate and burst for the whole stage: far above a CRM's and Jira's webhook traffic, far
 * below Lambda's and DynamoDB's limits.
 */
export const API_THROTTLING = { rateLimit: 50, burstLimit: 100 } as const;
/**
 * Tighter for the webhook, which anyone can reach: Jira's user events are few, and a throttled
 * delivery (429) is one Jira retries.
 */
export const WEBHOOK_THROTTLING = { rateLimit: 10, burstLimit: 20 } as const;

/** Requests a second (steady) and at once (burst); API Gateway answers 429 above them. */
export interface Throttling {
  /** Requests a second, steadily. */
  readonly rateLimit: number;
  /** Requests at once. */
  readonly burstLimit: number;
}
export const STAGE_NAME = 'v1';

export interface ContactSyncApiProps {
  /** The function behind each handler of the route table (`API_ROUTES`). */
  readonly handlers: Readonly<Record<ApiHandlerName, ServiceFunction>>;
  /** Where `POST /webhooks/jira` puts each delivery. */
  readonly webhookQueue: sqs.IQueue;
  /**
   * The whole stage's throttling.
   * @default API_THROTTLING
   */
  readonly throttling?: Throttling;
  /**
   * `POST /webhooks/jira`'s own, tighter throttling.
   * @default WEBHOOK_THROTTLING
   */
  readonly webhookThrottling?: Throttling;
}

/**
 * The REST API: the route table (`API_ROUTES`) on Lambda proxy integrations, the webhook straight
 * into SQS, one stage with access logs, X-Ray and throttling, and the gateway's own errors in the
 * contract's `{"error": {code, message}}` shape.
 */
export class ContactSyncApi extends Construct {
  readonly api: apigw.RestApi;
  readonly accessLogs: logs.LogGroup;
  readonly webhookRoute: WebhookQueueRoute;

  constructor(scope: Construct, id: string, props: ContactSyncApiProps) {
    super(scope, id);
    const throttling = props.throttling ?? API_THROTTLING;
    const webhookThrottling = props.webhookThrottling ?? WEBHOOK_THROTTLING;
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: SERVICE_NAME,
      description: 'Contact Sync: CRM contacts kept in step with Jira users and JSM customers.',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: accessLogFormat(),
        tracingEnabled: true,
        throttlingRateLimit: throttling.rateLimit,
        throttlingBurstLimit: throttling.burstLimit,
        methodOptions: {
          [`${WEBHOOK_RESOURCE}/POST`]: {
            throttlingRateLimit: webhookThrottling.rateLimit,
            throttlingBurstLimit: webhookThrottling.burstLimit,
          },
        },
      },
    });
    addContractGatewayResponses(this.api);

    const integrations = new Map<ApiHandlerName, apigw.LambdaIntegration>();
    const integrationFor = (name: ApiHandlerName) => {
      let integration = integrations.get(name);
      if (!integration) {
        // One permission per method for the deployed stage only (no test-invoke duplicates).
        integration = new apigw.LambdaIntegration(props.handlers[name].function, { allowTestInvoke: false });
        integrations.set(name, integration);
      }
      return integration;
    };
    for (const route of API_ROUTES) {
      this.api.root.resourceForPath(route.resource).addMethod(route.method, integrationFor(route.handler), {
        // The handlers check the caller's Authorization header with Jira itself (a Jira login is the CRM login).
        authorizationType: apigw.AuthorizationType.NONE,
      });
    }
    this.webhookRoute = new WebhookQueueRoute(this, 'Webhook', { api: this.api, queue: props.webhookQueue });
    acknowledgeApi(this.api);
  }
}

/** JSON access log lines, including why an integration or validation failed. */
function accessLogFormat(): apigw.AccessLogFormat {
  const F = apigw.AccessLogField;
  return apigw.AccessLogFormat.custom(
    JSON.stringify({
      requestId: F.contextRequestId(),
      requestTime: F.contextRequestTime(),
      ip: F.contextIdentitySourceIp(),
      method: F.contextHttpMethod(),
      resource: F.contextResourcePath(),
      status: F.contextStatus(),
      responseLength: F.contextResponseLength(),
      latencyMs: F.contextResponseLatency(),
      integrationStatus: F.contextIntegrationStatus(),
      integrationLatencyMs: F.contextIntegrationLatency(),
      integrationError: F.contextIntegrationErrorMessage(),
      error: F.contextErrorMessage(),
      validationError: F.contextErrorValidationErrorString(),
      xrayTraceId: F.contextXrayTraceId(),
    }),
  );
}

/** API Gateway's own answers (validation, size, throttling) in the contract's error shape. */
function addContractGatewayResponses(api: apigw.RestApi): void {
  const responses: { type: apigw.ResponseType; statusCode: string; code: ErrorCode; message: string }[] = [
    {
      type: apigw.ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      code: 'BAD_REQUEST',
      message: 'The delivery is not a Jira webhook: it must be JSON with a numeric timestamp and a webhookEvent.',
    },
    {
      type: apigw.ResponseType.REQUEST_TOO_LARGE,
      statusCode: '413',
      code: 'PAYLOAD_TOO_LARGE',
      message: 'A webhook delivery may be at most 256 KiB.',
    },
    {
      type: apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE,
      statusCode: '415',
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Send the request body as application/json.',
    },
    {
      type: apigw.ResponseType.THROTTLED,
      statusCode: '429',
      code: 'TOO_MANY_REQUESTS',
      message: 'Too many requests: retry later.',
    },
  ];
  for (const { type, statusCode, code, message } of responses) {
    api.addGatewayResponse(`${code}Response`, {
      type,
      statusCode,
      templates: { 'application/json': errorBodyJson(code, message) },
    });
  }
}
