// What a SaaS vendor writes: the one deputy role its workload runs as, the onboarding template it
// publishes for customers, the registry of customer accounts its back end writes to, and the
// verifier that keeps proving each customer role enforces its ExternalId.
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CustomerAccountRegistry, TemplateBucket, TrustVerifier, VendorDeputyRole } from '../src';

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

  // One item per customer account with its own ExternalId; each account's copy of the onboarding
  // template goes to onboarding/<account id>/, readable by that account only.
  const registry = new CustomerAccountRegistry(vendor, 'Registry', {
    templateBucket: TemplateBucket.create(),
  });

  // Verifies every registered account daily, as the deputy (the only role customers trust), and
  // alarms when a customer role turns UNSAFE.
  const verifier = new TrustVerifier(vendor, 'Verifier', { deputy, registry });

  // The back end that onboards tenants: it calls the run-time AccountRegistry's register, describe
  // and deregister (which write the templates), and activates a new account by invoking the
  // verifier's worker with {"accountId": "..."}.
  const onboarding = new iam.Role(vendor, 'OnboardingBackEnd', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'The vendor back end that registers customer accounts and publishes their onboarding templates.',
  });
  registry.grantRegister(onboarding);
  registry.grantRead(onboarding);
  registry.grantPublishTemplates(onboarding);
  verifier.grantVerifyAccount(onboarding);
  return app;
}

if (require.main === module) {
  buildVendorApp().synth();
}
