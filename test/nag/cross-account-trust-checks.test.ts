import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CrossAccountTrustChecks, CrossAccountTrustChecksProps } from '../../src/nag/cross-account-trust-checks';
import { ALL_RULES } from '../../src/rules';
import { synthValidated } from '../cdk-synth';

const VENDOR_ROLE = 'arn:aws:iam::111122223333:role/VendorDeputy';
const ENV = { account: '444455556666', region: 'eu-west-1' };

function goodParam(stack: Stack, id: string): CfnParameter {
  return new CfnParameter(stack, id, { type: 'String', noEcho: true, minLength: 32, maxLength: 1224, allowedPattern: '[\\w+=,.@:/-]*' });
}

/** An app whose two stacks break every rule once. */
function unsafeApp(): { app: App; one: Stack; two: Stack } {
  const app = new App();
  const one = new Stack(app, 'One', { env: ENV });
  const two = new Stack(app, 'Two', { env: ENV });
  new iam.CfnRole(one, 'OpenRole', {
    maxSessionDuration: 43200,
    assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '*' } }] },
  });
  const weak = new CfnParameter(one, 'WeakExternalId', { type: 'String', default: 'not-random' });
  new iam.Role(one, 'WeakRole', {
    assumedBy: new iam.ArnPrincipal(VENDOR_ROLE).withConditions({ StringLike: { 'sts:ExternalId': weak.valueAsString } }),
  });
  for (const stack of [one, two]) {
    new iam.Role(stack, 'LiteralRole', { assumedBy: new iam.ArnPrincipal(VENDOR_ROLE), externalIds: ['Z3hQ9mVt7LkP2wXr8NcB5yDf4GsJ6aHe'] });
  }
  const deputy = new iam.Role(two, 'Deputy', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  deputy.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: ['*'] }));
  return { app, one, two };
}

function safeApp(props?: { trusted?: iam.IPrincipal; hours?: number }): { app: App; stack: Stack; role: iam.Role } {
  const app = new App();
  const stack = new Stack(app, 'Safe', { env: ENV });
  const role = new iam.Role(stack, 'VendorRole', {
    assumedBy: props?.trusted ?? new iam.ArnPrincipal(VENDOR_ROLE),
    externalIds: [goodParam(stack, 'ExternalId').valueAsString],
    maxSessionDuration: Duration.hours(props?.hours ?? 1),
  });
  return { app, stack, role };
}

function ruleNames(app: App, props?: CrossAccountTrustChecksProps): string[] {
  return new CrossAccountTrustChecks(app, props).validateScope(app).violations.map((v) => v.ruleName).sort();
}

describe('CrossAccountTrustChecks', () => {
  test('rule ids per level, exactly, in step with the rule metadata', () => {
    const report = new CrossAccountTrustChecks().validateScope(unsafeApp().app);
    expect(report.success).toBe(false);
    const levels = new Map<string, string>();
    for (const v of report.violations) levels.set(/^CrossAccountTrust-(XAT\d+)\[/.exec(v.ruleName)![1], v.severity ?? 'none');
    const expected = { XAT1: 'error', XAT2: 'error', XAT3: 'error', XAT4: 'error', XAT5: 'error', XAT6: 'error', XAT7: 'error', XAT8: 'error', XAT9: 'error', XAT10: 'warning' };
    expect(Object.fromEntries(levels)).toEqual(expected);
    expect(Object.fromEntries(ALL_RULES.map((r) => [r.id, r.level]))).toEqual(expected);
  });

  test('the violation carries the finding message and the construct path', () => {
    const { app } = unsafeApp();
    const v = new CrossAccountTrustChecks().validateScope(app).violations.find((x) => x.ruleName === 'CrossAccountTrust-XAT3[Statement0.Principal0]')!;
    expect(v.description).toMatch(/trusts "\*": every AWS principal/);
    expect(v.violatingResources[0].constructPath).toBe('One/OpenRole');
  });

  test('XAT7 compares all stacks of the app; the entry of each role names the other', () => {
    const report = new CrossAccountTrustChecks().validateScope(unsafeApp().app);
    const xat7 = report.violations.filter((v) => v.ruleName.startsWith('CrossAccountTrust-XAT7'));
    expect(xat7.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath), v.description.match(/also protects the role (\w+):/)?.[1]])).toEqual([
      ['CrossAccountTrust-XAT7[Statement0]', ['One/LiteralRole/Resource'], 'Two'],
      ['CrossAccountTrust-XAT7[Statement0]', ['Two/LiteralRole/Resource'], 'One'],
    ]);
  });

  test('the safe role passes', () => {
    expect(new CrossAccountTrustChecks().validateScope(safeApp().app)).toEqual({ success: true, violations: [] });
  });

  describe('acknowledgement', () => {
    test('a bracketed id acknowledges one finding, the others stay', () => {
      const { app, one } = unsafeApp();
      Validations.of(one.node.findChild('OpenRole')).acknowledge({ id: 'CrossAccountTrust-XAT3[Statement0.Principal0]', reason: 'test' });
      const names = ruleNames(app);
      expect(names).not.toContain('CrossAccountTrust-XAT3[Statement0.Principal0]');
      expect(names).toContain('CrossAccountTrust-XAT1[Statement0]');
    });

    test('the bare rule id on a scope acknowledges every finding of that rule under it', () => {
      const { app, one } = unsafeApp();
      Validations.of(one).acknowledge({ id: 'CrossAccountTrust-XAT6', reason: 'literal ExternalIds in the test stack' });
      const report = new CrossAccountTrustChecks().validateScope(app);
      const xat6 = report.violations.filter((v) => v.ruleName.startsWith('CrossAccountTrust-XAT6'));
      expect(xat6.flatMap((v) => v.violatingResources.map((r) => r.constructPath))).toEqual(['Two/LiteralRole/Resource']);
    });
  });

  describe('acknowledgement in the template\'s Metadata, as the CLI reads it', () => {
    function rootTrust(): { app: App; stack: Stack; role: iam.Role } {
      const app = new App();
      const stack = new Stack(app, 'Vendor', { env: ENV });
      const role = new iam.Role(stack, 'Root', { assumedBy: new iam.AccountPrincipal('111122223333') });
      new iam.Role(stack, 'Other', { assumedBy: new iam.AccountPrincipal('111122223333') });
      return { app, stack, role };
    }
    const metadata = (acknowledge: unknown[]) => ({ acknowledge });

    test('CfnResource.addMetadata acknowledges that resource\'s findings; Stack.addMetadata every resource\'s', () => {
      const { app, stack, role } = rootTrust();
      (role.node.defaultChild as CfnResource).addMetadata('cross-account-trust', metadata([{ id: 'XAT3[Statement0.Principal0]', reason: 'SEC-1423' }]));
      stack.addMetadata('cross-account-trust', metadata([{ id: 'CrossAccountTrust-XAT1', reason: 'vendor cannot pass an ExternalId; SEC-1424' }]));
      const report = new CrossAccountTrustChecks().validateScope(app);
      expect(report.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath)])).toEqual([
        ['CrossAccountTrust-XAT3[Statement0.Principal0]', ['Vendor/Other/Resource']],
      ]);
    });

    test('a malformed entry, or one that matches nothing, is an InvalidAcknowledgement error and the findings stay', () => {
      const { app, stack, role } = rootTrust();
      (role.node.defaultChild as CfnResource).addMetadata('cross-account-trust', metadata([{ id: 'XAT3' }, { id: 'XAT6', reason: 'r' }]));
      stack.addMetadata('cross-account-trust', metadata([{ id: 'XAT42', reason: 'r' }]));
      const report = new CrossAccountTrustChecks().validateScope(app);
      expect(report.success).toBe(false);
      const invalid = report.violations.filter((v) => v.ruleName === 'CrossAccountTrust-InvalidAcknowledgement');
      expect(invalid.map((v) => [v.severity, v.violatingResources.map((r) => r.constructPath), v.description])).toEqual([
        ['error', ['Vendor/Root/Resource'], expect.stringMatching(
          /^the Metadata of resource Root[0-9A-F]{8}: cross-account-trust\.acknowledge\[0\]\.reason is missing; expected a non-empty string that says why the finding is accepted the Metadata of resource Root[0-9A-F]{8}: cross-account-trust\.acknowledge\[1\]\.id 'XAT6' matches no finding of resource Root[0-9A-F]{8}/)],
        ['error', ['Vendor'], expect.stringMatching(/^Vendor: the template's Metadata: cross-account-trust\.acknowledge\[0\]\.id is 'XAT42'; expected a rule id/)],
      ]);
      expect(report.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining(['CrossAccountTrust-XAT1[Statement0]', 'CrossAccountTrust-XAT3[Statement0.Principal0]']));
    });

    test('through real synth: acknowledged in the Metadata, the stack passes', () => {
      const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'xat-nag-')) });
      const stack = new Stack(app, 'Acked', { env: ENV });
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountPrincipal('111122223333'), externalIds: [goodParam(stack, 'ExternalId').valueAsString] });
      (role.node.defaultChild as CfnResource).addMetadata('cross-account-trust', metadata([{ id: 'XAT3', reason: 'the vendor documents account-root trust; TICKET-1' }]));
      Validations.of(app).addPlugins(new CrossAccountTrustChecks(app));
      expect(synthValidated(app)).toMatchObject({ failed: false, violations: [] });
    });
  });

  describe('props', () => {
    test('internalAccounts takes trust from those accounts out of scope', () => {
      const trusted = new iam.AccountPrincipal('999988887777');
      expect(ruleNames(safeApp({ trusted, hours: 12 }).app)).toEqual(['CrossAccountTrust-XAT10[MaxSessionDuration]', 'CrossAccountTrust-XAT3[Statement0.Principal0]']);
      expect(ruleNames(safeApp({ trusted, hours: 12 }).app, { internalAccounts: ['999988887777'] })).toEqual([]);
    });

    test('maxSessionDuration raises the XAT10 maximum', () => {
      expect(ruleNames(safeApp({ hours: 4 }).app)).toEqual(['CrossAccountTrust-XAT10[MaxSessionDuration]']);
      expect(ruleNames(safeApp({ hours: 4 }).app, { maxSessionDuration: Duration.hours(4) })).toEqual([]);
    });

    test('minExternalIdLength raises the XAT5 minimum', () => {
      expect(ruleNames(safeApp().app, { minExternalIdLength: 48 })).toEqual(['CrossAccountTrust-XAT5[Parameter-ExternalId]']);
    });

    test.each([
      [{ internalAccounts: ['1234'] }, /internalAccounts must hold 12-digit account ids, received "1234"/],
      [{ minExternalIdLength: -1 }, /minExternalIdLength must be an integer of at least 2, received -1/],
      [{ minExternalIdLength: 5000 }, /minExternalIdLength must be at most 1224/],
      [{ minExternalIdEntropyBits: 1.5 }, /minExternalIdEntropyBits must be an integer/],
      [{ maxSessionDuration: Duration.seconds(0) }, /maxSessionDuration must be at least 1 second, received 0 seconds/],
    ])('invalid props %p are rejected', (props, error) => {
      expect(() => new CrossAccountTrustChecks(undefined, props as CrossAccountTrustChecksProps)).toThrow(error);
    });
  });

  describe('the real synth path', () => {
    test('an unsafe role fails synth and lands in the validation report', () => {
      const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'xat-nag-')) });
      const stack = new Stack(app, 'Unsafe', { env: ENV });
      new iam.Role(stack, 'Role', { assumedBy: new iam.AccountPrincipal('111122223333') });
      Validations.of(app).addPlugins(new CrossAccountTrustChecks(app));
      const result = synthValidated(app);
      expect(result.failed).toBe(true);
      expect(result.printed).toContain('CrossAccountTrust-XAT1[Statement0]');
      expect(result.violations.map((v) => v.ruleName)).toEqual(['CrossAccountTrust-XAT1[Statement0]', 'CrossAccountTrust-XAT3[Statement0.Principal0]']);
    });

    test('acknowledged findings no longer fail synth', () => {
      const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'xat-nag-')) });
      const stack = new Stack(app, 'Acked', { env: ENV });
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountPrincipal('111122223333'), externalIds: [goodParam(stack, 'ExternalId').valueAsString] });
      Validations.of(role).acknowledge({ id: 'CrossAccountTrust-XAT3', reason: 'the vendor documents account-root trust; tracked in TICKET-1' });
      Validations.of(app).addPlugins(new CrossAccountTrustChecks(app));
      expect(synthValidated(app)).toMatchObject({ failed: false, violations: [] });
    });
  });
});
