/** Jira's own maximum page size for `users/search` (it may return fewer at any point). */
export const USERS_PAGE_SIZE = 1000;
/** Positions in the list one task covers: bounded work per Lambda call, whatever Jira's page cap. */
export const SEGMENT_SIZE = 1000;
/** Segments read in parallel per wave: bounded so Jira's rate limit and the workflow's history stay small. */
export const SEGMENTS_PER_WAVE = 10;
/**
 * Waves one execution runs before it continues in a new one. A wave costs about 85 history events
 * (see test/unit/workflow-history.test.ts), so 100 waves stay far below Standard workflows' 25,000.
 */
export const WAVES_PER_EXECUTION = 100;

/** What one segment found: `count` records from `startAt`, and whether the list ended inside it. */
export interface SegmentResult {
  startAt: number;
  count: number;
  /** An empty page came back before the segment was covered: nothing follows. */
  reachedEnd: boolean;
}

export interface WavePlan {
  /** Start positions of the segments to read now, `SEGMENT_SIZE` apart: disjoint, so none is read twice. */
  segments: number[];
  nextStartAt: number;
  /** Waves run by this execution so far. */
  wavesInExecution: number;
  done: boolean;
  /** This execution has run its share of waves: go on from `nextStartAt` in a new one. */
  continueAsNew: boolean;
}

export interface WaveLimits {
  segmentSize: number;
  segmentsPerWave: number;
  wavesPerExecution: number;
}

const DEFAULT_LIMITS: WaveLimits = {
  segmentSize: SEGMENT_SIZE,
  segmentsPerWave: SEGMENTS_PER_WAVE,
  wavesPerExecution: WAVES_PER_EXECUTION,
};

/**
 * Plans the next wave. Jira has no total, so waves of segments are read in parallel until one of
 * them meets an empty page. Each segment covers a fixed range of positions and reads it page by page
 * (a short page moves on by what was returned), so short pages skip nothing and count nothing twice.
 */
export function planNextWave(
  previous: Partial<Pick<WavePlan, 'nextStartAt' | 'wavesInExecution'>> | undefined,
  results: readonly SegmentResult[] | undefined,
  limits: WaveLimits = DEFAULT_LIMITS,
): WavePlan {
  const startAt = previous?.nextStartAt ?? 0;
  const wavesInExecution = previous?.wavesInExecution ?? 0;
  const stay = { segments: [], nextStartAt: startAt, wavesInExecution };
  if (results?.some((segment) => segment.reachedEnd)) return { ...stay, done: true, continueAsNew: false };
  if (wavesInExecution >= limits.wavesPerExecution) return { ...stay, done: false, continueAsNew: true };
  const segments = Array.from({ length: limits.segmentsPerWave }, (_, index) => startAt + index * limits.segmentSize);
  return {
    segments,
    nextStartAt: startAt + limits.segmentsPerWave * limits.segmentSize,
    wavesInExecution: wavesInExecution + 1,
    done: false,
    continueAsNew: false,
  };
}
