import { CfnParameter } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { checkOne, ofRule } from './fixtures';
import { deputy } from './xat8-xat9.fixtures';

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
    expect(f[0].message).toContain('arn:aws:iam::*:role/<customer role name>');
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
