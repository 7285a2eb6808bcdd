import { Match } from 'aws-cdk-lib/assertions';
import { API_THROTTLING, WEBHOOK_THROTTLING } from '../../lib/stateless/contact-sync-api.js';
import { sharedContactSyncStack } from './synthesized-stack.js';

const { template } = sharedContactSyncStack();

describe('API throttling', () => {
  it.each([
    ['ApiRateLimit', API_THROTTLING.rateLimit],
    ['ApiBurstLimit', API_THROTTLING.burstLimit],
    ['WebhookRateLimit', WEBHOOK_THROTTLING.rateLimit],
    ['WebhookBurstLimit', WEBHOOK_THROTTLING.burstLimit],
  ])('takes %s as a numeric stack parameter, default %d', (name, defaultValue) => {
    // Assess
    template.hasParameter(name, { Type: 'Number', Default: defaultValue, MinValue: 1 });
  });

  it('throttles the whole stage, and POST /webhooks/jira more tightly, from those parameters', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: { Ref: 'ApiRateLimit' },
          ThrottlingBurstLimit: { Ref: 'ApiBurstLimit' },
        }),
        Match.objectLike({
          HttpMethod: 'POST',
          ResourcePath: '/~1webhooks~1jira',
          ThrottlingRateLimit: { Ref: 'WebhookRateLimit' },
          ThrottlingBurstLimit: { Ref: 'WebhookBurstLimit' },
        }),
      ]),
    });
  });
});
