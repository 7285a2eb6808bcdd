import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { BadRequestError } from '../../domain/errors.js';
import { cursorSigningKey } from '../../shared/config.js';

/**
 * Every key attribute of the table and its indexes is a non-empty string of at most 1,024 bytes
 * (DynamoDB's sort key limit); anything else would make DynamoDB refuse the query (a 500).
 */
const keyValue = z
  .string()
  .min(1)
  .max(1024)
  .refine((value) => Buffer.byteLength(value) <= 1024);
const keySchema = z.record(z.string().max(1024), keyValue);

/** DynamoDB's own LastEvaluatedKey, handed to clients as opaque base64url. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/**
 * Reads a cursor back, and accepts only a key of the index it was made for: anything else is a
 * client's mistake (400), never a DynamoDB error (500). `expectedValues` names attributes the
 * query fixes (its partition key): a start key outside the query is refused by DynamoDB.
 */
export function decodeCursor(
  cursor: string | undefined,
  expectedAttributes: readonly string[],
  expectedPrefix?: { attribute: string; values: readonly string[] },
  expectedValues: Readonly<Record<string, string>> = {},
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  const invalid = invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const result = keySchema.safeParse(parsed);
  if (!result.success) throw invalid;
  const key = result.data;
  const names = Object.keys(key).sort();
  if (names.join() !== [...expectedAttributes].sort().join()) throw invalid;
  if (expectedPrefix) {
    const value = String(key[expectedPrefix.attribute]);
    if (!expectedPrefix.values.some((prefix) => value.startsWith(prefix))) throw invalid;
  }
  if (Object.entries(expectedValues).some(([attribute, value]) => key[attribute] !== value)) throw invalid;
  return key;
}

function invalidCursor(): BadRequestError {
  return new BadRequestError('The cursor is not valid. Use the nextCursor of a previous page, unchanged.');
}

/** 128 bits of HMAC-SHA256: a forged or altered cursor is refused before DynamoDB sees its key. */
function signature(payload: string, key: string): Buffer {
  return createHmac('sha256', key).update(payload).digest().subarray(0, 16);
}

/**
 * A cursor handed to API clients: the key as {@link encodeCursor} writes it, a dot, and an HMAC of
 * it with the service's cursor key (Secrets Manager on AWS, the data folder locally).
 */
export async function encodePageCursor(key: Record<string, unknown> | undefined): Promise<string | null> {
  const payload = encodeCursor(key);
  if (payload === null) return null;
  return `${payload}.${signature(payload, await cursorSigningKey()).toString('base64url')}`;
}

/** Reads a client's cursor back: 400 unless its HMAC matches, then the checks of {@link decodeCursor}. */
export async function decodePageCursor(
  cursor: string | undefined,
  ...expected: Parameters<typeof decodeCursor> extends [unknown, ...infer Rest] ? Rest : never
): Promise<Record<string, string> | undefined> {
  if (cursor === undefined) return undefined;
  const [payload, mac, ...extra] = cursor.split('.');
  if (!payload || !mac || extra.length > 0) throw invalidCursor();
  const expectedMac = signature(payload, await cursorSigningKey());
  const givenMac = Buffer.from(mac, 'base64url');
  if (
    givenMac.length !== expectedMac.length ||
    !timingSafeEqual(givenMac, expectedMac) ||
    givenMac.toString('base64url') !== mac
  ) {
    throw invalidCursor();
  }
  return decodeCursor(payload, ...expected);
}
