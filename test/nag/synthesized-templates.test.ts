import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, NestedStack, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildCustomerApp } from '../../examples/customer-stack';
import { buildPlatformApp } from '../../examples/platform-app';
import { buildVendorApp } from '../../examples/vendor-app';
import * as engine from '../../src/engine';
import { CrossAccountTrustChecks } from '../../src/nag/cross-account-trust-checks';
import { synthValidated } from '../cdk-synth';

const OWN = '444455556666';
const VENDOR = '111122223333';

/** Top-level stacks, a Stage, nested stacks at two depths and in the Stage, a template description, a transform and findings in each. */
function nestedAndStaged(app: App): App {
  const parent = new Stack(app, 'Parent', { env: { account: OWN, region: 'eu-west-1' }, description: 'parent stack' });
  parent.addTransform('AWS::Serverless-2016-10-31');
  const externalId = new CfnParameter(parent, 'ExternalId', { noEcho: true, minLength: 32 });
  new iam.Role(parent, 'ParentRole', { assumedBy: new iam.ArnPrincipal(`arn:aws:iam::${VENDOR}:role/Deputy`), externalIds: [externalId.valueAsString] });
  const inner = new NestedStack(parent, 'Inner');
  new iam.Role(inner, 'VendorRole', { assumedBy: new iam.AccountPrincipal(VENDOR) });
  const deeper = new NestedStack(inner, 'Deeper');
  new iam.Role(deeper, 'DeepRole', { assumedBy: new iam.AccountPrincipal(VENDOR), externalIds: ['guessable-id'] });
  const stage = new Stage(app, 'Prod', { env: { account: OWN, region: 'eu-west-1' } });
  const audit = new Stack(stage, 'Audit');
  new iam.Role(audit, 'Literal', { assumedBy: new iam.ArnPrincipal(`arn:aws:iam::${VENDOR}:role/Auditor`), externalIds: ['Z3hQ9mVt7LkP2wXr8NcB5yDf4GsJ6aHe'] });
  new iam.Role(new NestedStack(audit, 'Auditors'), 'AuditRole', { assumedBy: new iam.AccountPrincipal(VENDOR) });
  return app;
}

/** Each app registers the pack (the platform example does so itself). */
const APPS: Array<[string, (app: App) => App, boolean]> = [
  ['the platform example', buildPlatformApp, false],
  ['the vendor example', buildVendorApp, true],
  ['the customer example', buildCustomerApp, true],
  ['nested stacks and a Stage', nestedAndStaged, true],
];

/** The CDK CLI adds path and asset metadata to the templates; apps run without it otherwise. */
const CONTEXTS: Array<[string, Record<string, unknown>]> = [
  ['without path metadata', {}],
  ['with path and asset metadata', { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true }],
];

describe('the templates the pack checks', () => {
  afterEach(() => jest.restoreAllMocks());

  describe.each(CONTEXTS)('%s', (_name, context) => {
    test.each(APPS)('%s: synthesis reads the written files, validateScope() builds them; the engine gets the same input and gives the same result', (_app, build, register) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'xat-synthesized-'));
      const app = build(new App({ outdir, context }));
      if (register) Validations.of(app).addPlugins(new CrossAccountTrustChecks(app));
      const check = jest.spyOn(engine, 'check');
      synthValidated(app);
      expect(check).toHaveBeenCalledTimes(1);
      const fromFiles = { inputs: check.mock.calls[0][0], result: check.mock.results[0].value };

      check.mockClear();
      new CrossAccountTrustChecks(app).validateScope(app);
      const built = { inputs: check.mock.calls[0][0], result: check.mock.results[0].value };
      expect(built.inputs.map((i) => i.source)).toEqual(fromFiles.inputs.map((i) => i.source));
      expect(built).toEqual(fromFiles);
    });
  });

  test('validate() reads the template files of its context, nested stacks\' templates are built', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'xat-synthesized-'));
    const app = nestedAndStaged(new App({ outdir }));
    const assembly = app.synth();
    const files = assembly.stacksRecursively.map((s) => s.templateFullPath);
    expect(files.map((f) => path.relative(outdir, f)).sort()).toEqual(['Parent.template.json', expect.stringMatching(/^assembly-Prod[/\\]ProdAudit\w*\.template\.json$/)]);
    // A role added to the written files (and not to the app) reaches the engine only when the files are what is checked.
    for (const file of files) {
      const template = JSON.parse(fs.readFileSync(file, 'utf8'));
      template.Resources.OnlyInTheFile = {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '*' } }] } },
      };
      fs.writeFileSync(file, JSON.stringify(template));
    }
    const pack = new CrossAccountTrustChecks(app);
    const check = jest.spyOn(engine, 'check');
    pack.validate({ templatePaths: files, appConstruct: app } as never);
    const sources = check.mock.calls[0][0];
    expect(sources.filter((i) => (i.template as any).Resources.OnlyInTheFile !== undefined).map((i) => i.source).sort()).toEqual(['Parent', 'Prod/Audit']);
    // Nested stacks are not among the files of the context: built from the construct tree, like every stack by validateScope().
    expect(sources.map((i) => i.source).sort()).toEqual(['Parent', 'Parent/Inner', 'Parent/Inner/Deeper', 'Prod/Audit', 'Prod/Audit/Auditors']);
    check.mockClear();
    pack.validateScope(app);
    expect(check.mock.calls[0][0].filter((i) => (i.template as any).Resources.OnlyInTheFile !== undefined)).toEqual([]);
  });
});
