import type { SQSRecord } from 'aws-lambda';
import { signWebhookBody } from '../../local/jira-simulator/index.js';
import { type DeliveryReading, readDelivery } from '../../lambdas/webhook/read-delivery.js';
import { WEBHOOK_ATTRIBUTES } from '../../lambdas/webhook/webhook-message.js';

const SECRET = 'it-is-a-secret';

/** An SQS record as API Gateway's integration (or the local gateway) queues a delivery. */
function queuedDelivery(payload: unknown, options: { signature?: string } = {}): SQSRecord {
  const body = JSON.stringify(payload);
  const signature = 'signature' in options ? options.signature : signWebhookBody(body, SECRET);
  const attribute = (stringValue: string) => ({ stringValue, dataType: 'String' });
  return {
    messageId: 'm-1',
    receiptHandle: 'r-1',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {
      [WEBHOOK_ATTRIBUTES.deliveryId]: attribute('delivery-1'),
      ...(signature ? { [WEBHOOK_ATTRIBUTES.signature]: attribute(signature) } : {}),
    },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:webhooks',
    awsRegion: 'eu-west-1',
  };
}

const read = (payload: unknown, options?: { signature?: string }): DeliveryReading =>
  readDelivery({ record: queuedDelivery(payload, options), secret: SECRET });

describe('readDelivery', () => {
  it('turns a null email and display name into undefined, and keeps what else the user carries', () => {
    // Act
    const reading = read({
      timestamp: 1_700_000_000_000,
      webhookEvent: 'user_updated',
      user: {
        accountId: '712020:a',
        accountType: 'atlassian',
        displayName: null,
        emailAddress: null,
        active: true,
        self: 'https://x',
      },
    });

    // Assess
    expect(reading).toEqual({
      deliveryId: 'delivery-1',
      kind: 'user-event',
      event: expect.objectContaining({
        timestamp: 1_700_000_000_000,
        webhookEvent: 'user_updated',
        user: expect.objectContaining({
          accountId: '712020:a',
          accountType: 'atlassian',
          displayName: undefined,
          emailAddress: undefined,
          active: true,
        }),
      }),
    });
  });

  it('reads a user with nothing but its id (a null type and active, or none at all)', () => {
    // Act
    const nulls = read({
      timestamp: 1,
      webhookEvent: 'user_created',
      user: { accountId: 'x', accountType: null, active: null },
    });
    const bare = read({ timestamp: 1, webhookEvent: 'user_deleted', user: { accountId: 'x' } });

    // Assess
    expect(nulls).toMatchObject({
      kind: 'user-event',
      event: { user: { accountId: 'x', accountType: undefined, active: undefined } },
    });
    expect(bare).toMatchObject({
      kind: 'user-event',
      event: { webhookEvent: 'user_deleted', user: { accountId: 'x' } },
    });
  });

  it.each([
    ['another event', { timestamp: 1, webhookEvent: 'jira:issue_created', issue: { key: 'CRM-1' } }, 'unhandled-event'],
    [
      'an event Jira may add one day',
      { timestamp: 1, webhookEvent: 'user_merged', user: { accountId: 'x' } },
      'unhandled-event',
    ],
    [
      'a Data Center-style user (name and key)',
      { timestamp: 1, webhookEvent: 'user_created', user: { name: 'ada', key: 'JIRAUSER10100' } },
      'no-account-id',
    ],
    ['a user event without a user', { timestamp: 1, webhookEvent: 'user_updated' }, 'no-account-id'],
    ['a null accountId', { timestamp: 1, webhookEvent: 'user_updated', user: { accountId: null } }, 'no-account-id'],
    ['an empty accountId', { timestamp: 1, webhookEvent: 'user_updated', user: { accountId: '' } }, 'no-account-id'],
    [
      "a corrupted record's accountId",
      { timestamp: 1, webhookEvent: 'user_updated', user: { accountId: 'unknown' } },
      'no-account-id',
    ],
  ])('ignores %s', (_case, payload, reason) => {
    // Act
    const reading = read(payload);

    // Assess
    expect(reading).toEqual({ deliveryId: 'delivery-1', kind: 'ignored', webhookEvent: payload.webhookEvent, reason });
  });

  it.each([
    ['a negative timestamp', { timestamp: -5, webhookEvent: 'user_created', user: { accountId: 'x' } }],
    [
      'an active that is not a boolean',
      { timestamp: 1, webhookEvent: 'user_created', user: { accountId: 'x', active: 'yes' } },
    ],
    ['a numeric email', { timestamp: 1, webhookEvent: 'user_created', user: { accountId: 'x', emailAddress: 42 } }],
    ['no envelope', { hello: 'world' }],
  ])('finds a signed delivery with %s malformed', (_case, payload) => {
    // Act
    const reading = read(payload);

    // Assess
    expect(reading).toMatchObject({ kind: 'malformed', reason: expect.any(String) });
  });

  it.each([
    ['missing', undefined, 'missing'],
    ['followed by non-hex characters', 'GENUINE zz-not-hex', 'malformed'],
    ['made with another secret', 'OTHER', 'mismatch'],
  ])('reads nothing from a delivery whose signature is %s', (_case, given, problem) => {
    // Prepare
    const payload = {
      timestamp: 1,
      webhookEvent: 'user_created',
      user: { accountId: 'x', emailAddress: 'x@example.com' },
    };
    const body = JSON.stringify(payload);
    const signature = given
      ?.replace('GENUINE ', signWebhookBody(body, SECRET))
      .replace('OTHER', signWebhookBody(body, 'another-secret'));

    // Act
    const reading = read(payload, { signature });

    // Assess
    expect(reading).toEqual({ deliveryId: 'delivery-1', kind: 'forged', problem });
  });
});
