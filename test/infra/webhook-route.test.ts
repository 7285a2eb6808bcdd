import { Ajv } from 'ajv';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { z } from 'zod';
import { WEBHOOK_REQUEST_SCHEMA, webhookEnvelopeSchema } from '../../lambdas/webhook/webhook-request-schema.js';
import { WebhookQueueRoute } from '../../lib/stateless/webhook-queue-route.js';
import { webhookIngestRoute } from '../../local/webhook-ingest.js';
import { renderRequestTemplate } from '../helpers/api-gateway-vtl.js';
import { actionsOfRole, testApp } from './synthesized-stack.js';

// The route alone, on a bare stack: an API with nothing else on it, and a queue.
const stack = new Stack(testApp(), 'WebhookRoute');
const api = new apigw.RestApi(stack, 'Api', { deploy: false });
const queue = new sqs.Queue(stack, 'Queue');
const route = new WebhookQueueRoute(stack, 'Webhook', { api, queue });
const template = Template.fromStack(stack);
const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const queueId = logicalId(queue);
const roleId = logicalId(route.role);

/** The request model's schema as synthesized. */
const webhookModelSchema = (): Record<string, unknown> => {
  const [model, ...others] = Object.values(template.findResources('AWS::ApiGateway::Model'));
  if (!model || others.length > 0) throw new Error('Expected exactly one request model');
  return (model.Properties as { Schema: Record<string, unknown> }).Schema;
};

const webhookMethod = () => {
  const methods = template.findResources('AWS::ApiGateway::Method', { Properties: { Integration: { Type: 'AWS' } } });
  const [method, ...others] = Object.values(methods);
  if (!method || others.length > 0) throw new Error('Expected exactly one AWS (non-Lambda) integration');
  return method.Properties as {
    Integration: {
      RequestTemplates: Record<string, string>;
      IntegrationResponses: { StatusCode: string; ResponseTemplates: Record<string, string> }[];
    };
  };
};

describe('POST /webhooks/jira, straight into SQS', () => {
  it('is a POST on /webhooks/jira with a direct SQS SendMessage integration through its own role', () => {
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'jira' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'NONE',
      Integration: {
        Type: 'AWS',
        IntegrationHttpMethod: 'POST',
        PassthroughBehavior: 'NEVER',
        Credentials: { 'Fn::GetAtt': [roleId, 'Arn'] },
        Uri: {
          'Fn::Join': [
            '',
            Match.arrayWith([':sqs:path/', { Ref: 'AWS::AccountId' }, '/', { 'Fn::GetAtt': [queueId, 'QueueName'] }]),
          ],
        },
        RequestParameters: { 'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'" },
      },
    });
    expect(route.method.httpMethod).toBe('POST');
  });

  it('maps the body to a form-encoded SendMessage whose message body is the raw body, URL-encoded', () => {
    const requestTemplate = webhookMethod().Integration.RequestTemplates['application/json'];
    expect(requestTemplate).toMatch(/^Action=SendMessage&MessageBody=\$util\.urlEncode\(\$input\.body\)/);
  });

  describe('sends the raw body URL-encoded, and each Jira header, in either spelling, as an attribute', () => {
    const body = JSON.stringify({
      timestamp: 1,
      webhookEvent: 'user_updated',
      user: { accountId: 'a:1', displayName: 'Zoë & Co +1 100%' },
    });
    const signature = `sha256=${'ab'.repeat(32)}`;
    const sendMessage = (headers: Record<string, string>) =>
      new URLSearchParams(
        renderRequestTemplate({
          template: webhookMethod().Integration.RequestTemplates['application/json'] ?? '',
          body,
          headers,
        }),
      );
    const attributes = (form: URLSearchParams) =>
      Object.fromEntries(
        [1, 2, 3].flatMap((n) => {
          const name = form.get(`MessageAttribute.${n}.Name`);
          return name
            ? [
                [
                  name,
                  {
                    type: form.get(`MessageAttribute.${n}.Value.DataType`),
                    value: form.get(`MessageAttribute.${n}.Value.StringValue`),
                  },
                ],
              ]
            : [];
        }),
      );

    it.each([
      ['as Jira spells them', { 'X-Hub-Signature': signature, 'X-Atlassian-Webhook-Identifier': 'delivery-1' }],
      [
        'in lower case (HTTP/2, proxies)',
        { 'x-hub-signature': signature, 'x-atlassian-webhook-identifier': 'delivery-1' },
      ],
      ['one of each', { 'x-hub-signature': signature, 'X-Atlassian-Webhook-Identifier': 'delivery-1' }],
    ])('headers %s', (_case, headers) => {
      // Act
      const form = sendMessage(headers);

      // Assess
      expect(form.get('Action')).toBe('SendMessage');
      expect(form.get('MessageBody')).toBe(body);
      expect(attributes(form)).toEqual({
        signature: { type: 'String', value: signature },
        deliveryId: { type: 'String', value: 'delivery-1' },
      });
    });

    it('adds no attribute for a header that is missing, and keeps the numbering contiguous', () => {
      // Act
      const unsigned = sendMessage({ 'x-atlassian-webhook-identifier': 'delivery-2' });
      const bare = sendMessage({ 'X-Hub-Signature-256': signature });

      // Assess
      expect(attributes(unsigned)).toEqual({ deliveryId: { type: 'String', value: 'delivery-2' } });
      expect(unsigned.has('MessageAttribute.2.Name')).toBe(false);
      expect(attributes(bare)).toEqual({});
      expect(bare.get('MessageBody')).toBe(body);
    });
  });

  it('answers 202 once queued, 413 when SQS refuses the size, 500 (retried by Jira) otherwise', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      Integration: {
        IntegrationResponses: [
          Match.objectLike({ StatusCode: '202', SelectionPattern: '2\\d{2}' }),
          Match.objectLike({ StatusCode: '413', SelectionPattern: '400' }),
          Match.objectLike({ StatusCode: '500', SelectionPattern: '40[1-9]|4[1-9]\\d|5\\d{2}' }),
        ],
      },
      MethodResponses: [
        Match.objectLike({ StatusCode: '202' }),
        Match.objectLike({ StatusCode: '413' }),
        Match.objectLike({ StatusCode: '500' }),
      ],
    });
    const bodies = Object.fromEntries(
      webhookMethod().Integration.IntegrationResponses.map(({ StatusCode, ResponseTemplates }) => [
        StatusCode,
        ResponseTemplates['application/json'] ?? '',
      ]),
    );
    expect(bodies['202']).toContain("$input.path('$.SendMessageResponse.SendMessageResult.MessageId')");
    expect(JSON.parse(bodies['413'] ?? '')).toEqual({
      error: { code: 'PAYLOAD_TOO_LARGE', message: 'A webhook delivery may be at most 256 KiB.' },
    });
    expect(JSON.parse(bodies['500'] ?? '')).toEqual({
      error: { code: 'QUEUE_UNAVAILABLE', message: expect.stringContaining('Jira will retry') },
    });
  });

  it('validates the body with a request model that is the schema generated from the consumer`s zod envelope', () => {
    template.resourceCountIs('AWS::ApiGateway::Model', 1);
    template.hasResourceProperties('AWS::ApiGateway::Model', { ContentType: 'application/json' });
    expect(webhookModelSchema()).toEqual(z.toJSONSchema(webhookEnvelopeSchema, { target: 'draft-4' }));
    template.resourceCountIs('AWS::ApiGateway::RequestValidator', 1);
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    const [validatorId] = Object.keys(template.findResources('AWS::ApiGateway::RequestValidator'));
    const [modelId] = Object.keys(template.findResources('AWS::ApiGateway::Model'));
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      RequestValidatorId: { Ref: validatorId },
      RequestModels: { 'application/json': { Ref: modelId } },
      RequestParameters: {
        'method.request.header.X-Hub-Signature': false,
        'method.request.header.X-Atlassian-Webhook-Identifier': false,
      },
    });
  });

  describe('the local gateway validates with the very model API Gateway gets', () => {
    const queued: string[] = [];
    const ingest = webhookIngestRoute(async (body) => {
      queued.push(body);
      return { messageId: `m-${queued.length}` };
    });
    // The synthesized model, as API Gateway's validator would apply it (draft-04; Ajv reads it as
    // draft-07, which agrees here).
    const { $schema: _dialect, ...model } = webhookModelSchema();
    const gatewayAccepts = new Ajv({ strict: false }).compile(model);

    it('is the same object', () => {
      expect(ingest.requestSchema).toEqual(webhookModelSchema());
      expect(ingest.requestSchema).toBe(WEBHOOK_REQUEST_SCHEMA);
    });

    it.each([
      [
        'a user event',
        {
          timestamp: 1,
          webhookEvent: 'user_created',
          user: { accountId: 'a:1', emailAddress: null, displayName: null },
        },
        202,
      ],
      ['another event', { timestamp: 1, webhookEvent: 'jira:issue_created', issue: { key: 'CRM-1' } }, 202],
      [
        'a Data Center-style user',
        { timestamp: 1.5, webhookEvent: 'user_updated', user: { name: 'ada', key: 'JIRAUSER1' } },
        202,
      ],
      ['an empty event name', { timestamp: 0, webhookEvent: '' }, 202],
      ['no webhookEvent', { timestamp: 1 }, 400],
      ['a numeric webhookEvent', { timestamp: 1, webhookEvent: 7 }, 400],
      ['a string timestamp', { timestamp: '1', webhookEvent: 'user_created' }, 400],
      ['a null timestamp', { timestamp: null, webhookEvent: 'user_created' }, 400],
      ['an array', [{ timestamp: 1, webhookEvent: 'user_created' }], 400],
      ['a string', 'user_created', 400],
      ['null', null, 400],
    ])('%s: the same verdict locally and on AWS', async (_case, payload, status) => {
      // Act
      const local = await ingest({ body: Buffer.from(JSON.stringify(payload)), headers: {} });

      // Assess
      expect(local.statusCode).toBe(status);
      expect(gatewayAccepts(payload)).toBe(status === 202);
      if (status === 400)
        expect(local.body).toEqual({
          error: { code: 'BAD_REQUEST', message: expect.stringMatching(/webhookEvent.*timestamp/) },
        });
    });
  });

  it('uses a role API Gateway assumes that may only sqs:SendMessage on the webhook queue', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Principal: { Service: 'apigateway.amazonaws.com' } })],
      },
    });
    expect(actionsOfRole(template, roleId)).toEqual(['sqs:SendMessage']);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }],
      },
    });
  });
});
