import { OccurrenceSampler } from '../../lambdas/shared/occurrence-sampler.js';

describe('OccurrenceSampler', () => {
  it('picks the first occurrence, then one in every `every`, and counts them all', () => {
    // Prepare
    const sampler = new OccurrenceSampler({ every: 100 });

    // Act
    const picks = Array.from({ length: 250 }, () => sampler.next());

    // Assess
    expect(picks.flatMap((pick) => (pick.log ? [pick.seen] : []))).toEqual([1, 101, 201]);
    expect(picks.at(-1)?.seen).toBe(250);
  });
});
