import { measureListLength, measurePagedListLength } from '../../lambdas/domain/sync/run-size.js';
import { timeLeft } from '../../lambdas/domain/sync/user-sync-runs.js';
import { DEFAULT_SETTINGS, emptyProgress } from '../../lambdas/domain/sync/user-sync-state.js';

describe('measureListLength', () => {
  it.each([0, 1, 2, 3, 4, 7, 8, 9, 63, 64, 65, 1000, 12_345, 999_999, 1_000_000])(
    'finds a list of %i records exactly, in about 2·log₂(N) probes, at most three at once',
    async (length) => {
      // Prepare
      const probes: number[] = [];
      let inFlight = 0;
      let mostAtOnce = 0;
      const hasRecordAt = async (position: number) => {
        probes.push(position);
        inFlight += 1;
        mostAtOnce = Math.max(mostAtOnce, inFlight);
        await Promise.resolve();
        inFlight -= 1;
        return position < length;
      };
      // Act
      const measured = await measureListLength(hasRecordAt);
      // Assess
      expect(measured).toBe(length);
      expect(probes.length).toBeLessThanOrEqual(2 * Math.log2(length + 1) + 4);
      expect(mostAtOnce).toBeLessThanOrEqual(3);
    },
  );
});

describe('timeLeft', () => {
  const startedAt = '2026-12-01T10:00:00.000Z';
  const running = { ...DEFAULT_SETTINGS, state: 'ENABLING' as const, runId: 'r', action: 'enable' as const, startedAt };
  const at = (seconds: number) => Date.parse(startedAt) + seconds * 1000;

  it("is the rest of the estimate at the run's own pace", () => {
    // Act: 1,000 of 4,000 read in 60 s
    const left = timeLeft({
      settings: running,
      progress: { ...emptyProgress(), total: 1_000 },
      estimatedTotal: 4_000,
      now: at(60),
    });
    // Assess
    expect(left).toBe(180);
  });

  it('is unknown before the size is measured or anything is read, or after the run stopped on an error', () => {
    // Act / Assess
    const progress = { ...emptyProgress(), total: 10 };
    expect(timeLeft({ settings: running, progress, estimatedTotal: null, now: at(5) })).toBeNull();
    expect(timeLeft({ settings: running, progress: emptyProgress(), estimatedTotal: 100, now: at(5) })).toBeNull();
    expect(
      timeLeft({ settings: { ...running, error: 'Jira broke' }, progress, estimatedTotal: 100, now: at(5) }),
    ).toBeNull();
  });

  it('is 0 once the run ended, and when more was read than estimated (accounts created meanwhile)', () => {
    // Act / Assess
    const progress = { ...emptyProgress(), total: 120 };
    expect(timeLeft({ settings: { ...running, state: 'ENABLED' }, progress, estimatedTotal: 100, now: at(9) })).toBe(0);
    expect(timeLeft({ settings: running, progress, estimatedTotal: 100, now: at(9) })).toBe(0);
    expect(timeLeft({ settings: DEFAULT_SETTINGS, progress, estimatedTotal: null, now: at(9) })).toBeNull();
  });
});

describe('measurePagedListLength', () => {
  it.each([
    [0, 50],
    [1, 50],
    [50, 50],
    [51, 50],
    [300, 50],
    [12_345, 50],
    [1_000_000, 50],
    [37, 1],
    [100, 7],
  ])(
    'finds a list of %i records in pages of %i exactly, from pages alone, at most three at once',
    async (length, pageSize) => {
      // Prepare: pages as JSM sends them, `isLastPage` true only on the page that reaches the end
      const reads: number[] = [];
      let inFlight = 0;
      let mostAtOnce = 0;
      const readAt = async (position: number) => {
        reads.push(position);
        inFlight += 1;
        mostAtOnce = Math.max(mostAtOnce, inFlight);
        await Promise.resolve();
        inFlight -= 1;
        const returned = Math.max(0, Math.min(pageSize, length - position));
        return { returned, isLastPage: position + returned >= length };
      };
      // Act
      const measured = await measurePagedListLength(readAt);
      // Assess
      expect(measured).toBe(length);
      expect(reads.length).toBeLessThanOrEqual(2 * Math.log2(length / pageSize + 1) + 4);
      expect(mostAtOnce).toBeLessThanOrEqual(3);
    },
  );

  it('needs one page for a list that fits on it', async () => {
    // Prepare
    const reads: number[] = [];
    // Act
    const measured = await measurePagedListLength(async (position) => {
      reads.push(position);
      return { returned: 42, isLastPage: true };
    });
    // Assess
    expect(measured).toBe(42);
    expect(reads).toEqual([0]);
  });
});
