import { Aws } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WEBHOOK_RESOURCE } from '../../lambdas/api-routes.js';
import { errorBodyJson } from '../../lambdas/http/error-body.js';
import { WEBHOOK_ATTRIBUTES } from '../../lambdas/webhook/webhook-message.js';
import { WEBHOOK_REQUEST_SCHEMA } from '../../lambdas/webhook/webhook-request-schema.js';

/** Jira's headers as Jira spells them, and the message attribute each becomes. */
export const WEBHOOK_HEADER_ATTRIBUTES = [
  { header: 'X-Hub-Signature', attribute: WEBHOOK_ATTRIBUTES.signature },
  { header: 'X-Atlassian-Webhook-Identifier', attribute: WEBHOOK_ATTRIBUTES.deliveryId },
] as const;

/**
 * `$input.params()` matches header names case-sensitively, and a sender (or a proxy on the way, as
 * HTTP/2 does) may lower-case them: each header is read as Jira spells it, else in lower case.
 */
function readHeader(header: string): string {
  const [first, ...others] = [...new Set([header, header.toLowerCase()])];
  return (
    `#set($value = $input.params('${first}'))` +
    others.map((spelling) => `#if($value == "")#set($value = $input.params('${spelling}'))#end`).join('')
  );
}

/**
 * The form-encoded SendMessage call: the raw body as the message body (the signature covers those
 * exact bytes) and each header present as a String attribute. SQS refuses an empty attribute value,
 * so a missing header adds no attribute; `$n` keeps the attribute numbers contiguous. One line, so
 * no stray newline ends up in the last value.
 */
function sendMessageTemplate(): string {
  const attributes = WEBHOOK_HEADER_ATTRIBUTES.map(({ header, attribute }) => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: `${n}` is a VTL variable, read by API Gateway.
    const prefix = '&MessageAttribute.${n}';
    return (
      `${readHeader(header)}#if($value != "")#set($n = $n + 1)` +
      `${prefix}.Name=${attribute}${prefix}.Value.DataType=String` +
      `${prefix}.Value.StringValue=$util.urlEncode($value)#end`
    );
  });
  return ['Action=SendMessage&MessageBody=$util.urlEncode($input.body)#set($n = 0)', ...attributes].join('');
}

/**
 * How SQS's answer becomes the webhook's: 202 once the message is stored; 413 for SQS's 400 (the
 * body already passed the validator and the attributes are fixed, so the one thing left that SQS
 * refuses is a message over the queue's 256 KiB); 500 for anything else, which Jira retries.
 */
export const WEBHOOK_INTEGRATION_RESPONSES: apigw.IntegrationResponse[] = [
  {
    statusCode: '202',
    selectionPattern: '2\\d{2}',
    responseTemplates: {
      'application/json':
        '{"accepted": true, ' + `"messageId": "$input.path('$.SendMessageResponse.SendMessageResult.MessageId')"}`,
    },
  },
  {
    statusCode: '413',
    selectionPattern: '400',
    responseTemplates: {
      'application/json': errorBodyJson('PAYLOAD_TOO_LARGE', 'A webhook delivery may be at most 256 KiB.'),
    },
  },
  {
    statusCode: '500',
    selectionPattern: '40[1-9]|4[1-9]\\d|5\\d{2}',
    responseTemplates: {
      'application/json': errorBodyJson('QUEUE_UNAVAILABLE', 'The delivery could not be queued; Jira will retry it.'),
    },
  },
];

export interface WebhookQueueRouteProps {
  /** The API that gets `POST /webhooks/jira`, its request model and its validator. */
  readonly api: apigw.RestApi;
  /** Where each delivery goes, as one message; API Gateway may only send to it. */
  readonly queue: sqs.IQueue;
}

/**
 * `POST /webhooks/jira` straight into SQS, no Lambda in front: the request model is the webhook's
 * JSON schema (the one the local gateway validates with), and API Gateway assumes a role that may
 * only `sqs:SendMessage` on this queue.
 */
export class WebhookQueueRoute extends Construct {
  readonly role: iam.Role;
  readonly method: apigw.Method;

  constructor(scope: Construct, id: string, props: WebhookQueueRouteProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'SendMessageRole', {
      description: 'API Gateway: puts Jira webhook deliveries on the webhook queue.',
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    });
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queue.queueArn] }));

    const integration = new apigw.AwsIntegration({
      service: 'sqs',
      path: `${Aws.ACCOUNT_ID}/${props.queue.queueName}`,
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: this.role,
        passthroughBehavior: apigw.PassthroughBehavior.NEVER,
        requestParameters: { 'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'" },
        requestTemplates: { 'application/json': sendMessageTemplate() },
        integrationResponses: WEBHOOK_INTEGRATION_RESPONSES,
      },
    });

    const model = props.api.addModel('JiraWebhookDelivery', {
      modelName: 'JiraWebhookDelivery',
      contentType: 'application/json',
      // Replaced below by the schema generated from the consumer's zod envelope, verbatim.
      schema: { schema: apigw.JsonSchemaVersion.DRAFT4, type: apigw.JsonSchemaType.OBJECT },
    });
    (model.node.defaultChild as apigw.CfnModel).schema = WEBHOOK_REQUEST_SCHEMA;
    const validator = props.api.addRequestValidator('WebhookBodyValidator', {
      requestValidatorName: 'webhook-body',
      validateRequestBody: true,
      // The declared headers are optional, so checking parameters rejects nothing Jira sends.
      validateRequestParameters: true,
    });

    const jsonResponse = (statusCode: string): apigw.MethodResponse => ({
      statusCode,
      responseModels: { 'application/json': apigw.Model.EMPTY_MODEL },
    });
    this.method = props.api.root.resourceForPath(WEBHOOK_RESOURCE).addMethod('POST', integration, {
      operationName: 'ReceiveJiraWebhook',
      // Authenticated by the delivery's HMAC signature, which the consumer checks before anything changes.
      authorizationType: apigw.AuthorizationType.NONE,
      requestValidator: validator,
      requestModels: { 'application/json': model },
      requestParameters: Object.fromEntries(
        WEBHOOK_HEADER_ATTRIBUTES.map(({ header }) => [`method.request.header.${header}`, false]),
      ),
      methodResponses: WEBHOOK_INTEGRATION_RESPONSES.map(({ statusCode }) => jsonResponse(statusCode)),
    });
  }
}
