import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { synthValidated } from './cdk-synth';
import { checkJson, tempDir } from './cli/helpers';
import { buildCustomerApp } from '../examples/customer-stack';
import { buildPlatformApp } from '../examples/platform-app';
import { buildVendorApp } from '../examples/vendor-app';
import { CrossAccountTrustChecks } from '../src';
import { check } from '../src/engine';

describe('examples', () => {
  test('vendor-app: the deputy and the customer onboarding template', () => {
    const app = buildVendorApp(new App());
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['AcmeCustomerOnboarding', 'AcmeVendor']);
    const onboarding = assembly.getStackByName('AcmeCustomerOnboarding').template;
    Template.fromJSON(onboarding).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AcmeScannerAccess',
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { AWS: 'arn:aws:iam::111122223333:role/AcmeScannerDeputy' },
          Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
        })],
      },
    });
    Template.fromJSON(assembly.getStackByName('AcmeVendor').template).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AcmeScannerDeputy',
      Policies: [{ PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: 'arn:aws:iam::*:role/AcmeScannerAccess' })]) } }],
    });
  });

  test('vendor-app: the registry, its template bucket, and grants to the onboarding back end and the deputy', () => {
    const vendor = Template.fromJSON(buildVendorApp(new App()).synth().getStackByName('AcmeVendor').template);
    vendor.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true, BillingMode: 'PAY_PER_REQUEST' });
    vendor.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: { 'Fn::Join': ['', [Match.anyValue(), '/onboarding/${aws:PrincipalAccount}/*']] } })]) },
    });
    const policyOf = (role: RegExp) => Object.values<any>(vendor.findResources('AWS::IAM::Policy'))
      .find((p) => p.Properties.Roles.some((r: any) => role.test(r.Ref)));
    const actions = (policy: any) => policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()).sort();
    expect(actions(policyOf(/^OnboardingBackEnd/))).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:GetItem', 'dynamodb:PutItem',
      'dynamodb:Query', 'lambda:InvokeFunction', 's3:PutObject']);
    expect(actions(policyOf(/^ScannerDeputyRole/))).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'logs:CreateLogStream', 'logs:PutLogEvents',
      'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage']);
  });

  test('vendor-app: the verifier runs as the deputy, daily, and alarms on UNSAFE', () => {
    const vendor = Template.fromJSON(buildVendorApp(new App()).synth().getStackByName('AcmeVendor').template);
    vendor.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScannerDeputyRole'), 'Arn'] },
      Environment: { Variables: Match.objectLike({ CUSTOMER_ROLE_NAME: 'AcmeScannerAccess' }) },
    });
    vendor.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
    vendor.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'UNSAFE', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  test('customer-stack: trusts the vendor example\'s deputy by the name the deputy may assume', () => {
    const assembly = buildCustomerApp(new App()).synth();
    Template.fromJSON(assembly.getStackByName('CustomerVendorAccess').template).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AcmeScannerAccess',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: 'arn:aws:iam::111122223333:role/AcmeScannerDeputy' } })] },
    });
  });

  describe('platform-app', () => {
    test('the unsafe role fails the pack with XAT1 and XAT3; the safe stack and the acknowledged finding do not', () => {
      const app = buildPlatformApp(new App());
      const violations = new CrossAccountTrustChecks(app).validateScope(app).violations;
      expect(violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath)]).sort()).toEqual([
        ['CrossAccountTrust-XAT1[Statement0]', ['PlatformLegacy/LegacyAuditorAccess/Resource']],
        ['CrossAccountTrust-XAT3[Statement0.Principal0]', ['PlatformLegacy/LegacyAuditorAccess/Resource']],
      ]);
    });

    test('the acknowledgment is what hides XAT6 on the monitoring role', () => {
      const outdir = tempDir();
      const app = buildPlatformApp(new App({ outdir }));
      // The synth fails validation on purpose (XAT1, XAT3); the templates are written all the same.
      expect(synthValidated(app).failed).toBe(true);
      const inputs = app.node.children.filter(Stack.isStack).map((stack) => ({
        source: stack.stackName,
        template: JSON.parse(fs.readFileSync(path.join(outdir, stack.templateFile), 'utf8')),
        account: stack.account,
      }));
      const xat6 = check(inputs).findings.filter((f) => f.ruleId === 'XAT6');
      expect(xat6.map((f) => [f.source, f.resource])).toEqual([['PlatformLegacy', expect.stringMatching(/^MonitoringAccessRole/)]]);
    });
  });

  // What `npx projen examples` and a CI job do: synthesize every example, then scan the cloud assemblies with the CLI.
  test('the CLI on the examples\' cloud assemblies finds the unsafe platform role, honours the acknowledgment, and nothing else', () => {
    const cdkOut = tempDir();
    for (const [name, build] of [['vendor-app', buildVendorApp], ['customer-stack', buildCustomerApp], ['platform-app', buildPlatformApp]] as const) {
      synthValidated(build(new App({ outdir: path.join(cdkOut, name) })));
    }
    const { code, report } = checkJson([cdkOut], { cwd: cdkOut });
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    expect(report.findings.map((f: any) => [f.stack, f.rule, f.findingId]).sort()).toEqual([
      ['PlatformLegacy', 'XAT1', 'Statement0'],
      ['PlatformLegacy', 'XAT3', 'Statement0.Principal0'],
    ]);
    expect(report.acknowledged.map((f: any) => [f.stack, f.rule, f.reason])).toEqual([
      ['PlatformLegacy', 'XAT6', expect.stringMatching(/^The vendor assigns the ExternalId per account/)],
    ]);
    expect(report.summary.files).toBe(5);
  });
});

