import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every project file a module reaches through its relative imports (static and dynamic), itself included. */
function reachableFrom(entry: string): Map<string, string[]> {
  const packagesOf = new Map<string, string[]>();
  const visit = (file: string) => {
    if (packagesOf.has(file)) return;
    const source = readFileSync(file, 'utf8');
    const specifiers = [...source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'([^']+)'/g)].map(
      (match) => match[1] ?? '',
    );
    packagesOf.set(
      file,
      specifiers.filter((specifier) => !specifier.startsWith('.')),
    );
    for (const specifier of specifiers.filter((specifier) => specifier.startsWith('.'))) {
      const target = path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts'));
      if (existsSync(target) && target.endsWith('.ts')) visit(target);
    }
  };
  visit(path.join(PROJECT_ROOT, entry));
  return packagesOf;
}

describe('the local runtime and the handlers', () => {
  // Loading aws-cdk-lib takes seconds: every start of `npm start` and every in-process test runtime
  // would pay it. The workflow's ASL comes from lib/sync-workflow.asl.json, the shared numbers from
  // lib/function-settings.ts.
  it.each(['bin/local.ts', 'local/runtime.ts', 'local/handlers.ts', 'lambdas/handlers/webhook-consumer.ts'])(
    '%s never imports aws-cdk-lib or constructs, directly or through another module',
    (entry) => {
      const reached = reachableFrom(entry);
      const offenders = [...reached]
        .filter(([, packages]) => packages.some((name) => /^(aws-cdk-lib|constructs)(\/|$)/.test(name)))
        .map(([file]) => path.relative(PROJECT_ROOT, file));
      expect(reached.size).toBeGreaterThan(1);
      expect(offenders).toEqual([]);
    },
  );
});
