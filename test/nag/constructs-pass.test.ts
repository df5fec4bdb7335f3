import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ExternalIdParameter, VendorAccessRole, VendorDeputyRole, VendorTrust } from '../../src';
import { check } from '../../src/engine';
import { CrossAccountTrustChecks } from '../../src/nag/cross-account-trust-checks';
import { synthValidated } from '../cdk-synth';

const VENDOR_ENV = { account: '111122223333', region: 'eu-west-1' };
const CUSTOMER_ENV = { account: '444455556666', region: 'eu-west-1' };

/** Every construct of the library with default props, as vendors and customers use them. */
function libraryApp(outdir?: string): App {
  const app = new App({ outdir });
  const vendor = new Stack(app, 'Vendor', { env: VENDOR_ENV });
  const deputy = new VendorDeputyRole(vendor, 'Deputy', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    roleName: 'AcmeDeputy',
    customerRoleName: 'AcmeAccess',
  });
  deputy.customerRoleTemplate(app, 'Onboarding', { managedPolicyNames: ['SecurityAudit'] });

  const customer = new Stack(app, 'Customer', { env: CUSTOMER_ENV });
  new VendorAccessRole(customer, 'Default', { vendorRoleArn: 'arn:aws:iam::111122223333:role/AcmeDeputy' });
  new VendorAccessRole(customer, 'Narrowed', {
    vendorRoleArn: 'arn:aws:iam::777788889999:role/OtherDeputy',
    trust: VendorTrust.ACCOUNT_ROOT_NARROWED_TO_ROLE,
  });
  new ExternalIdParameter(customer, 'Spare');

  // An environment-agnostic customer stack: the own account is only known as AWS::AccountId.
  const agnostic = new Stack(app, 'Agnostic');
  new VendorAccessRole(agnostic, 'Default', { vendorRoleArn: 'arn:aws:iam::111122223333:role/AcmeDeputy' });
  return app;
}

describe('every construct of the library, with default props', () => {
  test('passes the pack with zero findings', () => {
    const app = libraryApp();
    const report = new CrossAccountTrustChecks(app).validateScope(app);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('gives the engine zero findings and zero errors over the synthesized templates', () => {
    const assembly = libraryApp().synth();
    const inputs = assembly.stacks.map((s) => ({ source: s.stackName, template: s.template, account: s.environment.account }));
    expect(inputs.map((i) => i.source).sort()).toEqual(['Agnostic', 'Customer', 'Onboarding', 'Vendor']);
    expect(check(inputs)).toEqual(expect.objectContaining({ findings: [], errors: [] }));
  });

  test('synthesizes with the pack registered: no validation failure', () => {
    const validated = jest.spyOn(CrossAccountTrustChecks.prototype, 'validateScope');
    try {
      const app = libraryApp(fs.mkdtempSync(path.join(os.tmpdir(), 'constructs-pass-')));
      Validations.of(app).addPlugins(new CrossAccountTrustChecks(app));
      const result = synthValidated(app);
      expect(result).toMatchObject({ failed: false, violations: [] });
      expect(validated).toHaveBeenCalledTimes(1);
    } finally {
      validated.mockRestore();
    }
  });
});
