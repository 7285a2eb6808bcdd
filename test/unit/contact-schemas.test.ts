import {
  companyChangesSchema,
  contactChangesSchema,
  emailQuerySchema,
  newCompanySchema,
  newContactSchema,
} from '../../lambdas/http/contact-schemas.js';
import { userSyncRequestSchema } from '../../lambdas/http/user-sync-schemas.js';
import { describeIssues } from '../../lambdas/http/request.js';
import type { z } from 'zod';

/** The message a client would read, or undefined when the value is valid. */
function problem(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : describeIssues(result.error);
}

describe('newContactSchema', () => {
  it('accepts a full contact and trims its text', () => {
    // Act
    const parsed = newContactSchema.parse({
      name: '  Ada Lovelace ',
      email: ' ada@example.com ',
      phone: ' +44 20 7946 0000 ',
      companyIds: ['co-1'],
      tags: [' vip '],
    });
    // Assess
    expect(parsed).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+44 20 7946 0000',
      companyIds: ['co-1'],
      tags: ['vip'],
    });
  });

  it('needs only a name, and accepts null email and phone', () => {
    // Act / Assess
    expect(problem(newContactSchema, { name: 'Ada' })).toBeUndefined();
    expect(problem(newContactSchema, { name: 'Ada', email: null, phone: null })).toBeUndefined();
  });

  it.each([
    ['a missing name', {}, /^name: /],
    ['an empty name', { name: '' }, /name: must not be empty/],
    ['a blank name', { name: '   ' }, /name: must not be empty/],
    ['a name of the wrong type', { name: 42 }, /^name: /],
    ['a name over 255 characters', { name: 'x'.repeat(256) }, /name: must be at most 255 characters/],
    ['an invalid email', { name: 'Ada', email: 'not-an-email' }, /email: must be a valid email address/],
    [
      'an email over 254 characters',
      { name: 'Ada', email: `${'a'.repeat(250)}@example.com` },
      /email: must be at most 254/,
    ],
    ['a phone of the wrong type', { name: 'Ada', phone: 123 }, /^phone: /],
    ['a phone over 50 characters', { name: 'Ada', phone: '1'.repeat(51) }, /phone: must be at most 50/],
    ['tags that are not a list', { name: 'Ada', tags: 'vip' }, /^tags: /],
    ['an empty tag', { name: 'Ada', tags: ['vip', ' '] }, /tags\.1: must not be empty/],
    ['the "Jira User" tag', { name: 'Ada', tags: ['Jira User'] }, /tags\.0: "Jira User" is set by user syncing/],
    [
      'more than 50 tags',
      { name: 'Ada', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) },
      /tags: must list at most 50 tags/,
    ],
    [
      'more than 50 companies',
      { name: 'Ada', companyIds: Array.from({ length: 51 }, (_, i) => `c${i}`) },
      /companyIds: must list at most 50/,
    ],
    ['an unknown field', { name: 'Ada', nickname: 'A' }, /nickname/],
    ['a Jira link set by hand', { name: 'Ada', jiraUser: { accountId: 'x', accountType: 'atlassian' } }, /jiraUser/],
    ['an array body', [{ name: 'Ada' }], /object/i],
  ])('refuses %s and names the field', (_what, value, message) => {
    // Act
    const issue = problem(newContactSchema, value);
    // Assess
    expect(issue).toMatch(message);
  });
});

describe('contact values the sync stores', () => {
  it.each([
    ['an internationalized address (RFC 6531)', 'josé@bücher.example'],
    ['a Unicode domain', 'user@bücher.de'],
    ['the same domain in IDNA ASCII form', 'kim@xn--bcher-kva.example'],
    ['a decomposed (NFD) local part', 'jose\u0301@example.com'],
    ['an apostrophe and a plus', "o'brien+crm@example.co.uk"],
    ['a local part in another script', '用户@例子.广告'],
  ])('accepts %s as an email', (_what, email) => {
    // Act / Assess
    expect(problem(newContactSchema, { name: 'Ada', email })).toBeUndefined();
    expect(newContactSchema.parse({ name: 'Ada', email }).email).toBe(email);
  });

  it.each([
    ['a space in the local part', 'jo sé@bücher.example'],
    ['two dots in a row', 'a..b@example.com'],
    ['a domain of one label', 'ada@localhost'],
    ['a domain that cannot be IDNA-encoded', 'ada@bü_cher.example'],
    ['no local part', '@example.com'],
  ])('refuses %s', (_what, email) => {
    // Act / Assess
    expect(problem(newContactSchema, { name: 'Ada', email })).toMatch(/email: must be a valid email address/);
  });

  it("accepts a name as long as Jira's longest display name (255 characters)", () => {
    // Act / Assess
    expect(problem(newContactSchema, { name: 'x'.repeat(255) })).toBeUndefined();
    expect(problem(contactChangesSchema, { name: 'é'.repeat(224) })).toBeUndefined();
  });
});

describe('contactChangesSchema', () => {
  it('accepts one field alone', () => {
    // Act / Assess
    expect(contactChangesSchema.parse({ phone: null })).toEqual({ phone: null });
    expect(contactChangesSchema.parse({ tags: [] })).toEqual({ tags: [] });
  });

  it('refuses an empty change and says what to send', () => {
    // Act / Assess
    expect(problem(contactChangesSchema, {})).toMatch(/at least one field/);
  });

  it('refuses the same bad values as a new contact', () => {
    // Act / Assess
    expect(problem(contactChangesSchema, { name: '' })).toMatch(/name: must not be empty/);
    expect(problem(contactChangesSchema, { email: 'nope' })).toMatch(/email: must be a valid email address/);
    expect(problem(contactChangesSchema, { id: 'other' })).toMatch(/id/);
  });
});

describe('company schemas', () => {
  it('accepts a name with or without a domain', () => {
    // Act / Assess
    expect(newCompanySchema.parse({ name: ' Acme ', domain: 'acme.example' })).toEqual({
      name: 'Acme',
      domain: 'acme.example',
    });
    expect(problem(newCompanySchema, { name: 'Acme' })).toBeUndefined();
    expect(problem(newCompanySchema, { name: 'Acme', domain: null })).toBeUndefined();
  });

  it.each([
    ['an empty name', { name: '' }, /name: must not be empty/],
    ['a domain that is not a domain', { name: 'Acme', domain: 'not a domain' }, /domain: must be a domain name/],
    ['a domain without a dot', { name: 'Acme', domain: 'localhost' }, /domain: must be a domain name/],
    ['an unknown field', { name: 'Acme', website: 'x' }, /website/],
  ])('refuses %s', (_what, value, message) => {
    // Act / Assess
    expect(problem(newCompanySchema, value)).toMatch(message);
  });

  it('needs at least one change', () => {
    // Act / Assess
    expect(problem(companyChangesSchema, {})).toMatch(/at least one field/);
    expect(problem(companyChangesSchema, { domain: null })).toBeUndefined();
  });
});

describe('emailQuerySchema', () => {
  it('refuses an empty search and trims the rest', () => {
    // Act / Assess
    expect(problem(emailQuerySchema, ' ')).toBeDefined();
    expect(emailQuerySchema.parse(' ada@example.com ')).toBe('ada@example.com');
  });
});

describe('userSyncRequestSchema', () => {
  it('takes only a boolean "enabled"', () => {
    // Act / Assess
    expect(userSyncRequestSchema.parse({ enabled: true })).toEqual({ enabled: true });
    expect(problem(userSyncRequestSchema, { enabled: 'yes' })).toMatch(/enabled: must be true or false/);
    expect(problem(userSyncRequestSchema, { enabled: true, force: true })).toMatch(/force/);
  });
});
