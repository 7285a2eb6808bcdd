/**
 * Says which occurrences of a repeated, attacker-driven event to log: the first, then one in
 * `every`, so a flood costs a few log lines while a metric counts each occurrence. Per container.
 */
export class OccurrenceSampler {
  private seen = 0;

  constructor(private readonly options: { every: number }) {}

  /** Counts one occurrence: whether to log it, and how many this container has seen. */
  next(): { log: boolean; seen: number } {
    this.seen += 1;
    return { log: (this.seen - 1) % this.options.every === 0, seen: this.seen };
  }
}
