import * as crypto from 'crypto';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { VendorAccessRole, VendorAccessRoleProps, VendorTrust } from '../../src';
import { check } from '../../src/engine';

const VENDOR_ROLE = 'arn:aws:iam::111122223333:role/VendorDeputy';

function customerStack(account?: string): Stack {
  return new Stack(new App(), 'Customer', account ? { env: { account, region: 'eu-west-1' } } : undefined);
}

function build(props: Partial<VendorAccessRoleProps> = {}, stack = customerStack()) {
  const access = new VendorAccessRole(stack, 'Access', { vendorRoleArn: VENDOR_ROLE, ...props });
  return { stack, access, template: () => Template.fromStack(stack) };
}

describe('VendorAccessRole trust policy', () => {
  test('has exactly one statement: the vendor role, sts:AssumeRole, StringEquals sts:ExternalId from a NoEcho parameter', () => {
    const { template, access } = build();
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.exact({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          Principal: { AWS: VENDOR_ROLE },
          Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
        }],
      }),
      MaxSessionDuration: 3600,
    });
    template().hasParameter('ExternalId', { Type: 'String', NoEcho: true, MinLength: 32, MaxLength: 1224 });
    expect(access.externalIdParameter).toBeDefined();
    expect(template().toJSON().Parameters.ExternalId.Default).toBeUndefined();
  });

  test('account root narrowed to the vendor role by ArnEquals aws:PrincipalArn', () => {
    const { template } = build({ trust: VendorTrust.ACCOUNT_ROOT_NARROWED_TO_ROLE });
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.exact({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Condition: {
            StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } },
            ArnEquals: { 'aws:PrincipalArn': VENDOR_ROLE },
          },
        }],
      }),
    });
  });

  test('a second role in the same stack gets its own parameter', () => {
    const { stack, template } = build();
    const second = new VendorAccessRole(stack, 'Other', { vendorRoleArn: 'arn:aws:iam::444455556666:role/Other' });
    expect(Object.keys(template().toJSON().Parameters)).toEqual(expect.arrayContaining(['ExternalId', 'ExternalId2']));
    expect(stack.resolve(second.externalId)).toEqual({ Ref: 'ExternalId2' });
  });

  test('a trust statement added later makes synthesis fail', () => {
    const { stack, access } = build();
    (access.role as iam.Role).assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      principals: [new iam.AccountPrincipal('444455556666')],
    }));
    expect(() => Template.fromStack(stack)).toThrow(/Customer\/Access: the trust policy of a VendorAccessRole holds exactly one statement.*now has 2/);
  });

  test('a token vendorRoleArn is used as it is, never validated as a literal', () => {
    const stack = customerStack();
    const parameter = new CfnParameter(stack, 'VendorRoleArn', { type: 'String' });
    const { template } = build({ vendorRoleArn: parameter.valueAsString }, stack);
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: { Ref: 'VendorRoleArn' } } })] },
    });
  });

  test('role properties pass through', () => {
    const stack = customerStack();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['*'] })] });
    const { template } = build({
      roleName: 'AcmeAccess',
      path: '/vendors/',
      description: 'Acme scanner',
      permissionsBoundary: boundary,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('SecurityAudit')],
      inlinePolicies: { Extra: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] })] }) },
    }, stack);
    template().hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AcmeAccess',
      Path: '/vendors/',
      Description: 'Acme scanner',
      PermissionsBoundary: { Ref: Match.stringLikeRegexp('Boundary') },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/SecurityAudit']] }],
      Policies: [
        { PolicyName: 'Extra', PolicyDocument: Match.anyValue() },
        { PolicyName: VendorAccessRole.VERIFICATION_POLICY_NAME, PolicyDocument: Match.anyValue() },
      ],
    });
  });
});

describe('VendorAccessRole allowVerification', () => {
  const getRoleOn = (resource: unknown) => Match.exact({
    Version: '2012-10-17',
    Statement: [{ Sid: 'VendorVerifierReadsThisRole', Effect: 'Allow', Action: 'iam:GetRole', Resource: resource }],
  });

  test('a named role grants iam:GetRole on its own ARN (with its path) in an inline policy, and nothing else is added', () => {
    const { template } = build({ roleName: 'AcmeAccess', path: '/vendors/' });
    template().hasResourceProperties('AWS::IAM::Role', {
      Policies: [{
        PolicyName: 'CrossAccountTrustVerification',
        PolicyDocument: getRoleOn({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/vendors/AcmeAccess']] }),
      }],
    });
    template().resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('a role without a name gets the grant as a policy of its own on its ARN (the name is known only after creation)', () => {
    const { template } = build();
    const roleId = Object.keys(template().findResources('AWS::IAM::Role'))[0];
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: 'CrossAccountTrustVerification',
      Roles: [{ Ref: roleId }],
      PolicyDocument: getRoleOn({ 'Fn::GetAtt': [roleId, 'Arn'] }),
    });
    expect(template().findResources('AWS::IAM::Role')[roleId].Properties.Policies).toBeUndefined();
  });

  test('false grants nothing beyond the given permissions', () => {
    const { template } = build({ roleName: 'AcmeAccess', allowVerification: false });
    template().resourceCountIs('AWS::IAM::Policy', 0);
    expect(Object.values(template().findResources('AWS::IAM::Role'))[0].Properties.Policies).toBeUndefined();
  });

  test('an inline policy of the same name, or a value that is not a boolean, is refused', () => {
    const document = new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] })] });
    expect(() => build({ inlinePolicies: { CrossAccountTrustVerification: document } }))
      .toThrow(/Customer\/Access.*inlinePolicies\.CrossAccountTrustVerification.*expected another policy name/);
    expect(() => build({ allowVerification: 'yes' as unknown as boolean })).toThrow(/Customer\/Access.*allowVerification.*"yes".*expected true or false/);
  });
});

describe('VendorAccessRole vendorRoleArn validation', () => {
  test.each([
    ['arn:aws:iam::111122223333:root', /account root/],
    ['111122223333', /bare account id/],
    ['*', /wildcard "\*"/],
    ['arn:aws:iam::111122223333:user/scanner', /IAM user/],
    ['arn:aws:iam::111122223333:role/*', /contains a wildcard/],
    ['arn:aws:iam::111122223333:role/Vendor?', /contains a wildcard/],
    ['arn:aws:sts::111122223333:assumed-role/VendorDeputy/session', /not an IAM ARN/],
    ['arn:aws:iam::111122223333:assumed-role/VendorDeputy/session', /assumed-role session ARN/],
    ['arn:aws:iam::1111222233:role/VendorDeputy', /not an IAM ARN/],
    ['arn:nope:iam::111122223333:role/VendorDeputy', /"nope" is not an AWS partition/],
    ['arn:aws:iam::111122223333:group/Vendors', /not a role resource/],
    ['arn:aws:iam::111122223333:role/has space', /not a valid IAM role name/],
    ['arn:aws:iam::111122223333:role/', /not a valid IAM role name/],
    ['not-an-arn', /not an IAM ARN/],
  ])('rejects %p', (vendorRoleArn, reason) => {
    expect(() => build({ vendorRoleArn })).toThrow(reason);
    expect(() => build({ vendorRoleArn })).toThrow(`Customer/Access: invalid vendorRoleArn ${JSON.stringify(vendorRoleArn)}`);
    expect(() => build({ vendorRoleArn })).toThrow(/Expected exactly one IAM role ARN/);
  });

  test('accepts a role with a path in another partition', () => {
    const { template } = build({ vendorRoleArn: 'arn:aws-cn:iam::111122223333:role/vendors/Deputy' });
    template().resourceCountIs('AWS::IAM::Role', 1);
  });

  test('rejects a role in the stack\'s own account', () => {
    expect(() => build({}, customerStack('111122223333'))).toThrow(/invalid vendorRoleArn .* own account 111122223333/);
  });

  test.each([
    ['roleName', { roleName: 'bad name' }, /invalid roleName "bad name"/],
    ['path', { path: 'vendors' }, /invalid path "vendors": expected "\/"/],
  ])('rejects a bad %s', (_what, props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

describe('VendorAccessRole externalId', () => {
  test('a strong literal is accepted with a warning that it is visible in the template', () => {
    const value = crypto.randomBytes(32).toString('hex');
    const { stack, template } = build({ externalId: value });
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Condition: { StringEquals: { 'sts:ExternalId': value } } })] },
    });
    expect(template().toJSON().Parameters ?? {}).not.toHaveProperty('ExternalId');
    Annotations.fromStack(stack).hasWarning('/Customer/Access', Match.stringLikeRegexp('ExternalId is a literal, so it is visible in the template'));
  });

  test.each([
    ['a short value', 'abc123'],
    ['a default-like placeholder', 'external-id-external-id-external-id-1'],
    ['a repeated block', 'abcd'.repeat(10)],
    ['a value with a space', `${crypto.randomBytes(20).toString('hex')} x`],
  ])('%s is rejected without echoing it', (_what, externalId) => {
    expect(() => build({ externalId })).toThrow(/Customer\/Access: invalid externalId "\(value not shown\)"/);
    let message = '';
    try {
      build({ externalId });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain(externalId);
  });

  test('a token (deploy-time value) is used as it is', () => {
    const stack = customerStack();
    const fromVendor = new CfnParameter(stack, 'VendorExternalId', { type: 'String', noEcho: true });
    const { template, access } = build({ externalId: fromVendor.valueAsString }, stack);
    expect(access.externalIdParameter).toBeUndefined();
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'VendorExternalId' } } } })] },
    });
  });

  test.each([
    ['with the parameter', {}],
    ['with a literal', { externalId: 'Z3hQ9mVt7LkP2wXr8NcB5yDf4GsJ6aHeQ' }],
  ])('an externalIdMinLength outside the STS limits is rejected %s', (_with, props) => {
    for (const externalIdMinLength of [1, 1225, 32.5]) {
      expect(() => build({ ...props, externalIdMinLength }))
        .toThrow(`Customer/Access: invalid externalIdMinLength ${externalIdMinLength}: expected an integer from 2 to 1224`);
    }
  });

  test('externalIdMinLength reaches the parameter', () => {
    const { template } = build({ externalIdMinLength: 48 });
    template().hasParameter('ExternalId', { MinLength: 48 });
  });
});

describe('VendorAccessRole maxSessionDuration', () => {
  test('above one hour is allowed with a warning', () => {
    const { stack, template } = build({ maxSessionDuration: Duration.hours(2) });
    template().hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 7200 });
    Annotations.fromStack(stack).hasWarning('/Customer/Access', Match.stringLikeRegexp('maxSessionDuration is 7200 seconds'));
  });

  test.each([Duration.hours(13), Duration.minutes(30)])('%p is rejected', (maxSessionDuration) => {
    expect(() => build({ maxSessionDuration })).toThrow(/Customer\/Access: invalid maxSessionDuration ".* seconds": expected 1 to 12 hours/);
  });

  test('one hour has no warning', () => {
    const { stack } = build();
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('VendorAccessRole with any vendor role ARN (property-based)', () => {
  const CUSTOMER_ACCOUNT = '444455556666';
  const nameChar = fc.constantFrom(...'abcXYZ019_+=,.@-'.split(''));
  const name = fc.string({ unit: nameChar, minLength: 1, maxLength: 64 });
  const path = fc.array(fc.string({ unit: nameChar, minLength: 1, maxLength: 12 }), { maxLength: 3 })
    .map((segments) => (segments.length === 0 ? '/' : `/${segments.join('/')}/`));
  const account = fc.stringMatching(/^\d{12}$/).filter((a) => a !== CUSTOMER_ACCOUNT);
  const partition = fc.constantFrom('aws', 'aws-cn', 'aws-us-gov');
  const roleArn = fc.tuple(partition, account, path, name).map(([p, a, rolePath, n]) => `arn:${p}:iam::${a}:role${rolePath}${n}`);

  test('a valid role ARN is trusted exactly, and the engine finds nothing in either trust mode', () => {
    fc.assert(fc.property(roleArn, fc.constantFrom(VendorTrust.ROLE_PRINCIPAL, VendorTrust.ACCOUNT_ROOT_NARROWED_TO_ROLE), (vendorRoleArn, trust) => {
      const { template } = build({ vendorRoleArn, trust }, customerStack(CUSTOMER_ACCOUNT));
      const json = template().toJSON();
      const [statement] = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::IAM::Role').Properties.AssumeRolePolicyDocument.Statement;
      if (trust === VendorTrust.ROLE_PRINCIPAL) {
        expect(statement.Principal).toEqual({ AWS: vendorRoleArn });
      } else {
        expect(statement.Condition.ArnEquals).toEqual({ 'aws:PrincipalArn': vendorRoleArn });
      }
      expect(check([{ source: 'customer', template: json, account: CUSTOMER_ACCOUNT }])).toEqual(expect.objectContaining({ findings: [], errors: [] }));
    }), { numRuns: 40 });
  });

  test('a role ARN turned into a root, a user, a wildcard or a bare account is always rejected', () => {
    const broken = fc.tuple(roleArn, fc.constantFrom(
      (arn: string) => arn.replace(/:role\/.*$/, ':root'),
      (arn: string) => arn.replace(':role/', ':user/'),
      (arn: string) => `${arn}*`,
      (arn: string) => arn.split(':')[4],
    )).map(([arn, breakIt]) => breakIt(arn));
    fc.assert(fc.property(broken, (vendorRoleArn) => {
      expect(() => build({ vendorRoleArn }, customerStack(CUSTOMER_ACCOUNT)))
        .toThrow(`Customer/Access: invalid vendorRoleArn ${JSON.stringify(vendorRoleArn)}`);
    }), { numRuns: 60 });
  });
});
