// What a SaaS vendor writes: the one deputy role its workload runs as, and the onboarding
// template it publishes for customers.
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { VendorDeputyRole } from '../src';

export function buildVendorApp(app: App = new App()): App {
  // The deputy's ARN goes into every customer's trust policy, so its account and name are fixed.
  const vendor = new Stack(app, 'AcmeVendor', { env: { account: '111122223333', region: 'eu-west-1' } });

  const deputy = new VendorDeputyRole(vendor, 'ScannerDeputy', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    roleName: 'AcmeScannerDeputy',
    customerRoleName: 'AcmeScannerAccess',
  });

  // Synthesizes to a plain CloudFormation template (cdk.out/AcmeCustomerOnboarding.template.json)
  // that customers deploy without bootstrapping CDK.
  deputy.customerRoleTemplate(app, 'AcmeCustomerOnboarding', {
    managedPolicyNames: ['SecurityAudit'],
    policyStatements: [
      new iam.PolicyStatement({ actions: ['s3:GetBucketPolicyStatus'], resources: ['*'] }),
    ],
  });
  return app;
}

if (require.main === module) {
  buildVendorApp().synth();
}
