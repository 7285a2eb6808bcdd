import { readdirSync, readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type ConsoleFiles, consoleAnswer } from '../http/console-answer.js';

/** The console's files, built at synth and copied beside this handler's bundle (lib/stateless/console-site.ts). */
export const CONSOLE_FILES_FOLDER = 'console';

/** The deployed bundle's files: a few small text files beside the handler. */
function filesBesideBundle(): ConsoleFiles {
  const folder = new URL(`./${CONSOLE_FILES_FOLDER}/`, import.meta.url);
  return Object.fromEntries(readdirSync(folder).map((name) => [name, readFileSync(new URL(name, folder), 'utf8')]));
}

/**
 * The console's handler over a source of its files, read on the first request and kept (once per
 * container). The local gateway calls it with the files esbuild bundles in memory instead.
 */
export function consoleSiteHandler(options: {
  files: () => ConsoleFiles;
}): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  let files: ConsoleFiles | undefined;
  return async (event) => {
    files ??= options.files();
    return consoleAnswer({ files, method: event.httpMethod, path: event.path });
  };
}

/** (API Gateway GET /console, /console/{file}) --> the console's static files. */
export const handler = consoleSiteHandler({ files: filesBesideBundle });
