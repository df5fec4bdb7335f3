import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildCustomerApp } from '../examples/customer-stack';
import { buildVendorApp } from '../examples/vendor-app';

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
});
