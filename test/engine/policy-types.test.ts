import * as fs from 'fs';
import * as path from 'path';
import { Assembly, InterfaceType, TypeReference, isCollectionTypeReference, isNamedTypeReference, isPrimitiveTypeReference, isUnionTypeReference, loadAssemblyFromPath } from '@jsii/spec';
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sam from 'aws-cdk-lib/aws-sam';
import * as sso from 'aws-cdk-lib/aws-sso';
import * as fc from 'fast-check';
import { check } from '../../src/engine';
import { OTHER_POLICY_PROPERTIES, POLICY_BEARING_TYPES, SAM_POLICY_TEMPLATES } from '../../src/engine/policy-types';
import { parseTemplate, parseTemplateBody } from '../../src/template/parse';
import { OWN_ACCOUNT, VENDOR_ACCOUNT, ofRule, run, synth } from '../rules/fixtures';

const fixture = (name: string) => parseTemplate(fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8')).template;
const ruleIds = (findings: ReadonlyArray<{ ruleId: string; findingId: string }>) => findings.map((f) => `${f.ruleId}[${f.findingId}]`);

/**
 * The CloudFormation and SAM resource specifications as aws-cdk-lib ships them: its jsii assembly describes every
 * L1 `Cfn*` class generated from them (aws_sam included), with the CloudFormation type and each property's type.
 */
const assembly: Assembly = loadAssemblyFromPath(path.dirname(require.resolve('aws-cdk-lib/package.json')), false, ['intersection-types']);

/** Whether a property type is, or reaches through lists, unions and structs, a JSON value (the specification's `Json`). */
function reachesJson(t: TypeReference, seen: Set<string>): boolean {
  if (isPrimitiveTypeReference(t)) return t.primitive === 'any' || t.primitive === 'json';
  if (isUnionTypeReference(t)) return t.union.types.some((x) => reachesJson(x, seen));
  if (isCollectionTypeReference(t)) return reachesJson(t.collection.elementtype, seen);
  if (isNamedTypeReference(t)) {
    const struct = assembly.types?.[t.fqn];
    if (struct?.kind !== 'interface' || !(struct as InterfaceType).datatype || seen.has(t.fqn)) return false;
    seen.add(t.fqn);
    return ((struct as InterfaceType).properties ?? []).some((p) => reachesJson(p.type, seen));
  }
  return false;
}

function isString(t: TypeReference): boolean {
  return isPrimitiveTypeReference(t) ? t.primitive === 'string' : isUnionTypeReference(t) && t.union.types.some(isString);
}

/**
 * `Type.Property` of every property that may hold a policy document: named like a policy and holding JSON, or a
 * string named like a policy document (some services take the document as a JSON string).
 */
function specPolicyProperties(): string[] {
  const out: string[] = [];
  for (const [fqn, type] of Object.entries(assembly.types ?? {})) {
    const cfnType = type.docs?.custom?.cloudformationResource;
    const props = assembly.types?.[`${fqn}Props`] as InterfaceType | undefined;
    if (cfnType === undefined || props === undefined) continue;
    for (const p of props.properties ?? []) {
      const json = /polic/i.test(p.name) && reachesJson(p.type, new Set());
      const text = /polic(y|ies)(document|text)?$/i.test(p.name) && isString(p.type);
      if (json || text) out.push(`${cfnType}.${p.name.charAt(0).toUpperCase()}${p.name.slice(1)}`);
    }
  }
  return out.sort();
}

const OURS = Object.entries(POLICY_BEARING_TYPES).flatMap(([type, b]) => [
  ...(b.trust ? [`${type}.${b.trust}`] : []),
  ...b.identity.map((i) => `${type}.${i.property}`),
]);
const OTHERS = Object.values(OTHER_POLICY_PROPERTIES).flat();

describe('the resource types that carry a trust or identity policy, against the CloudFormation and SAM specifications', () => {
  const spec = specPolicyProperties();

  test('the specification is read: it has the IAM, SSO and SAM policy properties and many resource policies', () => {
    expect(spec).toEqual(expect.arrayContaining([
      'AWS::IAM::Role.AssumeRolePolicyDocument', 'AWS::IAM::Role.Policies', 'AWS::IAM::RolePolicy.PolicyDocument',
      'AWS::Serverless::Function.AssumeRolePolicyDocument', 'AWS::Serverless::Function.Policies', 'AWS::S3::BucketPolicy.PolicyDocument',
    ]));
    expect(spec.length).toBeGreaterThan(100);
  });

  test('every policy property of the specification is either read or listed with the reason it grants no identity permissions', () => {
    const unclassified = spec.filter((p) => !OURS.includes(p) && !OTHERS.includes(p));
    expect(unclassified).toEqual([]);
  });

  test('every listed property exists in the specification, and none is listed twice', () => {
    expect([...OURS, ...OTHERS].filter((p) => !spec.includes(p))).toEqual([]);
    expect(new Set([...OURS, ...OTHERS]).size).toBe(OURS.length + OTHERS.length);
  });

  test('every SAM policy template of the specification is known', () => {
    const templates = Object.entries(assembly.types ?? {})
      .filter(([fqn]) => /\.aws_sam\.Cfn\w+\.SAMPolicyTemplateProperty$/.test(fqn))
      .flatMap(([, t]) => ((t as InterfaceType).properties ?? []).map((p) => p.name.toLowerCase()));
    expect(templates.length).toBeGreaterThan(30);
    const known = new Set(SAM_POLICY_TEMPLATES.map((t) => t.toLowerCase()));
    expect(templates.filter((t) => !known.has(t))).toEqual([]);
  });
});

/** Any role in any account: XAT8 (any role name) and XAT9 (any account, no Deny). */
const ASSUME_ANYTHING = { Sid: 'AssumeAnything', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' };
const doc = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

describe('identity policies of every policy-bearing type are checked like inline policies of a role', () => {
  test('AWS::IAM::RolePolicy allowing sts:AssumeRole on "*" is XAT8 and XAT9, as the same statement inline is', () => {
    const standalone = check([{ source: 'role-policy.yaml', template: fixture('role-policy-assume-any.yaml') }]);
    expect(standalone.errors).toEqual([]);
    expect(ruleIds(standalone.findings)).toEqual(['XAT8[Statement0]', 'XAT9[Statement0]']);
    expect(standalone.findings.map((f) => f.resource)).toEqual(['WorkerAssumeAnything', 'WorkerAssumeAnything']);
    expect(standalone.findings[0].path).toEqual(['Resources', 'WorkerAssumeAnything', 'Properties', 'PolicyDocument', 'Statement', 0]);
  });

  test('a Deny of the own account in another RolePolicy of the same role stops XAT9', () => {
    const result = run([synth((s) => {
      const role = new iam.CfnRole(s, 'Worker', { assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }) });
      new iam.CfnRolePolicy(s, 'Assume', { roleName: role.ref, policyName: 'assume', policyDocument: doc(ASSUME_ANYTHING) });
      new iam.CfnRolePolicy(s, 'Guard', {
        roleName: role.ref,
        policyName: 'guard',
        policyDocument: doc({ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*', Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } } }),
      });
    })]);
    expect(ruleIds(result.findings)).toEqual(['XAT8[Sid-AssumeAnything]']);
  });

  test.each([
    ['AWS::IAM::UserPolicy', (s: cdk.Stack) => new iam.CfnUserPolicy(s, 'Holder', { userName: 'u', policyName: 'p', policyDocument: doc(ASSUME_ANYTHING) })],
    ['AWS::IAM::GroupPolicy', (s: cdk.Stack) => new iam.CfnGroupPolicy(s, 'Holder', { groupName: 'g', policyName: 'p', policyDocument: doc(ASSUME_ANYTHING) })],
    ['AWS::IAM::Policy', (s: cdk.Stack) => new iam.CfnPolicy(s, 'Holder', { users: ['u'], policyName: 'p', policyDocument: doc(ASSUME_ANYTHING) })],
    ['AWS::IAM::ManagedPolicy', (s: cdk.Stack) => new iam.CfnManagedPolicy(s, 'Holder', { policyDocument: doc(ASSUME_ANYTHING) })],
    ['AWS::IAM::User', (s: cdk.Stack) => new iam.CfnUser(s, 'Holder', { policies: [{ policyName: 'p', policyDocument: doc(ASSUME_ANYTHING) }] })],
    ['AWS::IAM::Group', (s: cdk.Stack) => new iam.CfnGroup(s, 'Holder', { policies: [{ policyName: 'p', policyDocument: doc(ASSUME_ANYTHING) }] })],
    ['AWS::SSO::PermissionSet', (s: cdk.Stack) => new sso.CfnPermissionSet(s, 'Holder', { instanceArn: 'arn:aws:sso:::instance/ssoins-1', name: 'ops', inlinePolicy: doc(ASSUME_ANYTHING) })],
    ['AWS::Serverless::StateMachine', (s: cdk.Stack) => new sam.CfnStateMachine(s, 'Holder', { definitionUri: 's3://b/k', policies: { version: '2012-10-17', statement: [ASSUME_ANYTHING] } })],
  ])('%s allowing sts:AssumeRole on "*" is XAT8 and XAT9', (type, build) => {
    const template = synth((s) => {
      s.addTransform('AWS::Serverless-2016-10-31');
      build(s);
    });
    expect(template.Resources.Holder.Type).toBe(type);
    const result = run([template]);
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => `${f.resource} ${f.ruleId}`)).toEqual(['Holder XAT8', 'Holder XAT9']);
  });
});

describe('SAM: AWS::Serverless::Function creates a role from AssumeRolePolicyDocument and Policies', () => {
  test('its trust of a whole account and its policy document are checked; managed policy names and known policy templates are references', () => {
    const result = check([{ source: 'sam-function.yaml', template: fixture('sam-function.yaml') }], { parseTemplateBody });
    expect(result.errors).toEqual([]);
    expect(ruleIds(result.findings)).toEqual([
      'XAT1[Statement0]', 'XAT3[Statement0.Principal0]', 'XAT8[Policies2.Sid-AssumeAnything]', 'XAT9[Policies2.Sid-AssumeAnything]',
    ]);
    expect(result.findings.every((f) => f.resource === 'Collector')).toBe(true);
    expect(result.findings[0].path).toEqual(['Resources', 'Collector', 'Properties', 'AssumeRolePolicyDocument', 'Statement', 0]);
    expect(result.findings[1].message).toMatch(/arn:aws:iam::111122223333:root/);
    expect(result.findings[2].message).toMatch(/^Policy document entry 2 of Policies, statement "AssumeAnything" allows sts:AssumeRole on \*/);
  });

  test('with its own Role, SAM creates no role and ignores AssumeRolePolicyDocument and Policies', () => {
    const template = fixture('sam-function.yaml') as any;
    template.Resources.Collector.Properties.Role = 'arn:aws:iam::444455556666:role/existing';
    expect(check([{ source: 't', template }]).findings).toEqual([]);
  });

  test('a Role behind a condition: the findings hold only where SAM creates the role', () => {
    const template = fixture('sam-function.yaml') as any;
    template.Conditions = { UseOwn: { 'Fn::Equals': [{ Ref: 'Mode' }, 'own'] } };
    template.Parameters = { Mode: { Type: 'String' } };
    template.Resources.Collector.Properties.Role = { 'Fn::If': ['UseOwn', 'arn:aws:iam::444455556666:role/existing', { Ref: 'AWS::NoValue' }] };
    const result = check([{ source: 't', template }]);
    expect(ofRule(result, 'XAT3')[0].message).toMatch(/when condition UseOwn is false/);
  });

  test('without AssumeRolePolicyDocument the role trusts Lambda only (SAM\'s default): nothing to report', () => {
    const template = fixture('sam-function.yaml') as any;
    delete template.Resources.Collector.Properties.AssumeRolePolicyDocument;
    expect(check([{ source: 't', template }]).findings.map((f) => f.ruleId)).toEqual(['XAT8', 'XAT9']);
  });

  test('Policies as a single document rather than a list', () => {
    const result = run([synth((s) => {
      s.addTransform('AWS::Serverless-2016-10-31');
      new sam.CfnFunction(s, 'Fn', { runtime: 'python3.12', handler: 'i.h', inlineCode: 'x', policies: { statement: ASSUME_ANYTHING } });
    })]);
    expect(ruleIds(result.findings)).toEqual(['XAT8[Policies.Sid-AssumeAnything]', 'XAT9[Policies.Sid-AssumeAnything]']);
    expect(result.findings[0].path).toEqual(['Resources', 'Fn', 'Properties', 'Policies', 'Statement']);
  });

  test('a Deny in a managed policy of the template that the function attaches by Ref stops XAT9', () => {
    const result = run([synth((s) => {
      s.addTransform('AWS::Serverless-2016-10-31');
      const guard = new iam.CfnManagedPolicy(s, 'Guard', {
        policyDocument: doc({ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*', Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } } }),
      });
      new sam.CfnFunction(s, 'Fn', { runtime: 'python3.12', handler: 'i.h', inlineCode: 'x', policies: [guard.ref, { statement: [ASSUME_ANYTHING] }] });
    })]);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['XAT8']);
  });

  test.each([
    ['a policy template this version does not know', { SomeFuturePolicy: { Name: 'x' } }, /entry 1 of Policies of AWS::Serverless::Function Collector is the SAM policy template SomeFuturePolicy, which this version does not know, so the permissions it grants could not be checked/],
    ['an object that is neither', { Version: '2012-10-17', Statment: [] }, /is an object with neither Statement nor a single policy template name \(keys Version, Statment\)/],
    ['a number', 42, /entry 1 of Policies of AWS::Serverless::Function Collector is a number/],
  ])('an entry of Policies that is %s is an error naming the function', (_name, entry, message) => {
    const template = fixture('sam-function.yaml') as any;
    template.Resources.Collector.Properties.Policies[1] = entry;
    const result = check([{ source: 'sam-function.yaml', template }]);
    expect(result.errors).toEqual([{ source: 'sam-function.yaml', resource: 'Collector', message: expect.stringMatching(message) }]);
    // The rest of the function is still checked.
    expect(result.findings.map((f) => f.ruleId)).toEqual(['XAT1', 'XAT3', 'XAT8', 'XAT9']);
  });
});

describe('property-based: the same statement is judged the same whichever policy-bearing type holds it', () => {
  const IDENTITY: ReadonlyArray<[string, (statement: unknown) => Record<string, unknown>]> = [
    ['inline', (st) => ({ Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: doc(), Policies: [{ PolicyName: 'p', PolicyDocument: doc(st) }] } })],
    ['AWS::IAM::RolePolicy', (st) => ({ Type: 'AWS::IAM::RolePolicy', Properties: { RoleName: 'r', PolicyName: 'p', PolicyDocument: doc(st) } })],
    ['AWS::IAM::UserPolicy', (st) => ({ Type: 'AWS::IAM::UserPolicy', Properties: { UserName: 'u', PolicyName: 'p', PolicyDocument: doc(st) } })],
    ['AWS::IAM::GroupPolicy', (st) => ({ Type: 'AWS::IAM::GroupPolicy', Properties: { GroupName: 'g', PolicyName: 'p', PolicyDocument: doc(st) } })],
    ['AWS::IAM::ManagedPolicy', (st) => ({ Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc(st) } })],
    ['AWS::SSO::PermissionSet', (st) => ({ Type: 'AWS::SSO::PermissionSet', Properties: { InstanceArn: 'i', Name: 'n', InlinePolicy: doc(st) } })],
    ['AWS::Serverless::Function', (st) => ({ Type: 'AWS::Serverless::Function', Properties: { Policies: [doc(st)] } })],
    ['AWS::Serverless::StateMachine', (st) => ({ Type: 'AWS::Serverless::StateMachine', Properties: { Policies: doc(st) } })],
  ];
  const resource = fc.constantFrom('*', 'arn:aws:iam::*:role/*', 'arn:aws:iam::*:role/VendorAccess', `arn:aws:iam::${VENDOR_ACCOUNT}:role/*`,
    `arn:aws:iam::${VENDOR_ACCOUNT}:role/VendorAccess`, 'arn:aws:s3:::bucket/*', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${Name}' });
  const action = fc.constantFrom('sts:AssumeRole', 'sts:*', '*', 's3:GetObject', ['sts:TagSession', 'sts:AssumeRole']);
  const statement = fc.record({ Effect: fc.constantFrom('Allow', 'Deny'), Action: action, Resource: fc.oneof(resource, fc.array(resource, { minLength: 1, maxLength: 3 })) });

  test('rule ids of a statement match those it gets inline in a role', () => {
    fc.assert(fc.property(statement, (st) => {
      const rules = IDENTITY.map(([name, make]) => {
        const result = check([{ source: 't', template: { Parameters: { Name: { Type: 'String' } }, Resources: { Holder: make(st) } }, account: OWN_ACCOUNT }]);
        return [name, result.findings.map((f) => f.ruleId).join(',')];
      });
      const inline = rules[0][1];
      expect(rules).toEqual(IDENTITY.map(([name]) => [name, inline]));
    }), { numRuns: 60 });
  });
});
