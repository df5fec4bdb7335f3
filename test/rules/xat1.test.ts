import { CfnCondition, CfnParameter, Fn, Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { VENDOR_ROLE, checkOne, goodExternalIdParameter, goodRole, ofRule, synth, trustDoc, run, logicalIds } from './fixtures';

describe('XAT1: cross-account trust without an enforced sts:ExternalId', () => {
  test('the compliant L2 role has no finding of any rule', () => {
    const result = checkOne((s) => goodRole(s));
    expect(result.findings).toEqual([]);
    expect(result.errors).toEqual([]);
  });

  test('an L2 role trusting a vendor role without externalIds', () => {
    const t = synth((s) => new iam.Role(s, 'Role', { assumedBy: new iam.ArnPrincipal(VENDOR_ROLE) }));
    const [f] = ofRule(run([t]), 'XAT1');
    expect(f).toMatchObject({ resource: logicalIds(t, 'AWS::IAM::Role')[0], findingId: 'Statement0', level: 'error' });
    expect(f.message).toContain('without an sts:ExternalId condition');
    expect(f.message).toContain('"Condition": {"StringEquals": {"sts:ExternalId": "<value>"}}');
    expect(f.message).toContain(VENDOR_ROLE);
  });

  test('a second Allow statement for the same principal without the condition is a bypass', () => {
    const result = checkOne((s) => {
      const role = goodRole(s, 'Role');
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
        sid: 'Extra', actions: ['sts:AssumeRole'], principals: [new iam.ArnPrincipal(VENDOR_ROLE)],
      }));
    });
    const f = ofRule(result, 'XAT1');
    expect(f).toHaveLength(1);
    expect(f[0].findingId).toBe('Sid-Extra');
    expect(f[0].message).toMatch(/statement 0 requires an ExternalId for the same principal.*bypassing/);
  });

  test('the Condition under an Fn::If with a branch that drops it', () => {
    const t = synth((s) => {
      const p = goodExternalIdParameter(s);
      const enforce = new CfnCondition(s, 'Enforce', { expression: Fn.conditionEquals(p.valueAsString, 'skip') });
      new iam.CfnRole(s, 'Role', {
        assumeRolePolicyDocument: trustDoc({
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: VENDOR_ROLE },
          Condition: Fn.conditionIf(enforce.logicalId, Aws.NO_VALUE, { StringEquals: { 'sts:ExternalId': p.valueAsString } }),
        }),
      });
    });
    const f = ofRule(run([t]), 'XAT1');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ resource: 'Role', findingId: 'Statement0' });
    expect(f[0].message).toContain('when condition Enforce is true');
  });

  test('Statement as a single object, sts:AssumeRole covered by sts:Assume*', () => {
    const result = checkOne((s) => new iam.CfnRole(s, 'Role', {
      assumeRolePolicyDocument: { Statement: { Effect: 'Allow', Action: ['sts:Assume*'], Principal: { AWS: VENDOR_ROLE } } },
    }));
    expect(ofRule(result, 'XAT1').map((f) => f.findingId)).toEqual(['Statement0']);
  });

  test('NotAction that does not exclude sts:AssumeRole is in scope; one that excludes it is not', () => {
    const result = checkOne((s) => {
      new iam.CfnRole(s, 'Open', { assumeRolePolicyDocument: trustDoc({ Effect: 'Allow', NotAction: 'sts:TagSession', Principal: { AWS: VENDOR_ROLE } }) });
      new iam.CfnRole(s, 'Closed', { assumeRolePolicyDocument: trustDoc({ Effect: 'Allow', NotAction: 'sts:Assume*', Principal: { AWS: VENDOR_ROLE } }) });
    });
    expect(ofRule(result, 'XAT1').map((f) => f.resource)).toEqual(['Open']);
  });

  test('own-account, internal-account and service principals are out of scope', () => {
    const t = synth((s) => {
      new iam.Role(s, 'Own', { assumedBy: new iam.AccountRootPrincipal() });
      new iam.Role(s, 'Service', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      new iam.Role(s, 'Internal', { assumedBy: new iam.AccountPrincipal('999988887777') });
      new iam.CfnRole(s, 'Pseudo', { assumeRolePolicyDocument: trustDoc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: Fn.sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') } }) });
    });
    const result = run([t], { internalAccounts: ['999988887777'] });
    expect(result.findings).toEqual([]);
    expect(ofRule(run([t]), 'XAT1').map((f) => f.resource)).toEqual([logicalIds(t, 'AWS::IAM::Role').find((id) => id.startsWith('Internal'))]);
  });

  test('unresolvable: a Condition from an unknown intrinsic is a finding that says so', () => {
    const result = checkOne((s) => {
      const cond = new CfnParameter(s, 'Unused');
      void cond;
      new iam.CfnRole(s, 'Role', {
        assumeRolePolicyDocument: trustDoc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: VENDOR_ROLE }, Condition: { 'Fn::Transform': { Name: 'X' } } }),
      });
    });
    const [f] = ofRule(result, 'XAT1');
    expect(f.message).toMatch(/could not be resolved.*Fn::Transform.*acknowledge/);
  });

  test('unresolvable: a trust policy from Fn::ImportValue', () => {
    const result = checkOne((s) => new iam.CfnRole(s, 'Role', { assumeRolePolicyDocument: Fn.importValue('SharedTrust') }));
    const [f] = ofRule(result, 'XAT1');
    expect(f).toMatchObject({ resource: 'Role', findingId: 'TrustPolicy' });
    expect(f.message).toContain('Fn::ImportValue');
  });

  describe('a plain StringEquals that AWS cannot enforce', () => {
    const role = (condition: unknown) => ({
      Parameters: { ExternalId: { Type: 'String', NoEcho: true, MinLength: 32, MaxLength: 1224, AllowedPattern: '[\\w+=,.@:/-]*' } },
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: VENDOR_ROLE }, Condition: condition }],
            },
          },
        },
      },
    });

    test.each([
      ['with no value', { StringEquals: { 'sts:ExternalId': [] } }, /StringEquals lists no value/],
      ['with an object for a value', { StringEquals: { 'sts:ExternalId': { Value: 'x' } } }, /StringEquals has a value that could not be read \(expected a string, got an object\).*acknowledge/],
      ['with an object beside a good value', { StringEquals: { 'sts:ExternalId': [{ Ref: 'ExternalId' }, { Value: 'x' }] } }, /could not be read/],
    ])('%s is XAT1\'s, not XAT2\'s', (_name, condition, why) => {
      const result = run([role(condition)]);
      expect(ofRule(result, 'XAT2')).toEqual([]);
      const f = ofRule(result, 'XAT1');
      expect(f).toHaveLength(1);
      expect(f[0].findingId).toBe('Statement0');
      expect(f[0].message).toMatch(why);
    });

    test('an operator block that cannot be resolved is reported', () => {
      const result = run([role({ StringEquals: { 'Fn::Transform': { Name: 'X' } } })]);
      expect(ofRule(result, 'XAT1')[0].message).toMatch(/Condition of statement 0 .*could not be resolved/);
    });
  });
});
