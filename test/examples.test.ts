import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
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
      const app = buildPlatformApp(new App());
      // The synth fails validation on purpose: keep its report out of the test output and its exit code out of jest's.
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const assembly = app.synth();
        const inputs = app.node.children.filter(Stack.isStack).map((stack) => ({
          source: stack.stackName, template: assembly.getStackByName(stack.stackName).template, account: stack.account,
        }));
        const xat6 = check(inputs).findings.filter((f) => f.ruleId === 'XAT6');
        expect(xat6.map((f) => [f.source, f.resource])).toEqual([['PlatformLegacy', expect.stringMatching(/^MonitoringAccessRole/)]]);
      } finally {
        quiet.mockRestore();
        process.exitCode = undefined;
      }
    });
  });
});

