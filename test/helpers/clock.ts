import { jest } from '@jest/globals';

/** Everything jest can fake but `Date`: the embedded server and the SDK keep their real timers. */
const ALL_BUT_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

/**
 * A `Date` that runs with real time and that a test moves on at once with {@link stepClock}, so
 * that records written one after the other get distinct times without sleeping. Undo it with
 * `jest.useRealTimers()`.
 */
export function useSteppingClock(): void {
  jest.useFakeTimers({ doNotFake: [...ALL_BUT_DATE], advanceTimers: true });
}

/** Moves the clock of {@link useSteppingClock} on by `ms`, without waiting. */
export function stepClock(ms: number): void {
  jest.advanceTimersByTime(ms);
}
