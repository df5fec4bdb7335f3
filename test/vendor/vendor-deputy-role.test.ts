import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { VendorDeputyRole, VendorDeputyRoleProps } from '../../src';
import { check } from '../../src/engine';

function vendorStack(): Stack {
  return new Stack(new App(), 'Vendor', { env: { account: '111122223333', region: 'eu-west-1' } });
}

function build(props: Partial<VendorDeputyRoleProps> = {}, stack = vendorStack()) {
  const deputy = new VendorDeputyRole(stack, 'Deputy', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    customerRoleName: 'AcmeScannerAccess',
    roleName: 'AcmeDeputy',
    ...props,
  });
  return { stack, deputy, template: () => Template.fromStack(stack) };
}

describe('VendorDeputyRole identity policy', () => {
  test('allows AssumeRole and SetSourceIdentity only on the customer role name in any account, and denies its own account', () => {
    const { template } = build();
    template().hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AcmeDeputy',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }] },
      Policies: [{
        PolicyName: 'AssumeCustomerRoles',
        PolicyDocument: Match.exact({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AssumeCustomerRoles',
              Effect: 'Allow',
              Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
              Resource: 'arn:aws:iam::*:role/AcmeScannerAccess',
            },
            {
              Sid: 'DenyOwnAccount',
              Effect: 'Deny',
              Action: 'sts:AssumeRole',
              Resource: '*',
              Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
            },
          ],
        }),
      }],
    });
  });

  test('no statement allows anything on Resource "*"', () => {
    const { template } = build();
    const roles = template().findResources('AWS::IAM::Role');
    for (const role of Object.values(roles)) {
      for (const policy of role.Properties.Policies ?? []) {
        for (const statement of policy.PolicyDocument.Statement) {
          if (statement.Effect === 'Allow') expect(statement.Resource).not.toEqual('*');
        }
      }
    }
    template().resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('customerRolePath narrows the resource', () => {
    const { template, deputy } = build({ customerRolePath: '/vendors/acme/' });
    expect(deputy.customerRolePath).toBe('/vendors/acme/');
    template().hasResourceProperties('AWS::IAM::Role', {
      Policies: [{ PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: 'arn:aws:iam::*:role/vendors/acme/AcmeScannerAccess' })]) } }],
    });
  });

  test('an env-agnostic stack uses the partition token', () => {
    const { template } = build({}, new Stack(new App(), 'Vendor'));
    template().hasResourceProperties('AWS::IAM::Role', {
      Policies: [{
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/AcmeScannerAccess']] },
          })]),
        },
      }],
    });
  });

  test('a role of the same account may use the deputy', () => {
    const { template } = build({ assumedBy: new iam.ArnPrincipal('arn:aws:iam::111122223333:role/Worker') });
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: 'arn:aws:iam::111122223333:role/Worker' } })] },
    });
  });
});

describe('VendorDeputyRole validation', () => {
  test.each([
    ['*', new iam.AnyPrincipal(), /Vendor\/Deputy: invalid assumedBy "\*": expected the vendor's own workload principal/],
    ['another account\'s role', new iam.ArnPrincipal('arn:aws:iam::444455556666:role/Tenant'), /invalid assumedBy .*account 444455556666, not in this stack's account 111122223333/],
    ['another account', new iam.AccountPrincipal('444455556666'), /invalid assumedBy .*account 444455556666/],
  ])('rejects assumedBy %s', (_what, assumedBy, message) => {
    expect(() => build({ assumedBy })).toThrow(message);
  });

  test.each([
    ['customerRoleName', { customerRoleName: 'Acme*' }, /invalid customerRoleName "Acme\*": expected an IAM role name/],
    ['customerRoleName', { customerRoleName: '' }, /invalid customerRoleName "": expected an IAM role name/],
    ['customerRoleName', { customerRoleName: 'x'.repeat(65) }, /invalid customerRoleName/],
    ['customerRolePath', { customerRolePath: 'vendors/' }, /invalid customerRolePath "vendors\/": expected "\/"/],
    ['customerRolePath', { customerRolePath: '/ven*/' }, /invalid customerRolePath "\/ven\*\/": expected no wildcards/],
    ['roleName', { roleName: 'a b' }, /invalid roleName "a b"/],
  ])('rejects a bad %s', (_what, props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

describe('VendorDeputyRole.customerRoleTemplate', () => {
  test('builds the customer template trusting this deputy', () => {
    const { stack, deputy } = build();
    const template = deputy.customerRoleTemplate(stack.node.root as App, 'CustomerTemplate', { managedPolicyNames: ['SecurityAudit'] });
    Template.fromStack(template).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AcmeScannerAccess',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: 'arn:aws:iam::111122223333:role/AcmeDeputy' } })] },
    });
  });

  test('needs a literal deputy ARN', () => {
    const { stack, deputy } = build({ roleName: undefined });
    expect(() => deputy.customerRoleTemplate(stack.node.root as App, 'T', { managedPolicyNames: ['SecurityAudit'] }))
      .toThrow(/Vendor\/Deputy: customerRoleTemplate needs the deputy role's ARN as a literal.*received roleName null/);
    const agnostic = build({}, new Stack(new App(), 'Vendor'));
    expect(() => agnostic.deputy.customerRoleTemplate(agnostic.stack.node.root as App, 'T', { managedPolicyNames: ['SecurityAudit'] }))
      .toThrow(/stack account \(not set\)/);
  });
});

describe('VendorDeputyRole with any customer role name and path (property-based)', () => {
  const nameChar = fc.constantFrom(...'abcXYZ019_+=,.@-'.split(''));
  const name = fc.string({ unit: nameChar, minLength: 1, maxLength: 64 });
  const rolePath = fc.array(fc.string({ unit: nameChar, minLength: 1, maxLength: 12 }), { maxLength: 3 })
    .map((segments) => (segments.length === 0 ? '/' : `/${segments.join('/')}/`));

  test('allows exactly that role name in any account, denies its own account, and the engine finds nothing', () => {
    fc.assert(fc.property(name, rolePath, (customerRoleName, customerRolePath) => {
      const { stack, template } = build({ customerRoleName, customerRolePath });
      const json = template().toJSON();
      const role = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::IAM::Role');
      const [allow, deny] = role.Properties.Policies[0].PolicyDocument.Statement;
      expect(allow.Resource).toBe(`arn:aws:iam::*:role${customerRolePath}${customerRoleName}`);
      expect(deny).toMatchObject({ Effect: 'Deny', Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } } });
      expect(check([{ source: 'vendor', template: json, account: stack.account }])).toEqual(expect.objectContaining({ findings: [], errors: [] }));
    }), { numRuns: 40 });
  });
});
