import { buildConsole, type ConsoleFiles } from '../console/build.js';
import { CONSOLE_PATH, type ConsoleAnswer, consoleAnswer } from '../console/site.js';

let files: ConsoleFiles | undefined;

/** Whether the path is the console's (`/console`, `/console/…`). */
export function isConsolePath(path: string): boolean {
  return path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);
}

/**
 * The console's answer, as its Lambda gives it on AWS. Bundled from console/src on the first
 * request (in memory, once per process), so a fresh clone serves it with no build step.
 */
export function consoleRoute(options: { method: string; path: string }): ConsoleAnswer {
  files ??= buildConsole();
  return consoleAnswer({ files, ...options });
}
