import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Jira signs deliveries with `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.
 * Compared in constant time so the signature cannot be guessed byte by byte.
 */
export function hasValidSignature(rawBody: string, signature: string | undefined, secret: string): boolean {
  if (!signature?.startsWith('sha256=')) return false;
  const given = Buffer.from(signature.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', secret).update(rawBody, 'utf8').digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
