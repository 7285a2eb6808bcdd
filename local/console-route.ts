import { buildConsole } from '../console/build.js';
import { consoleSiteHandler } from '../lambdas/handlers/console-site.js';

/**
 * The console's deployed handler, given the files bundled from console/src on the first request
 * (in memory, once per process) rather than read beside a bundle, so a fresh clone serves it with
 * no build step.
 */
export const localConsoleHandler = consoleSiteHandler({ files: buildConsole });
