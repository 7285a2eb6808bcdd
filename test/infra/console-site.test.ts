import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ConsoleSite } from '../../lib/stateless/console-site.js';
import { actionsOfRole, sharedContactSyncStack, testApp } from './synthesized-stack.js';

describe('the console in the deployed stack', () => {
  const { template, logicalId } = sharedContactSyncStack();
  const consoleFunction = logicalId('Console/Site/Function');
  const resourceId = (pathPart: string) =>
    Object.entries(template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: pathPart } })).map(
      ([id]) => id,
    );

  it('answers GET /console and /console/{file} through its function, on the API itself (no CORS)', () => {
    const [consoleResource] = resourceId('console');
    const [fileResource] = resourceId('{file}');
    expect(consoleResource && fileResource).toBeTruthy();
    for (const resource of [consoleResource, fileResource]) {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'GET',
        ResourceId: { Ref: resource },
        AuthorizationType: 'NONE',
        Integration: {
          Type: 'AWS_PROXY',
          Uri: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [consoleFunction, 'Arn'] }])] },
        },
      });
    }
    const methodsOnConsole = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((method) =>
      [consoleResource, fileResource].includes((method.Properties as { ResourceId: { Ref?: string } }).ResourceId.Ref),
    );
    expect(methodsOnConsole.map((method) => (method.Properties as { HttpMethod: string }).HttpMethod)).toEqual([
      'GET',
      'GET',
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [consoleFunction, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
  });

  it('outputs the console URL, <ApiUrl>console/', () => {
    template.hasOutput('ConsoleUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/console/$')])] },
    });
  });

  it('gives its function no access to data: only its logs and traces', () => {
    expect(actionsOfRole(template, logicalId('Console/Site/Role'))).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });
});

describe('the console function, bundled', () => {
  // A bare stack with one API and the console: only this function is bundled.
  const app = testApp();
  const stack = new Stack(app, 'ConsoleOnly');
  new ConsoleSite(stack, 'Console', { api: new apigw.RestApi(stack, 'Api', { cloudWatchRole: false }) });
  Template.fromStack(stack);
  const assembly = app.synth();
  const bundles = readdirSync(assembly.directory)
    .filter((name) => name.startsWith('asset.'))
    .map((name) => path.join(assembly.directory, name));

  it('carries the page beside the handler, built at synth from console/src', () => {
    expect(bundles).toHaveLength(1);
    const [bundle = ''] = bundles;
    for (const file of [
      'index.mjs',
      'console/index.html',
      'console/app.js',
      'console/app.css',
      'console/favicon.svg',
    ]) {
      expect(existsSync(path.join(bundle, file))).toBe(true);
    }
  });

  it('answers as the local gateway does: the page with a strict CSP, a redirect to the slash, else 404', () => {
    // Act: the bundled handler itself, in a plain Node process, as Lambda runs it.
    const script = `
      const { handler } = await import(${JSON.stringify(`file://${bundles[0]}/index.mjs`)});
      const call = (path) => handler({ httpMethod: 'GET', path });
      const paths = ['/console/', '/console', '/console/app.js', '/console/secret.txt'];
      console.log(JSON.stringify(await Promise.all(paths.map(call))));`;
    const [page, bare, script_, missing] = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
    ) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    }[];
    // Assess
    expect(page?.statusCode).toBe(200);
    expect(page?.headers['Content-Type']).toMatch(/^text\/html/);
    expect(page?.headers['Content-Security-Policy']).toMatch(/^default-src 'self';/);
    expect(page?.body).toContain('<script type="module" src="app.js">');
    expect(bare).toMatchObject({ statusCode: 301, headers: { Location: 'console/' } });
    expect(script_?.headers['Content-Type']).toMatch(/^text\/javascript/);
    expect(missing?.statusCode).toBe(404);
  });
});
