import {
  type Contact,
  JIRA_USER_TAG,
  isSynced,
  jiraOwnedFieldsChanged,
  visibleTags,
} from '../../lambdas/domain/contact.js';
import { isValidEmail, normalizeEmail } from '../../lambdas/domain/email.js';

function contact(overrides: Partial<Contact> = {}): Contact {
  return {
    id: 'c-1',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: null,
    companyIds: [],
    tags: [],
    jiraUser: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const synced = (overrides: Partial<Contact> = {}): Contact =>
  contact({ jiraUser: { accountId: '712020:abc', accountType: 'atlassian' }, ...overrides });

describe('visibleTags', () => {
  it('puts "Jira User" first while the contact is synced', () => {
    // Act
    const tags = visibleTags(['vip', 'emea'], true);
    // Assess
    expect(tags).toEqual([JIRA_USER_TAG, 'vip', 'emea']);
  });

  it('shows only the own tags of a regular contact', () => {
    // Act
    const tags = visibleTags(['vip'], false);
    // Assess
    expect(tags).toEqual(['vip']);
  });

  it('never shows a stored "Jira User" tag twice, nor on an unlinked contact', () => {
    // Prepare
    const stored = ['vip', JIRA_USER_TAG];
    // Act
    const linked = visibleTags(stored, true);
    const unlinked = visibleTags(stored, false);
    // Assess
    expect(linked).toEqual([JIRA_USER_TAG, 'vip']);
    expect(unlinked).toEqual(['vip']);
  });

  it('does not change the array it is given', () => {
    // Prepare
    const stored = ['vip'];
    // Act
    visibleTags(stored, true);
    // Assess
    expect(stored).toEqual(['vip']);
  });
});

describe('isSynced', () => {
  it('is true only with a Jira link', () => {
    // Act / Assess
    expect(isSynced(synced())).toBe(true);
    expect(isSynced(contact())).toBe(false);
  });
});

describe('jiraOwnedFieldsChanged', () => {
  it('allows any change to a regular contact', () => {
    // Act
    const blocked = jiraOwnedFieldsChanged(contact(), { name: 'Grace', email: 'grace@example.com' });
    // Assess
    expect(blocked).toEqual([]);
  });

  it('names name and email when both would change on a synced contact', () => {
    // Act
    const blocked = jiraOwnedFieldsChanged(synced(), { name: 'Grace', email: 'grace@example.com' });
    // Assess
    expect(blocked).toEqual(['name', 'email']);
  });

  it('names only the field that would change', () => {
    // Act
    const nameOnly = jiraOwnedFieldsChanged(synced(), { name: 'Grace' });
    const emailOnly = jiraOwnedFieldsChanged(synced(), { email: null });
    // Assess
    expect(nameOnly).toEqual(['name']);
    expect(emailOnly).toEqual(['email']);
  });

  it('lets a synced contact repeat its current name and email', () => {
    // Act
    const blocked = jiraOwnedFieldsChanged(synced(), {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+44 1',
    });
    // Assess
    expect(blocked).toEqual([]);
  });

  it('lets a synced contact change its own fields', () => {
    // Act
    const blocked = jiraOwnedFieldsChanged(synced(), {
      phone: '+44 20 7946 0000',
      tags: ['vip'],
      companyIds: ['co-1'],
    });
    // Assess
    expect(blocked).toEqual([]);
  });
});

describe('normalizeEmail', () => {
  it('ignores case and surrounding spaces', () => {
    // Act
    const key = normalizeEmail('  Ada.Lovelace.7@Example.COM ');
    // Assess
    expect(key).toBe('ada.lovelace.7@example.com');
  });

  it('gives the same key for every spelling of one address', () => {
    // Prepare
    const spellings = ['ADA@EXAMPLE.COM', 'ada@example.com', 'Ada@Example.com', ' ada@example.com'];
    // Act
    const keys = new Set(spellings.map(normalizeEmail));
    // Assess
    expect([...keys]).toEqual(['ada@example.com']);
  });
});

describe('normalizeEmail, as people mean emails', () => {
  it('gives one key for the NFC and NFD forms, the Unicode and IDNA domains, and any case', () => {
    // Prepare
    const spellings = [
      'josé@bücher.example',
      'jose\u0301@bu\u0308cher.example',
      'JOSÉ@BÜCHER.EXAMPLE',
      'josé@xn--bcher-kva.example',
      ' José@XN--BCHER-KVA.example ',
    ];
    // Act
    const keys = new Set(spellings.map(normalizeEmail));
    // Assess
    expect([...keys]).toEqual(['josé@xn--bcher-kva.example']);
  });

  it('leaves an ASCII address as the earlier normalization had it (trimmed, lower case)', () => {
    // Act / Assess: keys stored before stay valid
    for (const email of ['Ada@Example.COM', " o'Brien+crm@Example.co.UK ", 'x@a%41.example', 'no-at-sign']) {
      expect(normalizeEmail(email)).toBe(email.trim().toLowerCase());
    }
  });

  it('tells deliverable addresses from the rest', () => {
    // Act / Assess
    expect(isValidEmail('josé@bücher.example')).toBe(true);
    expect(isValidEmail('user@bücher.de')).toBe(true);
    expect(isValidEmail(`${'a'.repeat(65)}@example.com`)).toBe(false);
    expect(isValidEmail('ada@example.123')).toBe(false);
    expect(isValidEmail('ada@-example.com')).toBe(false);
  });
});
