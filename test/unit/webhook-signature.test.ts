import { createHmac } from 'node:crypto';
import { signWebhookBody } from '../../local/jira-simulator/index.js';
import { type SignatureProblem, signatureProblem } from '../../lambdas/webhook/webhook-signature.js';

const SECRET = 'it-is-a-secret';
const BODY = JSON.stringify({
  timestamp: 1_700_000_000_000,
  webhookEvent: 'user_created',
  user: { accountId: '712020:abc', displayName: 'Zoë Ünïcode' },
});
const hex = (body: string, secret: string) => createHmac('sha256', secret).update(body, 'utf8').digest('hex');
const GENUINE_HEX = hex(BODY, SECRET);

describe('signatureProblem', () => {
  describe.each([
    ['as Jira sends it (lower-case hex)', `sha256=${GENUINE_HEX}`],
    ['in upper-case hex', `sha256=${GENUINE_HEX.toUpperCase()}`],
    ['in mixed-case hex', `sha256=${GENUINE_HEX.slice(0, 32).toUpperCase()}${GENUINE_HEX.slice(32)}`],
    ['as the Jira simulator signs', signWebhookBody(BODY, SECRET)],
  ])('a genuine signature %s', (_case, signature) => {
    it('is accepted', () => {
      // Act
      const problem = signatureProblem({ rawBody: BODY, signature, secret: SECRET });

      // Assess
      expect(problem).toBeUndefined();
    });
  });

  describe.each<[string, string | undefined, SignatureProblem]>([
    ['missing', undefined, 'missing'],
    ['empty', '', 'missing'],
    ['made with another secret', `sha256=${hex(BODY, 'another-secret')}`, 'mismatch'],
    ['all zeros', `sha256=${'0'.repeat(64)}`, 'mismatch'],
    ['without the sha256= prefix', GENUINE_HEX, 'malformed'],
    ['with the prefix in upper case', `SHA256=${GENUINE_HEX}`, 'malformed'],
    ['with another algorithm', `sha1=${createHmac('sha1', SECRET).update(BODY).digest('hex')}`, 'malformed'],
    ['truncated', `sha256=${GENUINE_HEX.slice(0, 62)}`, 'malformed'],
    ['genuine, then more hex digits', `sha256=${GENUINE_HEX}00`, 'malformed'],
    [
      'genuine, then non-hex characters (Buffer.from(hex) would drop them)',
      `sha256=${GENUINE_HEX}zz-not-hex`,
      'malformed',
    ],
    ['genuine, then a newline', `sha256=${GENUINE_HEX}\n`, 'malformed'],
    ['genuine, after a space', `sha256= ${GENUINE_HEX}`, 'malformed'],
    ['genuine but for a non-hex last digit', `sha256=${GENUINE_HEX.slice(0, 63)}g`, 'malformed'],
    ['not hex', `sha256=${'z'.repeat(64)}`, 'malformed'],
    ['base64 instead of hex', `sha256=${createHmac('sha256', SECRET).update(BODY).digest('base64')}`, 'malformed'],
    ['just the prefix', 'sha256=', 'malformed'],
  ])('a signature that is %s', (_case, signature, expected) => {
    it(`is refused as ${expected}`, () => {
      // Act
      const problem = signatureProblem({ rawBody: BODY, signature, secret: SECRET });

      // Assess
      expect(problem).toBe(expected);
    });
  });

  it('refuses a genuine signature on a changed body, even one that parses to the same JSON', () => {
    // Prepare
    const signature = `sha256=${GENUINE_HEX}`;
    const reformatted = JSON.stringify(JSON.parse(BODY), null, 2);

    // Act
    const tampered = signatureProblem({ rawBody: BODY.replace('Zoë', 'Eve'), signature, secret: SECRET });
    const reformattedProblem = signatureProblem({ rawBody: reformatted, signature, secret: SECRET });

    // Assess
    expect([tampered, reformattedProblem]).toEqual(['mismatch', 'mismatch']);
  });
});
