import * as iam from 'aws-cdk-lib/aws-iam';
import { checkOne, ofRule } from './fixtures';
import { DENY_OWN_ACCOUNT, deputy } from './xat8-xat9.fixtures';
import { check } from '../../src/engine';

describe('XAT9: deputy can assume roles in its own account', () => {
  test('a named role in any account without the self-account Deny', () => {
    const f = ofRule(checkOne((s) => deputy(s, ['arn:aws:iam::*:role/VendorAccess'], false)), 'XAT9');
    expect(f).toHaveLength(1);
    expect(f[0].findingId).toBe('Sid-AssumeCustomerRoles');
    expect(f[0].message).toContain('in any account');
    expect(f[0].message).toContain('"aws:ResourceAccount": "${aws:PrincipalAccount}"');
  });

  test('Resource * without the Deny is both XAT8 and XAT9; with the Deny only XAT8', () => {
    const without = checkOne((s) => deputy(s, ['*'], false));
    expect(ofRule(without, 'XAT9')).toHaveLength(1);
    const withDeny = checkOne((s) => deputy(s, ['*'], true));
    expect(ofRule(withDeny, 'XAT9')).toEqual([]);
    expect(ofRule(withDeny, 'XAT8')).toHaveLength(1);
  });

  test('a specific account is not "any account"', () => {
    expect(checkOne((s) => deputy(s, ['arn:aws:iam::777788889999:role/VendorAccess'], false)).findings).toEqual([]);
  });

  test('the Deny may sit in another policy attached to the same role', () => {
    const result = checkOne((s) => {
      const role = deputy(s, ['arn:aws:iam::*:role/VendorAccess'], false);
      new iam.Policy(s, 'Guard', { statements: [DENY_OWN_ACCOUNT], roles: [role] });
    });
    expect(result.findings).toEqual([]);
  });

  test('a Deny conditioned on something else does not count', () => {
    const result = checkOne((s) => {
      const role = deputy(s, ['arn:aws:iam::*:role/VendorAccess'], false);
      role.addToPolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY, actions: ['sts:AssumeRole'], resources: ['*'], conditions: { StringEquals: { 'aws:PrincipalTag/x': 'y' } },
      }));
    });
    expect(ofRule(result, 'XAT9')).toHaveLength(1);
  });
});

describe('XAT9 across templates', () => {
  const DENY = {
    Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*', Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
  };
  const GRANT = { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/VendorAccess' };
  const trust = { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

  test('a role of another template with the same logical id does not attach a managed policy to this template\'s role', () => {
    // In a.json, Deputy holds the managed policy Grants; in b.json, Grants is attached to nothing and Deputy's Deny does not cover it.
    const a = {
      Resources: {
        Deputy: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust, ManagedPolicyArns: [{ Ref: 'Grants' }] } },
        Grants: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [GRANT, DENY] } } },
      },
    };
    const b = {
      Resources: {
        Deputy: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: trust, Policies: [{ PolicyName: 'Guard', PolicyDocument: { Statement: [DENY] } }] },
        },
        Grants: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [GRANT] } } },
      },
    };
    const result = check([{ source: 'a.json', template: a }, { source: 'b.json', template: b }]);
    expect(result.findings.map((f) => [f.ruleId, f.source, f.resource])).toEqual([['XAT9', 'b.json', 'Grants']]);
  });
});
