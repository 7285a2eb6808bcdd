/**
 * Builds the admin console (console/src) into its static files, in memory: the local gateway
 * serves them on start and the CDK stack bundles them into the console's function at synth, so a
 * fresh clone needs no build step and no built files are committed.
 */
import { readFileSync } from 'node:fs';
import { buildSync } from 'esbuild';
import type { ConsoleFiles } from '../lambdas/http/console-answer.js';

const SOURCE_DIR = new URL('./src/', import.meta.url);

/** The console's static files: `index.html`, `app.js`, `app.css` and `favicon.svg`. */
export function buildConsole(): ConsoleFiles {
  const result = buildSync({
    entryPoints: { app: new URL('main.tsx', SOURCE_DIR).pathname },
    bundle: true,
    write: false,
    outdir: '/console',
    format: 'esm',
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'silent',
    legalComments: 'none',
  });
  const files: Record<string, string> = {};
  for (const output of result.outputFiles) files[output.path.replace(/^\/console\//, '')] = output.text;
  for (const name of ['index.html', 'favicon.svg']) files[name] = readFileSync(new URL(name, SOURCE_DIR), 'utf8');
  return files;
}
