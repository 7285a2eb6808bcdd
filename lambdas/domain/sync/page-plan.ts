/** Jira's own maximum page size for `users/search`. */
export const USERS_PAGE_SIZE = 1000;
/** Pages read in parallel per wave: bounded so Jira's rate limit and the workflow's history stay small. */
export const PAGES_PER_WAVE = 10;

export interface PageResult {
  startAt: number;
  count: number;
  /** A full page means more accounts may follow; Jira gives no total. */
  full: boolean;
}

export interface WavePlan {
  pages: number[];
  nextStartAt: number;
  done: boolean;
}

/**
 * Plans the next wave of `users/search` pages. Jira has no total, so the sync reads waves of
 * pages in parallel until a wave holds a short page.
 */
export function planNextWave(previous: { nextStartAt: number } | undefined, results: readonly PageResult[] | undefined, pageSize = USERS_PAGE_SIZE, pagesPerWave = PAGES_PER_WAVE): WavePlan {
  const startAt = previous?.nextStartAt ?? 0;
  const finished = results !== undefined && results.some((page) => !page.full);
  if (finished) return { pages: [], nextStartAt: startAt, done: true };
  const pages = Array.from({ length: pagesPerWave }, (_, index) => startAt + index * pageSize);
  return { pages, nextStartAt: startAt + pagesPerWave * pageSize, done: false };
}
