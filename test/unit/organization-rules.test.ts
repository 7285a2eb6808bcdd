import { readJsmPage } from '../../lambdas/adapters/jira/jsm-paging.js';
import {
  type Company,
  assertDeletionAllowed,
  assertRenameAllowed,
  companyNameKey,
} from '../../lambdas/domain/company.js';
import { ConflictError, UpstreamError } from '../../lambdas/domain/errors.js';
import { addOrganizationProgress, emptyOrganizationProgress } from '../../lambdas/domain/sync/organization-progress.js';

const company = (jsmOrganization: Company['jsmOrganization']): Company => ({
  id: 'c1',
  name: 'Globex Ltd',
  domain: null,
  jsmOrganization,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:00.000Z',
});

describe('a synced company cannot be renamed or deleted', () => {
  it('refuses a new name and a deletion for a synced company, and allows both for a regular one', () => {
    // Prepare
    const synced = company({ id: '12' });
    const regular = company(null);
    // Act / Assess
    expect(() => assertRenameAllowed(synced, { name: 'Other' })).toThrow(ConflictError);
    expect(() => assertDeletionAllowed(synced)).toThrow(ConflictError);
    expect(() => assertRenameAllowed(synced, { name: 'Globex Ltd', domain: 'globex.example' })).not.toThrow();
    expect(() => assertRenameAllowed(regular, { name: 'Other' })).not.toThrow();
    expect(() => assertDeletionAllowed(regular)).not.toThrow();
  });

  it('matches names as people mean them: case and Unicode normalization do not matter', () => {
    expect(companyNameKey('globex ltd')).toBe(companyNameKey('Globex Ltd'));
    expect(companyNameKey('Caf\u00e9')).toBe(companyNameKey('CAFE\u0301'));
    expect(companyNameKey('Globex')).not.toBe(companyNameKey('Globex Ltd'));
  });
});

describe('a JSM page', () => {
  const read = (record: unknown) => (typeof record === 'string' ? record : undefined);

  it('counts records it cannot use, and moves on by what Jira returned', () => {
    const page = readJsmPage({ values: ['a', 7, 'b'], isLastPage: false, size: 3 }, 'organization', read);
    expect(page).toEqual({ values: ['a', 'b'], returned: 3, unreadable: 1, isLastPage: false });
  });

  it('ends at an empty page whatever isLastPage says, reads on without it, and refuses a body that is no page', () => {
    expect(readJsmPage({ values: [], isLastPage: false }, 'organization', read).isLastPage).toBe(true);
    expect(readJsmPage({ values: ['a'] }, 'organization', read).isLastPage).toBe(false);
    expect(readJsmPage({ values: ['a'], isLastPage: true }, 'organization', read).isLastPage).toBe(true);
    expect(() => readJsmPage([], 'organization', read)).toThrow(UpstreamError);
  });
});

describe('organization progress', () => {
  it('sums parts, and stays absent while no part counted organizations', () => {
    const one = { ...emptyOrganizationProgress(), read: 50, created: 2 };
    expect(addOrganizationProgress(undefined, undefined)).toBeUndefined();
    expect(addOrganizationProgress(one, { read: 5, linked: 1 })).toMatchObject({ read: 55, created: 2, linked: 1 });
  });
});
