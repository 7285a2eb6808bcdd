import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Duration, Stage } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { buildConsole } from '../../console/build.js';
import { CONSOLE_PATH } from '../../lambdas/http/console-answer.js';
import { ServiceFunction } from './service-function.js';

export interface ConsoleSiteProps {
  /** The API whose origin serves the console (so the page calls the API with no CORS). */
  readonly api: apigw.RestApi;
}

/**
 * The admin console at `<ApiUrl>console/`: its files are bundled from console/src at synth and
 * shipped inside one small function, which API Gateway calls for `GET /console` and
 * `GET /console/{file}`. The page is public, as a login page is; every API call it makes carries
 * the user's own Jira credentials.
 */
export class ConsoleSite extends Construct {
  readonly handler: ServiceFunction;
  /** The console's address (the `ConsoleUrl` output). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const files = writeConsoleFiles(path.join(Stage.of(this)?.outdir ?? '.', `.console-${this.node.addr}`));
    this.handler = new ServiceFunction(this, 'Site', {
      entry: 'handlers/console-site.ts',
      description: 'Console: the admin web page at /console/ (static files, no data).',
      timeout: Duration.seconds(5),
      memorySize: 256,
      filesBesideHandler: { from: files, into: 'console' },
    });
    const integration = new apigw.LambdaIntegration(this.handler.function, { allowTestInvoke: false });
    const page = props.api.root.resourceForPath(CONSOLE_PATH);
    page.addMethod('GET', integration, { authorizationType: apigw.AuthorizationType.NONE });
    page.addResource('{file}').addMethod('GET', integration, { authorizationType: apigw.AuthorizationType.NONE });
    this.url = props.api.urlForPath(`${CONSOLE_PATH}/`);
  }
}

/** The console's static files in a folder of the cloud assembly, for the function's bundle. */
function writeConsoleFiles(folder: string): string {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(buildConsole())) writeFileSync(path.join(folder, name), text);
  return folder;
}
