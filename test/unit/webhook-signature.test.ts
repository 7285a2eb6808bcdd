import { createHmac } from 'node:crypto';
import { signWebhookBody } from '../../local/jira-simulator/index.js';
import { hasValidSignature } from '../../lambdas/webhook/webhook-signature.js';

const SECRET = 'it-is-a-secret';
const BODY = JSON.stringify({ timestamp: 1_700_000_000_000, webhookEvent: 'user_created', user: { accountId: '712020:abc', displayName: 'Zoë Ünïcode' } });
const hex = (body: string, secret: string) => createHmac('sha256', secret).update(body, 'utf8').digest('hex');

describe('hasValidSignature', () => {
  it('accepts the HMAC-SHA256 of the exact raw body, as Jira sends it', () => {
    // Prepare
    const signature = `sha256=${hex(BODY, SECRET)}`;

    // Act
    const valid = hasValidSignature(BODY, signature, SECRET);

    // Assess
    expect(valid).toBe(true);
  });

  it('agrees with the Jira simulator, whichever case the hex digits are in', () => {
    // Prepare
    const signature = signWebhookBody(BODY, SECRET);

    // Act
    const lower = hasValidSignature(BODY, signature, SECRET);
    const upper = hasValidSignature(BODY, `sha256=${signature.slice('sha256='.length).toUpperCase()}`, SECRET);

    // Assess
    expect([lower, upper]).toEqual([true, true]);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['made with another secret', `sha256=${hex(BODY, 'another-secret')}`],
    ['without the sha256= prefix', hex(BODY, SECRET)],
    ['with another algorithm', `sha1=${createHmac('sha1', SECRET).update(BODY).digest('hex')}`],
    ['truncated', `sha256=${hex(BODY, SECRET).slice(0, 62)}`],
    ['longer than a digest', `sha256=${hex(BODY, SECRET)}00`],
    ['not hex', `sha256=${'z'.repeat(64)}`],
    ['just the prefix', 'sha256='],
  ])('refuses a signature that is %s', (_case, signature) => {
    // Act
    const valid = hasValidSignature(BODY, signature, SECRET);

    // Assess
    expect(valid).toBe(false);
  });

  it('refuses a genuine signature on a changed body, even one that parses to the same JSON', () => {
    // Prepare
    const signature = `sha256=${hex(BODY, SECRET)}`;
    const reformatted = JSON.stringify(JSON.parse(BODY), null, 2);

    // Act
    const tampered = hasValidSignature(BODY.replace('Zoë', 'Eve'), signature, SECRET);
    const reformattedValid = hasValidSignature(reformatted, signature, SECRET);

    // Assess
    expect([tampered, reformattedValid]).toEqual([false, false]);
  });
});
