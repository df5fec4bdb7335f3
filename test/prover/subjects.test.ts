import { createChecker } from '../../src/engine';
import {
  EXAMPLE_CUSTOMER_ROLE_NAME, EXAMPLE_OWN_ACCOUNT, EXAMPLE_VENDOR_ACCOUNTS, EXAMPLE_VENDOR_ROLE_NAME, ProofSubject, SubjectOptions, proofSubjects,
  vendorRoleArnProblem,
} from '../../src/prover/subjects';
import { parseTemplate, parseTemplateBody } from '../../src/template/parse';

const OWN = '444455556666';
const VENDOR = '111122223333';

/** The subjects of YAML templates checked together (as one CLI run), each deployed to OWN unless `account` says otherwise; inputs as plain JSON. */
function subjectsOf(yaml: string | string[], options: SubjectOptions = {}, account: string | null = OWN): Array<ProofSubject & { input: any }> {
  const out: ProofSubject[] = [];
  const checker = createChecker({ parseTemplateBody }, { analysed: (app) => out.push(...proofSubjects(app, options)) });
  (Array.isArray(yaml) ? yaml : [yaml]).forEach((text, i) => checker.add({ source: `t${i}.yaml`, template: parseTemplate(text).template, account: account ?? undefined }));
  checker.finish();
  return out;
}

const role = (principal: string, condition = '', extra = '') => `
Parameters:
  ExternalId: { Type: String, NoEcho: true, MinLength: 32 }
  VendorAccount: { Type: String }
  VendorRoleName: { Type: String }
  TrustedArn: { Type: String }
${extra}
Resources:
  Access:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: ${principal} }
            Action: sts:AssumeRole
${condition ? `            Condition: ${condition}` : ''}
`;

describe('trust subjects', () => {
  test('a literal vendor role with an ExternalId parameter: the parameter is the right ExternalId, the role the vendor role', () => {
    const [s] = subjectsOf(role(`arn:aws:iam::${VENDOR}:role/Scanner`, '{ StringEquals: { sts:ExternalId: !Ref ExternalId } }'));
    expect(s).toEqual({
      kind: 'trust',
      source: 't0.yaml',
      resource: 'Access',
      findingIdPrefix: '',
      input: {
        policy: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${VENDOR}:role/Scanner` },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'sts:ExternalId': 'right-external-id-1-ExternalId' } },
          }],
        },
        roleArn: `arn:aws:iam::${OWN}:role/Access`,
        vendorRoleArn: `arn:aws:iam::${VENDOR}:role/Scanner`,
        externalId: 'right-external-id-1-ExternalId',
      },
    });
  });

  test('a literal ExternalId stays as written and is left to the prover to find', () => {
    const [s] = subjectsOf(role(`arn:aws:iam::${VENDOR}:root`, '{ StringEquals: { sts:ExternalId: literal-value-0123456789 } }'));
    expect(s.input).not.toHaveProperty('externalId');
    expect(JSON.stringify(s.input.policy)).toContain('"sts:ExternalId":"literal-value-0123456789"');
    // A root principal names no role: the vendor role is a role of the trusted account.
    expect((s.input as any).vendorRoleArn).toBe(`arn:aws:iam::${VENDOR}:role/${EXAMPLE_VENDOR_ROLE_NAME}`);
  });

  test('parameters in the account and name parts of a principal ARN are bound from --vendor-role-arn', () => {
    const vendorRoleArn = `arn:aws:iam::${VENDOR}:role/team/Scanner`;
    const [s] = subjectsOf(role("!Sub 'arn:${AWS::Partition}:iam::${VendorAccount}:role/${VendorRoleName}'"), { vendorRoleArn });
    expect((s.input.policy as any).Statement[0].Principal.AWS).toBe(`arn:aws:iam::${VENDOR}:role/team/Scanner`);
    expect(s.input).toMatchObject({ vendorRoleArn });
    expect(s.input.unresolved).toBeUndefined();
  });

  test('without --vendor-role-arn they get example values, and the role they make is the vendor role', () => {
    const [s] = subjectsOf(role("!Sub 'arn:aws:iam::${VendorAccount}:role/${VendorRoleName}'"));
    const expected = `arn:aws:iam::${EXAMPLE_VENDOR_ACCOUNTS[0]}:role/VendorRoleName`;
    expect((s.input.policy as any).Statement[0].Principal.AWS).toBe(expected);
    expect(s.input).toMatchObject({ vendorRoleArn: expected });
  });

  test('an account parameter of a role pattern the vendor role does not match still takes the vendor account', () => {
    const vendorRoleArn = `arn:aws:iam::${VENDOR}:role/Other`;
    const [s] = subjectsOf(role("!Sub 'arn:aws:iam::${VendorAccount}:role/Fixed'"), { vendorRoleArn });
    expect((s.input.policy as any).Statement[0].Principal.AWS).toBe(`arn:aws:iam::${VENDOR}:role/Fixed`);
  });

  test('a whole principal given by a parameter is unresolved (it may be "*"), and a copy of its statement trusts the vendor role', () => {
    const vendorRoleArn = `arn:aws:iam::${VENDOR}:role/Scanner`;
    const [s] = subjectsOf(role('!Ref TrustedArn', '{ StringEquals: { sts:ExternalId: !Ref ExternalId } }'), { vendorRoleArn });
    const [asWritten, copy] = s.input.policy.Statement;
    expect(s.input.unresolved).toEqual([{ placeholder: asWritten.Principal.AWS, description: 'parameter TrustedArn' }]);
    expect(asWritten.Principal.AWS).not.toMatch(/^arn:|^\d{12}$|[*?$]/);
    // The parameter is there for the vendor's role: the copy decides the vendor role's own requests.
    expect(copy).toEqual({ ...asWritten, Sid: 'Statement0WithTheVendorRoleAsItsParameter', Principal: { AWS: vendorRoleArn } });
    expect(s.input.policy.Statement).toHaveLength(2);
  });

  test('pseudo parameters: AWS::AccountId is the role\'s account (an example one when unknown), AWS::Partition is aws', () => {
    const t = role(`arn:aws:iam::${VENDOR}:role/Scanner`, '{ StringEquals: { aws:PrincipalAccount: !Ref AWS::AccountId, sts:ExternalId: x-0123456789 } }');
    const [known] = subjectsOf(t);
    expect((known.input.policy as any).Statement[0].Condition.StringEquals['aws:PrincipalAccount']).toBe(OWN);
    const [unknown] = subjectsOf(t, {}, null);
    expect((unknown.input.policy as any).Statement[0].Condition.StringEquals['aws:PrincipalAccount']).toBe(EXAMPLE_OWN_ACCOUNT);
    expect((unknown.input as any).roleArn).toBe(`arn:aws:iam::${EXAMPLE_OWN_ACCOUNT}:role/Access`);
  });

  test('an attribute of another resource and a parameter in a condition are unresolved, each described', () => {
    const t = role(`arn:aws:iam::${VENDOR}:role/Scanner`,
      '{ StringEquals: { sts:ExternalId: x-0123456789, aws:SourceArn: !GetAtt Lookup.Arn }, ArnLike: { aws:PrincipalArn: !Ref TrustedArn } }')
      + '  Lookup: { Type: Custom::Lookup, Properties: { ServiceToken: arn:aws:lambda:us-east-1:444455556666:function:f } }\n';
    const [s] = subjectsOf(t);
    expect(s.input.unresolved?.map((u: any) => u.description)).toEqual(['the Arn attribute of Custom::Lookup Lookup', 'parameter TrustedArn']);
    const text = JSON.stringify(s.input.policy);
    for (const u of s.input.unresolved!) expect(text).toContain(JSON.stringify(u.placeholder));
  });

  test('an ExternalId parameter under StringLike is the right ExternalId only when it cannot hold a wildcard', () => {
    const open = subjectsOf(role(`arn:aws:iam::${VENDOR}:root`, '{ StringLike: { sts:ExternalId: !Ref VendorRoleName } }'))[0];
    expect(open.input.unresolved).toEqual([expect.objectContaining({ description: 'parameter VendorRoleName' })]);
    expect(open.input).not.toHaveProperty('externalId');
    const confined = subjectsOf(role(`arn:aws:iam::${VENDOR}:root`, '{ StringLike: { sts:ExternalId: !Ref Confined } }',
      "  Confined: { Type: String, AllowedPattern: '[\\w+=,.@:/-]+' }"))[0];
    expect(confined.input.unresolved).toBeUndefined();
    expect(confined.input).toMatchObject({ externalId: expect.stringMatching(/^right-external-id-/) });
  });

  test('one subject per distinct trust policy: a condition that changes only the session duration gives one, an Fn::If in the trust two', () => {
    const same = subjectsOf(role(`arn:aws:iam::${VENDOR}:role/Scanner`, '', 'Conditions:\n  Long: !Equals [!Ref VendorAccount, x]').replace(
      '      AssumeRolePolicyDocument:', '      MaxSessionDuration: !If [Long, 7200, 3600]\n      AssumeRolePolicyDocument:'));
    expect(same).toHaveLength(1);
    expect(same[0]).not.toHaveProperty('variant');
    const split = subjectsOf(role(`arn:aws:iam::${VENDOR}:role/Scanner`,
      '!If [Strict, { StringEquals: { sts:ExternalId: !Ref ExternalId } }, !Ref AWS::NoValue]', 'Conditions:\n  Strict: !Equals [!Ref VendorAccount, x]'));
    expect(split.map((s) => s.variant)).toEqual(['when condition Strict is false', 'when condition Strict is true']);
    expect(split.map((s) => 'Condition' in (s.input.policy as any).Statement[0])).toEqual([false, true]);
  });

  test('a principal with values decided at deploy time (Fn::FindInMap on a parameter) is proven per value, each named', () => {
    const t = role('!FindInMap [Vendors, !Ref VendorRoleName, Arn]', '', `Mappings:
  Vendors:
    eu: { Arn: 'arn:aws:iam::${VENDOR}:role/Eu' }
    us: { Arn: 'arn:aws:iam::${VENDOR}:role/Us' }`);
    const subjects = subjectsOf(t);
    expect(subjects.map((s) => [s.variant, (s.input as any).vendorRoleArn])).toEqual([
      [`when Statement[0].Principal.AWS is "arn:aws:iam::${VENDOR}:role/Eu"`, `arn:aws:iam::${VENDOR}:role/Eu`],
      [`when Statement[0].Principal.AWS is "arn:aws:iam::${VENDOR}:role/Us"`, `arn:aws:iam::${VENDOR}:role/Us`],
    ]);
  });

  test('a role of a StackSet body is named as findings name it, with its finding-id prefix', () => {
    const body = JSON.stringify({ Resources: { Inner: (parseTemplate(role(`arn:aws:iam::${VENDOR}:root`)).template as any).Resources.Access } });
    const t = `Resources:\n  Onboarding:\n    Type: AWS::CloudFormation::StackSet\n    Properties:\n      StackSetName: x\n      PermissionModel: SELF_MANAGED\n      TemplateBody: ${JSON.stringify(body)}\n`;
    const [s] = subjectsOf(t);
    expect(s).toMatchObject({ resource: 'Onboarding/Inner', findingIdPrefix: 'Inner.', input: { roleArn: `arn:aws:iam::${EXAMPLE_OWN_ACCOUNT}:role/Inner` } });
  });

  test('a role trusting only its own account or a service has no trust subject', () => {
    expect(subjectsOf(role("!Sub 'arn:aws:iam::${AWS::AccountId}:root'"))).toEqual([]);
    expect(subjectsOf(role(`arn:aws:iam::${OWN}:role/Local`))).toEqual([]);
  });

  test('--vendor-role-arn must be a role ARN', () => {
    expect(vendorRoleArnProblem(`arn:aws:iam::${VENDOR}:role/a/b`)).toBeUndefined();
    expect(vendorRoleArnProblem(`arn:aws:iam::${VENDOR}:root`)).toMatch(/expected the ARN of an IAM role .* received "arn:aws:iam::111122223333:root"/);
    expect(() => subjectsOf(role('"*"'), { vendorRoleArn: VENDOR })).toThrow(/vendorRoleArn: expected the ARN of an IAM role/);
  });
});

const deputy = (resources: string, extra = '') => `
Parameters:
  Target: { Type: String }
Resources:
  Deputy:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ScannerDeputy
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: Assume
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: sts:AssumeRole
                Resource: ${resources}
${extra}`;

describe('deputy subjects', () => {
  test('a role allowed to assume a named role in any account: its policies, ARN and the customer role name', () => {
    const subjects = subjectsOf(deputy('arn:aws:iam::*:role/vendor/CustomerAccess'), {}, VENDOR);
    expect(subjects).toEqual([{
      kind: 'deputy',
      source: 't0.yaml',
      resource: 'Deputy',
      findingIdPrefix: '',
      input: {
        policies: [{ name: 'inline policy "Assume"', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/vendor/CustomerAccess' }] } }],
        deputyRoleArn: `arn:aws:iam::${VENDOR}:role/ScannerDeputy`,
        customerRoleName: 'vendor/CustomerAccess',
      },
    }]);
  });

  test('Resource "*" names no customer role: an example name; a managed policy attached to the role joins its policies', () => {
    const policy = `  Confine:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref Deputy]
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - { Effect: Deny, Action: sts:AssumeRole, Resource: '*', Condition: { StringEquals: { aws:ResourceAccount: !Ref AWS::AccountId } } }
`;
    const [s] = subjectsOf(deputy("'*'", policy), {}, VENDOR);
    expect(s.kind).toBe('deputy');
    expect(s.input).toMatchObject({ customerRoleName: EXAMPLE_CUSTOMER_ROLE_NAME });
    expect((s.input as any).policies.map((p: any) => p.name)).toEqual(['inline policy "Assume"', 'AWS::IAM::ManagedPolicy Confine']);
    expect((s.input as any).policies[1].policy.Statement[0].Condition.StringEquals['aws:ResourceAccount']).toBe(VENDOR);
  });

  test('a grant confined to the own account gives no deputy subject; a role name given by a parameter is unresolved', () => {
    expect(subjectsOf(deputy('!Sub arn:aws:iam::${AWS::AccountId}:role/Local'), {}, VENDOR)).toEqual([]);
    const [s] = subjectsOf(deputy('!Sub arn:aws:iam::*:role/${Target}'), {}, VENDOR);
    expect(s.input.unresolved).toEqual([expect.objectContaining({ description: 'parameter Target' })]);
    expect(s.input).toMatchObject({ customerRoleName: EXAMPLE_CUSTOMER_ROLE_NAME });
  });
});
