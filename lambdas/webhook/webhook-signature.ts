import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a delivery's signature does not prove it came from Jira. */
export type SignatureProblem = 'missing' | 'malformed' | 'mismatch';

/** Exactly what Jira sends: `sha256=` and 64 hex digits (either case), nothing before or after. */
const SIGNATURE_FORMAT = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Jira signs deliveries with `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.
 * The format is checked strictly first (`Buffer.from(hex)` would silently stop at the first
 * non-hex digit and accept a genuine prefix with anything after it); the digests are then
 * compared in constant time so the signature cannot be guessed byte by byte.
 * @returns undefined when the signature is Jira's, else what is wrong with it.
 */
export function signatureProblem(options: {
  rawBody: string;
  signature: string | undefined;
  secret: string;
}): SignatureProblem | undefined {
  const { rawBody, signature, secret } = options;
  if (!signature) return 'missing';
  const hex = SIGNATURE_FORMAT.exec(signature)?.[1];
  if (!hex) return 'malformed';
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', secret).update(rawBody, 'utf8').digest();
  return timingSafeEqual(given, expected) ? undefined : 'mismatch';
}
