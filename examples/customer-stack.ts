// What a customer writes in its own CDK app to let a vendor in: one role that trusts exactly the
// vendor's deputy role and requires the ExternalId the vendor generated for this account.
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { VendorAccessRole } from '../src';

export class CustomerStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // The ExternalId arrives at deploy time through a NoEcho parameter:
    //   cdk deploy --parameters ExternalId=<value from the vendor's onboarding page>
    new VendorAccessRole(this, 'AcmeScanner', {
      vendorRoleArn: 'arn:aws:iam::111122223333:role/AcmeScannerDeputy',
      roleName: 'AcmeScannerAccess',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('SecurityAudit')],
    });
  }
}

export function buildCustomerApp(app: App = new App()): App {
  new CustomerStack(app, 'CustomerVendorAccess', { env: { account: '444455556666', region: 'eu-west-1' } });
  return app;
}

if (require.main === module) {
  buildCustomerApp().synth();
}
