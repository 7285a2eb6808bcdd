import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type AppProps, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ContactSyncStack } from '../../lib/contact-sync-stack.js';

export interface SynthesizedStack {
  stack: ContactSyncStack;
  template: Template;
  /** The logical id of a construct's CloudFormation resource (its default child). */
  logicalId: (construct: IConstruct) => string;
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
