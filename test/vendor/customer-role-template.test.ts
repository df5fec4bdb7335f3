import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Lazy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { CustomerRoleTemplate, CustomerRoleTemplateProps, ExternalId, VendorTrust } from '../../src';

const DEPUTY = 'arn:aws:iam::111122223333:role/AcmeDeputy';

function build(props: Partial<CustomerRoleTemplateProps> = {}) {
  const app = new App();
  const stack = new CustomerRoleTemplate(app, 'AcmeCustomerRole', {
    vendorRoleArn: DEPUTY,
    customerRoleName: 'AcmeScannerAccess',
    managedPolicyNames: ['SecurityAudit'],
    ...props,
  });
  return { app, stack };
}

describe('CustomerRoleTemplate', () => {
  test('holds the ExternalId parameter, the role trusting the deputy, the permissions and a RoleArn output', () => {
    const { stack } = build({ policyStatements: [new iam.PolicyStatement({ actions: ['s3:GetBucketPolicy'], resources: ['*'] })] });
    const template = Template.fromStack(stack);
    template.hasParameter(CustomerRoleTemplate.EXTERNAL_ID_PARAMETER_NAME, {
      Type: 'String', NoEcho: true, MinLength: 32, MaxLength: 1224, AllowedPattern: ExternalId.ALLOWED_PATTERN,
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AcmeScannerAccess',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: Match.exact({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          Principal: { AWS: DEPUTY },
          Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
        }],
      }),
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/SecurityAudit']] }],
      Policies: [
        { PolicyName: 'VendorPermissions', PolicyDocument: { Statement: [Match.objectLike({ Action: 's3:GetBucketPolicy' })] } },
        // The vendor's verifier reads the live trust policy of this role, and of no other.
        {
          PolicyName: 'CrossAccountTrustVerification',
          PolicyDocument: Match.exact({
            Version: '2012-10-17',
            Statement: [{
              Sid: 'VendorVerifierReadsThisRole',
              Effect: 'Allow',
              Action: 'iam:GetRole',
              Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/AcmeScannerAccess']] },
            }],
          }),
        },
      ],
    });
    const outputs = template.toJSON().Outputs;
    expect(Object.keys(outputs)).toEqual([CustomerRoleTemplate.ROLE_ARN_OUTPUT_NAME]);
    expect(outputs.RoleArn.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^VendorAccessRole/), 'Arn'] });
    expect(JSON.stringify(outputs)).not.toMatch(/ExternalId/);
  });

  test('deploys without CDK bootstrap: no bootstrap parameter or rule, no CDK metadata', () => {
    const { app, stack } = build();
    const json = Template.fromStack(stack).toJSON();
    expect(Object.keys(json.Parameters)).toEqual(['ExternalId']);
    expect(json.Rules).toBeUndefined();
    expect(Object.values(json.Resources).map((r: any) => r.Type)).toEqual(['AWS::IAM::Role']);
    expect(JSON.stringify(json)).not.toMatch(/aws:cdk:path|AWS::CDK::Metadata|BootstrapVersion|cdk-bootstrap|hnb659fds/);
    expect(json.Description).toMatch(/IAM role your vendor assumes/);
    // and the file on disk is the same plain template
    const assembly = app.synth();
    const file = path.join(assembly.directory, assembly.getStackByName(stack.stackName).templateFile);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(json);
    expect(assembly.getStackByName(stack.stackName).assets).toEqual([]);
  });

  test('refuses assets, which a customer account without bootstrap could not fetch', () => {
    const { stack } = build();
    expect(() => new s3assets.Asset(stack, 'Asset', { path: __filename })).toThrow(/Cannot add assets to a Stack that uses the BootstraplessSynthesizer/);
  });

  test('trust, session and ExternalId length options reach the role', () => {
    const { stack } = build({ trust: VendorTrust.ACCOUNT_ROOT_NARROWED_TO_ROLE, maxSessionDuration: Duration.hours(2), externalIdMinLength: 64 });
    const template = Template.fromStack(stack);
    template.hasParameter('ExternalId', { MinLength: 64 });
    template.hasResourceProperties('AWS::IAM::Role', {
      MaxSessionDuration: 7200,
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Condition: Match.objectLike({ ArnEquals: { 'aws:PrincipalArn': DEPUTY } }) })] },
    });
  });

  test.each([
    ['the account root', { vendorRoleArn: 'arn:aws:iam::111122223333:root' }, /invalid vendorRoleArn "arn:aws:iam::111122223333:root": expected the literal ARN/],
    ['no permissions', { managedPolicyNames: [] }, /AcmeCustomerRole: invalid managedPolicyNames\/policyStatements \[\]: expected at least one/],
    ['a bad role name', { customerRoleName: 'a b' }, /invalid roleName "a b"/],
    ['a managed policy ARN instead of its name', { managedPolicyNames: ['ReadOnlyAccess', 'arn:aws:iam::aws:policy/SecurityAudit'] },
      /AcmeCustomerRole: invalid managedPolicyNames\[1\] "arn:aws:iam::aws:policy\/SecurityAudit": expected the name of an AWS managed policy/],
    ['a managed policy name with a leading slash', { managedPolicyNames: ['/SecurityAudit'] }, /invalid managedPolicyNames\[0\] "\/SecurityAudit"/],
  ])('rejects %s', (_what, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('allowVerification: false leaves the role with only the vendor\'s permissions', () => {
    const { stack } = build({ allowVerification: false });
    const role = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0];
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
  });

  test('rejects a token vendorRoleArn', () => {
    const app = new App();
    expect(() => new CustomerRoleTemplate(app, 'T', {
      vendorRoleArn: Lazy.string({ produce: () => DEPUTY }),
      customerRoleName: 'X',
      managedPolicyNames: ['SecurityAudit'],
    })).toThrow(/expected the literal ARN of the vendor's deputy role/);
  });
});

describe('CustomerRoleTemplate.quickCreateUrl', () => {
  const templateUrl = 'https://acme-onboarding.s3.eu-west-1.amazonaws.com/customers/444455556666/role.json';

  test('builds the console quick-create link with the ExternalId parameter', () => {
    const externalId = ExternalId.generate();
    const url = new URL(CustomerRoleTemplate.quickCreateUrl({ templateUrl, stackName: 'AcmeScannerAccess', region: 'eu-west-1', externalId }));
    expect(url.origin).toBe('https://eu-west-1.console.aws.amazon.com');
    expect(url.pathname).toBe('/cloudformation/home');
    expect(url.searchParams.get('region')).toBe('eu-west-1');
    const [route, query] = url.hash.split('?');
    expect(route).toBe('#/stacks/quickcreate');
    const params = new URLSearchParams(query);
    expect(params.get('templateURL')).toBe(templateUrl);
    expect(params.get('stackName')).toBe('AcmeScannerAccess');
    expect(params.get('param_ExternalId')).toBe(externalId);
  });

  test('omits the ExternalId when not given, and uses the partition console', () => {
    const cn = CustomerRoleTemplate.quickCreateUrl({ templateUrl, stackName: 'S', region: 'cn-north-1' });
    expect(cn.startsWith('https://cn-north-1.console.amazonaws.cn/cloudformation/home?region=cn-north-1#/stacks/quickcreate?')).toBe(true);
    expect(cn).not.toContain('param_ExternalId');
    const gov = CustomerRoleTemplate.quickCreateUrl({ templateUrl, stackName: 'S', region: 'us-gov-west-1' });
    expect(gov.startsWith('https://console.amazonaws-us-gov.com/cloudformation/home?region=us-gov-west-1#')).toBe(true);
  });

  test.each([
    [{ region: 'Europe' }, /invalid region "Europe": expected an AWS region code/],
    [{ stackName: '1stack' }, /invalid stackName "1stack"/],
    [{ templateUrl: 'http://example.com/t.json' }, /invalid templateUrl "http:\/\/example.com\/t.json": expected an https URL/],
    [{ templateUrl: 'not a url' }, /invalid templateUrl "not a url"/],
    [{ externalId: 'changeme' }, /invalid externalId \(value not shown\)/],
  ])('rejects %p', (bad, message) => {
    expect(() => CustomerRoleTemplate.quickCreateUrl({ templateUrl, stackName: 'S', region: 'eu-west-1', ...bad })).toThrow(message);
  });

  test('a strong externalId of any random source is accepted', () => {
    const externalId = crypto.randomUUID();
    expect(CustomerRoleTemplate.quickCreateUrl({ templateUrl, stackName: 'S', region: 'eu-west-1', externalId })).toContain(externalId);
  });
});
