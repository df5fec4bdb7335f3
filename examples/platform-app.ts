// What a platform team adds to every CDK app: the CrossAccountTrust rule pack. Synth fails on unsafe
// cross-account trust; a finding someone has reviewed is acknowledged, with its reason, on the
// construct it is about.
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CrossAccountTrustChecks, VendorAccessRole } from '../src';

const ENV = { account: '444455556666', region: 'eu-west-1' };

export function buildPlatformApp(app: App = new App()): App {
  // One registration covers every stack of the app, checked together (an ExternalId shared
  // between two stacks is found too).
  Validations.of(app).addPlugins(new CrossAccountTrustChecks(app));

  // Safe: the library's customer role, ExternalId from a NoEcho parameter.
  const safe = new Stack(app, 'PlatformSafe', { env: ENV });
  new VendorAccessRole(safe, 'CostToolAccess', {
    vendorRoleArn: 'arn:aws:iam::111122223333:role/AcmeCostDeputy',
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('job-function/Billing')],
  });

  const legacy = new Stack(app, 'PlatformLegacy', { env: ENV });

  // Unsafe, deliberately: a whole vendor account trusted with no ExternalId. Any tenant of that
  // vendor could have it assume this role (XAT1, XAT3), so synth fails.
  new iam.Role(legacy, 'LegacyAuditorAccess', {
    assumedBy: new iam.AccountPrincipal('999988887777'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
  });

  // Reviewed: this vendor assigns one ExternalId per customer account and shows it only in its
  // console, so the value is written here (XAT6). The construct validated it as random; the
  // acknowledgment records why it is accepted and until when.
  const monitoring = new VendorAccessRole(legacy, 'MonitoringAccess', {
    vendorRoleArn: 'arn:aws:iam::555566667777:role/MonitoringIntegration',
    externalId: 'Qm7vX2rL9kTz4WpN8cY3hB6dF1sJ5gHa0eUoRi',
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchReadOnlyAccess')],
  });
  Validations.of(monitoring).acknowledge({
    id: 'CrossAccountTrust-XAT6',
    reason: 'The vendor assigns the ExternalId per account and cannot take it as a parameter; '
      + 'the template is private to this account. Move to a NoEcho parameter by 2027-06 (SEC-1423).',
  });
  return app;
}

if (require.main === module) {
  buildPlatformApp().synth();
}
