import type { Company } from '../domain/company.js';
import type { Page } from '../domain/page.js';
import type { UserSyncView } from '../domain/sync/user-sync-runs.js';
import type { CompanyBody, PageBody, UserSyncViewBody } from './response-schemas.js';

/** The handlers' answers in the shapes of `response-schemas.ts`, from what the domain returns. */

/** A company as the API shows it (the domain's company already carries `jsmOrganization`). */
export function companyBody(company: Company): CompanyBody {
  return company;
}

export function companyPageBody(page: Page<Company>): PageBody<CompanyBody> {
  return { ...page, items: page.items.map(companyBody) };
}

/** The settings as the API shows them: what a run has not measured yet is null, never missing. */
export function userSyncViewBody(view: UserSyncView): UserSyncViewBody {
  const progress = <T extends object>(counts: T) => ({ estimatedTotal: null, etaSeconds: null, ...counts });
  return {
    ...view,
    progress: progress(view.progress),
    lastReconcile: view.lastReconcile && { ...view.lastReconcile, progress: progress(view.lastReconcile.progress) },
    // The domain types progress as Partial (a reconcile's own counts come and go); the replay test checks the shape.
  } as UserSyncViewBody;
}
