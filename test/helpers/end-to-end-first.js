import Sequencer from '@jest/test-sequencer';

/**
 * Jest orders test files by their last durations when it has them, else by size. On a fresh
 * machine (CI) it has none: the end-to-end files, which wait longest on their services, then start
 * first, so that no long wait lands at the end while the other worker is idle.
 */
export default class EndToEndFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const endToEnd = (test) => test.path.includes('/test/e2e/');
    return [...ordered.filter(endToEnd), ...ordered.filter((test) => !endToEnd(test))];
  }
}
