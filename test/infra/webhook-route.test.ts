import { Match } from 'aws-cdk-lib/assertions';
import { WEBHOOK_REQUEST_SCHEMA } from '../../lambdas/webhook/webhook-request-schema.js';
import { sendMessageTemplate } from '../../lib/stateless/webhook-queue-route.js';
import { actionsOfRole, synthesizeContactSyncStack } from './synthesized-stack.js';

const { stack, template, logicalId } = synthesizeContactSyncStack();
const queueId = logicalId(stack.node.findChild('WebhookQueue').node.findChild('Queue'));
const roleId = logicalId(stack.node.findChild('Api').node.findChild('Webhook').node.findChild('SendMessageRole'));

const webhookMethod = () => {
  const methods = template.findResources('AWS::ApiGateway::Method', { Properties: { Integration: { Type: 'AWS' } } });
  const [method, ...others] = Object.values(methods);
  if (!method || others.length > 0) throw new Error('Expected exactly one AWS (non-Lambda) integration');
  return method.Properties as { Integration: { RequestTemplates: Record<string, string> } };
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
          'Fn::Join': ['', Match.arrayWith([':sqs:path/', { Ref: 'AWS::AccountId' }, '/', { 'Fn::GetAtt': [queueId, 'QueueName'] }])],
        },
        RequestParameters: { 'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'" },
      },
    });
  });

  it('sends the raw body URL-encoded, and each Jira header present as a message attribute', () => {
    const requestTemplate = webhookMethod().Integration.RequestTemplates['application/json'];
    expect(requestTemplate).toBe(sendMessageTemplate());
    expect(requestTemplate).toMatch(/^Action=SendMessage&MessageBody=\$util\.urlEncode\(\$input\.body\)/);
    expect(requestTemplate).toContain(
      "#set($value = $input.params('X-Hub-Signature'))#if($value != \"\")#set($n = $n + 1)&MessageAttribute.${n}.Name=signature&MessageAttribute.${n}.Value.DataType=String&MessageAttribute.${n}.Value.StringValue=$util.urlEncode($value)#end",
    );
    expect(requestTemplate).toContain("#set($value = $input.params('X-Atlassian-Webhook-Identifier'))");
    expect(requestTemplate).toContain('.Name=deliveryId&');
    expect(requestTemplate).not.toContain('\n');
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
  });

  it('validates the body against the webhook`s JSON schema, verbatim', () => {
    template.resourceCountIs('AWS::ApiGateway::Model', 1);
    template.hasResourceProperties('AWS::ApiGateway::Model', { ContentType: 'application/json', Schema: WEBHOOK_REQUEST_SCHEMA });
    template.resourceCountIs('AWS::ApiGateway::RequestValidator', 1);
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    const [validatorId] = Object.keys(template.findResources('AWS::ApiGateway::RequestValidator'));
    const [modelId] = Object.keys(template.findResources('AWS::ApiGateway::Model'));
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      RequestValidatorId: { Ref: validatorId },
      RequestModels: { 'application/json': { Ref: modelId } },
      RequestParameters: { 'method.request.header.X-Hub-Signature': false, 'method.request.header.X-Atlassian-Webhook-Identifier': false },
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
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }] },
    });
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
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp(`^\\{"error":\\{"code":"${code}","message":"[^"]+"\\}\\}$`) },
    });
  });
});
