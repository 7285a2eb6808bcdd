import {
  SEGMENTS_PER_WAVE,
  SEGMENT_SIZE,
  WAVES_PER_EXECUTION,
  planNextWave,
} from '../../lambdas/domain/sync/page-plan.js';

const SMALL = { segmentSize: 100, segmentsPerWave: 3, wavesPerExecution: 50 };

describe('planNextWave', () => {
  it('starts with a full wave of segments from the beginning', () => {
    // Act
    const plan = planNextWave(undefined, undefined);
    // Assess
    expect(plan.done).toBe(false);
    expect(plan.segments).toHaveLength(SEGMENTS_PER_WAVE);
    expect(plan.segments[0]).toBe(0);
    expect(plan.segments[1]).toBe(SEGMENT_SIZE);
    expect(plan.nextStartAt).toBe(SEGMENTS_PER_WAVE * SEGMENT_SIZE);
  });

  it('goes on where the previous wave ended while no segment met the end of the list', () => {
    // Prepare
    const first = planNextWave(undefined, undefined, SMALL);
    const results = first.segments.map((startAt) => ({ startAt, count: 100, reachedEnd: false }));
    // Act
    const second = planNextWave(first, results, SMALL);
    // Assess
    expect(first.segments).toEqual([0, 100, 200]);
    expect(second).toEqual({
      segments: [300, 400, 500],
      nextStartAt: 600,
      wavesInExecution: 2,
      done: false,
      continueAsNew: false,
    });
  });

  it('is done once a segment met an empty page', () => {
    // Prepare
    const previous = { nextStartAt: 600, wavesInExecution: 2 };
    const results = [
      { startAt: 300, count: 100, reachedEnd: false },
      { startAt: 400, count: 42, reachedEnd: true },
      { startAt: 500, count: 0, reachedEnd: true },
    ];
    // Act
    const plan = planNextWave(previous, results, SMALL);
    // Assess
    expect(plan).toEqual({ segments: [], nextStartAt: 600, wavesInExecution: 2, done: true, continueAsNew: false });
  });

  it('is done when an empty directory answers the first wave with empty pages', () => {
    // Prepare
    const first = planNextWave(undefined, undefined, { ...SMALL, segmentSize: 1000, segmentsPerWave: 2 });
    // Act
    const plan = planNextWave(first, [
      { startAt: 0, count: 0, reachedEnd: true },
      { startAt: 1000, count: 0, reachedEnd: true },
    ]);
    // Assess
    expect(plan.done).toBe(true);
    expect(plan.segments).toEqual([]);
  });

  it('hands over to a new execution after its share of waves, from where it stopped', () => {
    // Prepare
    const previous = { nextStartAt: 15_000, wavesInExecution: WAVES_PER_EXECUTION };
    // Act
    const plan = planNextWave(previous, [{ startAt: 14_000, count: 1000, reachedEnd: false }]);
    const next = planNextWave({ nextStartAt: plan.nextStartAt, wavesInExecution: 0 }, []);
    // Assess
    expect(plan).toMatchObject({ continueAsNew: true, done: false, segments: [], nextStartAt: 15_000 });
    expect(next.segments[0]).toBe(15_000);
  });

  it('covers every position exactly once across waves', () => {
    // Prepare: a directory of 2,345 accounts read in waves of 2 segments of 500
    const total = 2345;
    const limits = { segmentSize: 500, segmentsPerWave: 2, wavesPerExecution: 100 };
    const read: number[] = [];
    let plan = planNextWave(undefined, undefined, limits);
    // Act
    while (!plan.done) {
      const results = plan.segments.map((startAt) => {
        const count = Math.max(0, Math.min(limits.segmentSize, total - startAt));
        for (let position = startAt; position < startAt + count; position += 1) read.push(position);
        return { startAt, count, reachedEnd: count < limits.segmentSize };
      });
      plan = planNextWave(plan, results, limits);
    }
    // Assess
    expect(read).toHaveLength(total);
    expect(new Set(read).size).toBe(total);
  });
});
