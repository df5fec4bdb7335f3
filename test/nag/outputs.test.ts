import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnOutput, CfnParameter, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CrossAccountTrustChecks } from '../../src/nag/cross-account-trust-checks';
import { synthValidated } from '../cdk-synth';

describe('the pack on an Output that echoes the NoEcho ExternalId', () => {
  test('fails synth with XAT4 on the role, and the acknowledgment id names the output', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'xat-outputs-'));
    try {
      const app = new App({ outdir });
      const stack = new Stack(app, 'Customer', { env: { account: '444455556666', region: 'eu-west-1' } });
      const externalId = new CfnParameter(stack, 'ExternalId', { type: 'String', noEcho: true, minLength: 32, maxLength: 1224, allowedPattern: '[\\w+=,.@:/-]*' });
      new iam.Role(stack, 'VendorRole', { assumedBy: new iam.ArnPrincipal('arn:aws:iam::111122223333:role/VendorDeputy'), externalIds: [externalId.valueAsString] });
      new CfnOutput(stack, 'OnboardingLink', { value: `https://vendor.example/onboard?externalId=${externalId.valueAsString}`, exportName: 'onboarding-link' });
      Validations.of(app).addPlugins(new CrossAccountTrustChecks(app));
      const result = synthValidated(app);
      expect(result.failed).toBe(true);
      expect(result.violations.map((v) => [v.ruleName, v.constructPaths])).toEqual([
        ['CrossAccountTrust-XAT4[Output-OnboardingLink]', ['Customer/VendorRole/Resource']],
      ]);
      expect(result.violations[0].description).toContain('Output OnboardingLink, which is exported, shows the ExternalId of VendorRole');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
