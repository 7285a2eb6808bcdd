import { PAGES_PER_WAVE, USERS_PAGE_SIZE, planNextWave } from '../../lambdas/domain/sync/page-plan.js';

describe('planNextWave', () => {
  it('starts with a full wave of pages from the beginning', () => {
    // Act
    const plan = planNextWave(undefined, undefined);
    // Assess
    expect(plan.done).toBe(false);
    expect(plan.pages).toHaveLength(PAGES_PER_WAVE);
    expect(plan.pages[0]).toBe(0);
    expect(plan.pages[1]).toBe(USERS_PAGE_SIZE);
    expect(plan.nextStartAt).toBe(PAGES_PER_WAVE * USERS_PAGE_SIZE);
  });

  it('goes on where the previous wave ended while every page was full', () => {
    // Prepare
    const first = planNextWave(undefined, undefined, 100, 3);
    const results = first.pages.map((startAt) => ({ startAt, count: 100, full: true }));
    // Act
    const second = planNextWave(first, results, 100, 3);
    // Assess
    expect(first.pages).toEqual([0, 100, 200]);
    expect(second).toEqual({ pages: [300, 400, 500], nextStartAt: 600, done: false });
  });

  it('is done once a wave holds a short page', () => {
    // Prepare
    const previous = { nextStartAt: 600 };
    const results = [
      { startAt: 300, count: 100, full: true },
      { startAt: 400, count: 42, full: false },
      { startAt: 500, count: 0, full: false },
    ];
    // Act
    const plan = planNextWave(previous, results, 100, 3);
    // Assess
    expect(plan).toEqual({ pages: [], nextStartAt: 600, done: true });
  });

  it('is done when an empty directory answers the first wave with empty pages', () => {
    // Prepare
    const first = planNextWave(undefined, undefined, 1000, 2);
    // Act
    const plan = planNextWave(first, [
      { startAt: 0, count: 0, full: false },
      { startAt: 1000, count: 0, full: false },
    ]);
    // Assess
    expect(plan.done).toBe(true);
    expect(plan.pages).toEqual([]);
  });

  it('covers every position exactly once across waves', () => {
    // Prepare: a directory of 2,345 accounts read in waves of 2 pages of 500
    const total = 2345;
    const pageSize = 500;
    const read: number[] = [];
    let plan = planNextWave(undefined, undefined, pageSize, 2);
    // Act
    while (!plan.done) {
      const results = plan.pages.map((startAt) => {
        const count = Math.max(0, Math.min(pageSize, total - startAt));
        for (let position = startAt; position < startAt + count; position += 1) read.push(position);
        return { startAt, count, full: count === pageSize };
      });
      plan = planNextWave(plan, results, pageSize, 2);
    }
    // Assess
    expect(read).toHaveLength(total);
    expect(new Set(read).size).toBe(total);
  });
});
