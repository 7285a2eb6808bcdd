import { z } from 'zod';
import { BadRequestError } from '../../domain/errors.js';

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
  expectedPrefix?: { attribute: string; value: string },
  expectedValues: Readonly<Record<string, string>> = {},
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  const invalid = new BadRequestError('The cursor is not valid. Use the nextCursor of a previous page, unchanged.');
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
  if (expectedPrefix && !String(key[expectedPrefix.attribute]).startsWith(expectedPrefix.value)) throw invalid;
  if (Object.entries(expectedValues).some(([attribute, value]) => key[attribute] !== value)) throw invalid;
  return key;
}
