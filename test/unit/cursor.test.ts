import { decodeCursor, encodeCursor } from '../../lambdas/adapters/dynamodb/cursor.js';
import { BadRequestError } from '../../lambdas/domain/errors.js';

const ATTRIBUTES = ['pk', 'sk', 'kindKey', 'kindSort'];
const PREFIX = { attribute: 'pk', values: ['CONTACT#'] };
const KEY = { pk: 'CONTACT#1', sk: 'CONTACT', kindKey: 'CONTACT', kindSort: '2026-01-01T00:00:00.000Z#1' };

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('encodeCursor', () => {
  it('is null on the last page', () => {
    // Act / Assess
    expect(encodeCursor(undefined)).toBeNull();
  });

  it('is URL-safe text', () => {
    // Act
    const cursor = encodeCursor(KEY);
    // Assess
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('decodeCursor', () => {
  it('reads back the key it was made from', () => {
    // Prepare
    const cursor = encodeCursor(KEY) ?? '';
    // Act
    const key = decodeCursor(cursor, ATTRIBUTES, PREFIX, { kindKey: 'CONTACT' });
    // Assess
    expect(key).toEqual(KEY);
  });

  it('means the first page when there is no cursor', () => {
    // Act / Assess
    expect(decodeCursor(undefined, ATTRIBUTES, PREFIX)).toBeUndefined();
  });

  it.each([
    ['not base64 JSON', 'this is not a cursor'],
    ['base64 of non-JSON', Buffer.from('{pk:').toString('base64url')],
    ['a JSON array', encode(['CONTACT#1'])],
    ['a JSON string', encode('CONTACT#1')],
    ['null', encode(null)],
    ['a key with an attribute missing', encode({ pk: 'CONTACT#1', sk: 'CONTACT', kindKey: 'CONTACT' })],
    ['a key with an extra attribute', encode({ ...KEY, jiraAccountId: 'x' })],
    ['a key of another index', encode({ pk: 'CONTACT#1', sk: 'CONTACT', emailKey: 'a@b.c', createdKey: 'x' })],
    ['a key of another kind of item', encode({ ...KEY, pk: 'COMPANY#1' })],
    ['a key holding an object', encode({ ...KEY, kindSort: { S: 'x' } })],
    ['a key holding a boolean', encode({ ...KEY, kindSort: true })],
    ['an oversized value', encode({ ...KEY, kindSort: 'x'.repeat(5000) })],
    ['a value over 1,024 bytes in fewer characters', encode({ ...KEY, kindSort: 'é'.repeat(600) })],
    ['an empty value', encode({ ...KEY, kindSort: '' })],
    ['a number where keys are strings', encode({ ...KEY, kindSort: 12 })],
    ['a key of another partition of the index', encode({ ...KEY, kindKey: 'COMPANY' })],
  ])('refuses %s with a 400-class error that says what to do', (_what, cursor) => {
    // Act
    const decode = () => decodeCursor(cursor, ATTRIBUTES, PREFIX, { kindKey: 'CONTACT' });
    // Assess
    expect(decode).toThrow(BadRequestError);
    expect(decode).toThrow(/nextCursor of a previous page/);
  });

  it('accepts any prefix when none is expected', () => {
    // Prepare
    const cursor = encodeCursor({ ...KEY, pk: 'ANY#1' }) ?? '';
    // Act
    const key = decodeCursor(cursor, ATTRIBUTES);
    // Assess
    expect(key?.pk).toBe('ANY#1');
  });
});
