/**
 * The protocol between the bench's parent and its child processes: the child prints one
 * `@result {...}` line on stdout; the parent finds it.
 */
const RESULT_PREFIX = '@result ';

/** Runs a child's `main`, prints its result line, and exits with 0, or 1 and the error on stderr. */
export function runChild<T>(main: () => Promise<T>): void {
  main()
    .then(
      (result) =>
        new Promise<void>((resolve) =>
          process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`, () => resolve()),
        ),
    )
    .then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
      },
    );
}

/** The child's result from its whole stdout, or undefined when it printed none. */
export function parseChildResult<T>(stdout: string): T | undefined {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_PREFIX));
  return line === undefined ? undefined : (JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
}
