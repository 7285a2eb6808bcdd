import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps, CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ContactSyncStack } from '../../lib/contact-sync-stack.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SynthesizedStack {
  stack: ContactSyncStack;
  template: Template;
  /** The logical id of a construct's CloudFormation resource (its default child). */
  logicalId: (construct: IConstruct) => string;
}

/** The deployable stack's template, as every infra test reads it, and where each construct's resource is. */
export interface SharedSynthesis {
  template: Template;
  stackName: string;
  /** The logical id of the CloudFormation resource at a construct path below the stack, e.g. `SyncTasks/PlanWave/Function`. */
  logicalId: (constructPath: string) => string;
}

interface CachedSynthesis {
  stackName: string;
  template: Record<string, unknown>;
  logicalIds: Record<string, string>;
}

/** Everything the synthesized template depends on: the stack's code, the handlers it names, the CDK version. */
function sourcesHash(): string {
  const hash = createHash('sha256');
  const add = (file: string) => hash.update(file).update(readFileSync(file));
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else add(full);
    }
  };
  for (const dir of ['lib', 'lambdas', 'bin']) walk(path.join(PROJECT_ROOT, dir));
  for (const file of ['package-lock.json', 'cdk.json', 'test/infra/synthesized-stack.ts'])
    add(path.join(PROJECT_ROOT, file));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The deployable stack (no bundling), synthesized once per run of the suite rather than once per test
 * file: jest runs each file in a fresh module registry, often in another worker, so the first file
 * writes the template and every construct's logical id to a file keyed by the sources' hash, and the
 * others read it. A change to the stack's code changes the key, so a stale template is never read.
 */
export function sharedContactSyncStack(): SharedSynthesis {
  const cacheDir = path.join(tmpdir(), 'contact-sync-synth');
  const cacheFile = path.join(cacheDir, `${sourcesHash()}.json`);
  let cached: CachedSynthesis;
  try {
    cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as CachedSynthesis;
  } catch {
    const { stack, template } = synthesizeContactSyncStack();
    const logicalIds: Record<string, string> = {};
    const prefix = `${stack.node.path}/`;
    for (const construct of stack.node.findAll()) {
      const resource = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
      if (resource && CfnElement.isCfnElement(resource)) {
        logicalIds[construct.node.path.slice(prefix.length)] = stack.getLogicalId(resource);
      }
    }
    cached = { stackName: stack.stackName, template: template.toJSON(), logicalIds };
    // Written whole, then renamed: a worker reading at the same moment sees all of it or nothing.
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${cacheFile}.${process.pid}`;
    writeFileSync(partial, JSON.stringify(cached));
    renameSync(partial, cacheFile);
  }
  const { logicalIds } = cached;
  return {
    template: Template.fromJSON(cached.template),
    stackName: cached.stackName,
    logicalId: (constructPath) => {
      const id = logicalIds[constructPath];
      if (!id) throw new Error(`No CloudFormation resource at ${constructPath} in the synthesized stack.`);
      return id;
    },
  };
}

/**
 * The deployable stack, synthesized once per test file and shared by every test in it. Bundling the
 * ten functions is skipped (CDK's own `aws:cdk:bundling-stacks` context, as `cdk synth --exclusively`
 * uses) unless a test needs the bundles: the other assertions read only the template.
 */
export function synthesizeContactSyncStack(options: { bundle?: boolean } = {}): SynthesizedStack {
  const context = options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] };
  const stack = new ContactSyncStack(testApp({ context }), 'ContactSync');
  const template = Template.fromStack(stack);
  const logicalId = (construct: IConstruct) => {
    const resource = (construct.node.defaultChild ?? construct) as CfnElement;
    return stack.getLogicalId(resource);
  };
  return { stack, template, logicalId };
}

/**
 * A CDK app whose cloud assembly (template, bundles) goes to a folder of its own, removed after the
 * test file, rather than a new temporary folder left behind by every synthesis.
 */
export function testApp(props: AppProps = {}): App {
  const outdir = mkdtempSync(path.join(tmpdir(), 'contact-sync-cdk-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  return new App({ ...props, outdir });
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every IAM action granted to a role, over all the policies attached to it. */
export function actionsOfRole(template: Template, roleLogicalId: string): string[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const actions = new Set<string>();
  for (const policy of Object.values(policies)) {
    const properties = policy.Properties as {
      Roles: Json[];
      PolicyDocument: { Statement: { Action: string | string[] }[] };
    };
    const attached = properties.Roles.some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }));
    if (!attached) continue;
    for (const statement of properties.PolicyDocument.Statement) {
      for (const action of [statement.Action].flat()) actions.add(action);
    }
  }
  return [...actions].sort();
}

/**
 * A `Fn::Join` of JSON text (a state machine definition, a dashboard body) parsed, each intrinsic
 * inside replaced by a readable placeholder: `GetAtt:<logicalId>.<attribute>`, `Ref:<name>`.
 */
export function parseJoinedJson<T>(value: unknown): T {
  if (typeof value === 'string') return JSON.parse(value) as T;
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const placeholder = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const intrinsic = part as { 'Fn::GetAtt'?: [string, string]; Ref?: string };
    if (intrinsic['Fn::GetAtt']) return `GetAtt:${intrinsic['Fn::GetAtt'].join('.')}`;
    if (intrinsic.Ref) return `Ref:${intrinsic.Ref}`;
    return 'TOKEN';
  };
  return JSON.parse(join[1].map(placeholder).join(join[0])) as T;
}
