// The main job: synthesize every example app into examples/cdk.out/<example>/ and print, per stack,
// the roles it creates and what trusts what.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { buildCustomerApp } from './customer-stack';
import { buildVendorApp } from './vendor-app';

const EXAMPLES: Array<{ name: string; build: (app: App) => App }> = [
  { name: 'vendor-app', build: buildVendorApp },
  { name: 'customer-stack', build: buildCustomerApp },
];

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'Ref' in value) return `{Ref ${(value as { Ref: string }).Ref}}`;
  if (value && typeof value === 'object' && 'Fn::Join' in value) {
    const [sep, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    return parts.map(show).join(sep);
  }
  if (value && typeof value === 'object' && 'Fn::GetAtt' in value) return `{GetAtt ${(value as { 'Fn::GetAtt': string[] })['Fn::GetAtt'].join('.')}}`;
  return JSON.stringify(value);
}

function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function describeStack(template: any, stackName: string): string[] {
  const lines = [`  stack ${stackName}`];
  for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const props = resource.Properties ?? {};
    lines.push(`    role ${logicalId}${props.RoleName ? ` (${show(props.RoleName)})` : ''}, max session ${props.MaxSessionDuration ?? 3600}s`);
    for (const statement of list<any>(props.AssumeRolePolicyDocument?.Statement)) {
      const principals = Object.entries<any>(statement.Principal ?? {}).flatMap(([kind, v]) => list(v).map((p) => `${kind} ${show(p)}`));
      const conditions = Object.entries<any>(statement.Condition ?? {})
        .flatMap(([op, keys]) => Object.entries<any>(keys).map(([key, v]) => `${op} ${key} = ${show(v)}`));
      lines.push(`      trusted by ${principals.join(', ')}${conditions.length ? ` when ${conditions.join(' and ')}` : ' with no condition'}`);
    }
    for (const policy of list<any>(props.Policies)) {
      for (const statement of list<any>(policy.PolicyDocument?.Statement)) {
        const actions = list<string>(statement.Action).filter((a) => /^sts:/i.test(a));
        if (actions.length === 0) continue;
        const when = statement.Condition ? ` when ${JSON.stringify(statement.Condition)}` : '';
        lines.push(`      may ${statement.Effect === 'Deny' ? 'NOT ' : ''}${actions.join(', ')} on ${list(statement.Resource).map(show).join(', ')}${when}`);
      }
    }
  }
  for (const [name, parameter] of Object.entries<any>(template.Parameters ?? {})) {
    lines.push(`    parameter ${name}: ${parameter.Type}${parameter.NoEcho ? ', NoEcho' : ''}${'Default' in parameter ? ', has a Default' : ''}`
      + `, length ${parameter.MinLength ?? '?'}..${parameter.MaxLength ?? '?'}`);
  }
  return lines;
}

for (const example of EXAMPLES) {
  const outdir = path.join(__dirname, 'cdk.out', example.name);
  const app = example.build(new App({ outdir }));
  const assembly = app.synth();
  console.log(`${example.name} -> ${path.relative(process.cwd(), outdir)}`);
  for (const stack of app.node.children.filter(Stack.isStack)) {
    console.log(describeStack(assembly.getStackByName(stack.stackName).template, stack.stackName).join('\n'));
  }
}
