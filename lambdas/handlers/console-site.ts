import { readdirSync, readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ConsoleFiles } from '../../console/build.js';
import { consoleAnswer } from '../../console/site.js';

/** The console's files, built at synth and copied beside this handler's bundle (lib/stateless/console-site.ts). */
export const CONSOLE_FILES_FOLDER = 'console';

/** Read once per container: a few small text files. */
const files: ConsoleFiles = (() => {
  const folder = new URL(`./${CONSOLE_FILES_FOLDER}/`, import.meta.url);
  return Object.fromEntries(readdirSync(folder).map((name) => [name, readFileSync(new URL(name, folder), 'utf8')]));
})();

/** (API Gateway GET /console, /console/{file}) --> the console's static files, as the local gateway serves them. */
export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  consoleAnswer({ files, method: event.httpMethod, path: event.path });
