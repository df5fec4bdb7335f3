// The main job: synthesize every example app into examples/cdk.out/<example>/ and print, per stack,
// the roles it creates, what trusts what, the customer account registry (its table, the template bucket's
// policy and the grants on them), and the CrossAccountTrust pack's findings; then scan the
// cloud assemblies with the cross-account-trust CLI. Exits non-zero
// when an example does not behave as documented: the vendor and customer examples must pass the
// pack, the platform example's unsafe stack must fail it and its safe stack must pass.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { buildCustomerApp } from './customer-stack';
import { buildPlatformApp } from './platform-app';
import { buildVendorApp } from './vendor-app';
import { CrossAccountTrustChecks } from '../src';
import { EXIT_FINDINGS, run } from '../src/cli/run';

const EXAMPLES: Array<{ name: string; build: (app: App) => App; unsafeStacks: string[] }> = [
  { name: 'vendor-app', build: buildVendorApp, unsafeStacks: [] },
  { name: 'customer-stack', build: buildCustomerApp, unsafeStacks: [] },
  { name: 'platform-app', build: buildPlatformApp, unsafeStacks: ['PlatformLegacy'] },
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

/** ExternalIds are not printed: a literal one is already a finding, no need to spread it further. */
function conditionValue(key: string, value: unknown): string {
  return key.toLowerCase() === 'sts:externalid' && typeof value === 'string' ? `(a literal of ${value.length} characters)` : show(value);
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
        .flatMap(([op, keys]) => Object.entries<any>(keys).map(([key, v]) => `${op} ${key} = ${conditionValue(key, v)}`));
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
  return [...lines, ...describeRegistry(template)];
}

/** A statement in one line: effect, actions, principal, resources and condition. */
function statementLine(statement: any): string {
  const principal = statement.Principal === undefined ? ''
    : ` to ${typeof statement.Principal === 'string' ? statement.Principal : Object.entries<any>(statement.Principal).map(([k, v]) => `${k} ${list(v).map(show).join(', ')}`).join(', ')}`;
  const when = statement.Condition ? ` when ${JSON.stringify(statement.Condition)}` : '';
  return `${statement.Effect} ${list<string>(statement.Action).join(', ')}${principal} on ${list(statement.Resource).map(show).join(', ')}${when}`;
}

/** The customer account registry's table, the template bucket's policy and the identity grants on them. */
function describeRegistry(template: any): string[] {
  const lines: string[] = [];
  for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::DynamoDB::Table') {
      const sse = props.SSESpecification?.SSEEnabled ? `KMS key ${show(props.SSESpecification.KMSMasterKeyId)}` : 'an AWS owned key';
      lines.push(`    table ${logicalId}: ${props.BillingMode}, point-in-time recovery ${props.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled ? 'on' : 'off'}, `
        + `deletion protection ${props.DeletionProtectionEnabled ? 'on' : 'off'}, encrypted with ${sse}, DeletionPolicy ${resource.DeletionPolicy ?? 'Delete'}`);
    } else if (resource.Type === 'AWS::S3::Bucket') {
      const block = Object.entries<boolean>(props.PublicAccessBlockConfiguration ?? {}).map(([k, v]) => `${k} ${v ? 'on' : 'off'}`).join(', ');
      lines.push(`    bucket ${logicalId}: ${block || 'no public access block'}`);
    } else if (resource.Type === 'AWS::S3::BucketPolicy') {
      lines.push(`    bucket policy of ${show(props.Bucket)}:`);
      for (const statement of list<any>(props.PolicyDocument?.Statement)) lines.push(`      ${statementLine(statement)}`);
    } else if (resource.Type === 'AWS::IAM::Policy') {
      lines.push(`    policy ${logicalId} of ${list(props.Roles).map(show).join(', ')}:`);
      for (const statement of list<any>(props.PolicyDocument?.Statement)) lines.push(`      ${statementLine(statement)}`);
    }
  }
  return lines;
}

/** The pack's findings per stack path (acknowledged ones are left out, as at synth). */
function packFindings(app: App): Map<string, string[]> {
  const byStack = new Map<string, string[]>();
  for (const violation of new CrossAccountTrustChecks(app).validateScope(app).violations) {
    for (const resource of violation.violatingResources) {
      const stack = resource.constructPath?.split('/')[0] ?? '?';
      const where = resource.constructPath?.split('/').slice(1).join('/') ?? resource.resourceLogicalId;
      byStack.set(stack, [...(byStack.get(stack) ?? []),
        `      ${violation.ruleName} ${violation.severity} at ${where}: ${violation.description}`]);
    }
  }
  return byStack;
}

const surprises: string[] = [];
for (const example of EXAMPLES) {
  const outdir = path.join(__dirname, 'cdk.out', example.name);
  const app = example.build(new App({ outdir }));
  console.log(`\n${example.name} -> ${path.relative(process.cwd(), outdir)}`);
  const assembly = app.synth();
  const findings = packFindings(app);
  for (const stack of app.node.children.filter(Stack.isStack)) {
    console.log(describeStack(assembly.getStackByName(stack.stackName).template, stack.stackName).join('\n'));
    const lines = findings.get(stack.node.path) ?? [];
    const expectUnsafe = example.unsafeStacks.includes(stack.stackName);
    console.log(lines.length === 0 ? '    CrossAccountTrust pack: no findings' : `    CrossAccountTrust pack: ${lines.length} finding(s)${expectUnsafe ? ' (this stack is unsafe on purpose)' : ''}`);
    if (lines.length > 0) console.log(lines.join('\n'));
    if (expectUnsafe !== (lines.length > 0)) {
      surprises.push(`${example.name}/${stack.stackName}: expected ${expectUnsafe ? 'findings' : 'no findings'}, got ${lines.length}`);
    }
  }
}

// The same cloud assemblies through the CLI, as a CI job would scan them: it must agree with the pack.
const cdkOut = path.relative(process.cwd(), path.join(__dirname, 'cdk.out'));
console.log(`\n$ cdk-cross-account-trust check ${cdkOut}`);
const cliExit = run(['check', cdkOut], { stdout: process.stdout, stderr: process.stderr });
let json = '';
// Without --prove a run is synchronous: its report is written when run() returns.
void run(['check', '--format', 'json', cdkOut], { stdout: { write: (text: string) => (json += text) }, stderr: process.stderr });
const flagged = new Set((JSON.parse(json).findings as Array<{ stack?: string }>).map((f) => f.stack));
const unsafe = new Set(EXAMPLES.flatMap((e) => e.unsafeStacks));
if (cliExit !== EXIT_FINDINGS || [...flagged].sort().join() !== [...unsafe].sort().join()) {
  surprises.push(`the CLI exited ${cliExit} with findings in ${[...flagged].join(', ') || 'no stack'}; expected exit ${EXIT_FINDINGS} with findings in ${[...unsafe].join(', ')}`);
}

// The platform example's synth fails on purpose (aws-cdk-lib sets process.exitCode when a validation
// plugin reports errors); the job's outcome is whether every example behaved as documented.
process.exitCode = surprises.length > 0 ? 1 : 0;
console.log(surprises.length > 0 ? `\nExamples that did not behave as documented:\n  ${surprises.join('\n  ')}` : '\nEvery example behaved as documented.');
