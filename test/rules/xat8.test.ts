import { CfnParameter } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { OWN_ACCOUNT, checkOne, ofRule, run } from './fixtures';
import { deputy } from './xat8-xat9.fixtures';
import { parseTemplate } from '../../src/template/parse';

describe('XAT8: identity policy assuming any role name', () => {
  test.each([
    ['Resource *', '*'],
    ['any role of any account', 'arn:aws:iam::*:role/*'],
    ['a role-name prefix', 'arn:aws:iam::*:role/cdk-*'],
    ['anything in IAM', 'arn:aws:iam::*:*'],
  ])('%s', (_name, resource) => {
    const f = ofRule(checkOne((s) => deputy(s, [resource], true)), 'XAT8');
    expect(f).toHaveLength(1);
    expect(f[0].resource).toMatch(/^DeputyDefaultPolicy/);
    expect(f[0].findingId).toBe('Sid-AssumeCustomerRoles');
    expect(f[0].message).toContain('which matches any role name');
    expect(f[0].message).toContain('Name the one role it needs instead: "arn:aws:iam::*:role/<role name>"');
  });

  test('one named role in any account, with the Deny, is compliant (no finding of any rule)', () => {
    expect(checkOne((s) => deputy(s, ['arn:aws:iam::*:role/VendorAccess'], true)).findings).toEqual([]);
  });

  test('CfnManagedPolicy and a role inline policy are identity policies too', () => {
    const result = checkOne((s) => {
      new iam.CfnManagedPolicy(s, 'Managed', {
        policyDocument: { Statement: { Effect: 'Allow', Action: 'sts:*', Resource: '*' } },
      });
      new iam.CfnRole(s, 'Inline', {
        assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ec2.amazonaws.com' } }] },
        policies: [{ policyName: 'Assume', policyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:iam::*:role/*' }] } }],
      });
    });
    expect(ofRule(result, 'XAT8').map((f) => [f.resource, f.findingId])).toEqual([
      ['Inline', 'Policy-Assume.Statement0'],
      ['Managed', 'Statement0'],
    ]);
  });

  test('unresolvable: a role name from a parameter', () => {
    const result = checkOne((s) => {
      const name = new CfnParameter(s, 'Target', { type: 'String' });
      new iam.CfnPolicy(s, 'Policy', {
        policyName: 'p',
        policyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: name.valueAsString }] },
      });
    });
    expect(ofRule(result, 'XAT8')[0].message).toMatch(/could not be resolved to a role name.*acknowledge/);
  });
});

describe('XAT8 and XAT9: grants on roles of the own account are resolved to what they are', () => {
  /** A worker role allowed to assume roles given as `targets` (YAML flow values), next to a role Target of the same template. */
  const worker = (targets: string[], extra = '') => parseTemplate(`
Parameters:
  TargetName:
    Type: String
${extra}
Resources:
  Target:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: !Ref AWS::AccountId }
            Action: sts:AssumeRole
  Queue:
    Type: AWS::SQS::Queue
  Generator:
    Type: Custom::Generator
    Properties:
      ServiceToken: arn:aws:lambda:eu-west-1:444455556666:function:gen
  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: Assume
          PolicyDocument:
            Statement:
${targets.map((t, i) => `              - Sid: Target${i}\n                Effect: Allow\n                Action: sts:AssumeRole\n                Resource: ${t}`).join('\n')}
`).template as Record<string, any>;

  test.each([
    ['!GetAtt Target.Arn'],
    ['!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Target}"'],
    ['!Join ["", ["arn:aws:iam::", !Ref AWS::AccountId, ":role/", !Ref Target]]'],
    ['!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"'],
    [`arn:aws:iam::${OWN_ACCOUNT}:role/cdk-*`],
    ['!GetAtt Queue.Arn'],
  ])('%s is in the own account: no finding', (target) => {
    expect(run([worker([target])]).findings).toEqual([]);
  });

  test('the name of a role of the template in any account is one role name: XAT9 without the Deny, no XAT8', () => {
    const result = run([worker(['!Sub "arn:${AWS::Partition}:iam::*:role/${Target}"'])]);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['XAT9']);
  });

  test('a value a custom resource returns may be anything: XAT8 says so, without advising a wider grant', () => {
    const [f] = ofRule(run([worker(['!GetAtt Generator.RoleArn'])]), 'XAT8');
    expect(f.message).toContain('Custom::Generator, a custom or third-party resource type, which may return any value');
    expect(f.message).not.toContain('arn:aws:iam::*');
  });

  test('a role-name wildcard in another account is XAT8, and the advice keeps that account', () => {
    const [f] = ofRule(run([worker(['arn:aws:iam::777788889999:role/cdk-*'])]), 'XAT8');
    expect(f.message).toContain('Name the one role it needs instead: "arn:aws:iam::777788889999:role/<role name>"');
  });

  test('a role name from a parameter confined to IAM name characters is one role name', () => {
    const confined = '  Confined:\n    Type: String\n    AllowedPattern: "[\\\\w+=,.@-]+"';
    expect(ofRule(run([worker(['!Sub "arn:aws:iam::777788889999:role/${Confined}"'], confined)]), 'XAT8')).toEqual([]);
    const [open] = ofRule(run([worker(['!Sub "arn:aws:iam::777788889999:role/${TargetName}"'])]), 'XAT8');
    expect(open.message).toContain('its role name is decided at deploy time and may hold wildcards');
  });

  test('property: a target in the own account is never XAT8 or XAT9, whatever its role name', () => {
    const name = fc.stringMatching(/^[\w+=,.@*?-]{1,20}$/);
    const own = fc.constantFrom('${AWS::AccountId}', OWN_ACCOUNT);
    fc.assert(fc.property(own, name, (account, roleName) => {
      const result = run([worker([JSON.stringify(`arn:aws:iam::${account}:role/${roleName}`).replace(/^"/, '!Sub "')])]);
      expect(result.findings.filter((f) => f.ruleId === 'XAT8' || f.ruleId === 'XAT9')).toEqual([]);
    }), { numRuns: 50 });
  });

  test('property: XAT8 advice never widens the account part of the grant', () => {
    const account = fc.oneof(fc.constant('*'), fc.stringMatching(/^[1-9]\d{11}$/).filter((a) => a !== OWN_ACCOUNT));
    const wildName = fc.tuple(fc.stringMatching(/^[\w+=,.@-]{0,10}$/), fc.constantFrom('*', '?')).map(([n, w]) => `${n}${w}`);
    fc.assert(fc.property(account, wildName, (acct, roleName) => {
      const [f] = ofRule(run([worker([JSON.stringify(`arn:aws:iam::${acct}:role/${roleName}`)])]), 'XAT8');
      const advised = [...f.message.matchAll(/"(arn:aws:iam::[^"]*)"/g)].map((m) => m[1]);
      expect(advised).toEqual([`arn:aws:iam::${acct}:role/<role name>`]);
    }), { numRuns: 50 });
  });
});

describe('Fn::ImportValue resolves to the export of another template of the same check', () => {
  const exporter = {
    Resources: { Target: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } } },
    Outputs: { TargetArn: { Value: { 'Fn::GetAtt': ['Target', 'Arn'] }, Export: { Name: 'Targets:TargetArn' } } },
  };
  const importer = (name: string) => ({
    Resources: {
      Policy: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: { 'Fn::ImportValue': name } }] } },
      },
    },
  });

  test('a role ARN exported by another template is a role of the own account, in either order of the inputs', () => {
    expect(run([exporter, importer('Targets:TargetArn')]).findings).toEqual([]);
    expect(run([importer('Targets:TargetArn'), exporter]).findings).toEqual([]);
  });

  test('an export no template of the check holds is reported as not resolved', () => {
    const [f] = ofRule(run([exporter, importer('Elsewhere:RoleArn')]), 'XAT8');
    expect(f.message).toContain('Fn::ImportValue Elsewhere:RoleArn, which no template of this check exports');
  });

  test('an export that leads back to itself is not resolved, and does not hang', () => {
    const loop = { Resources: {}, Outputs: { Loop: { Value: { 'Fn::ImportValue': 'Loop' }, Export: { Name: 'Loop' } } } };
    const [f] = ofRule(run([loop, importer('Loop')]), 'XAT8');
    expect(f.message).toContain('leads back to itself');
  });
});
