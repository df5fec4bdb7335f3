import * as fs from 'fs';
import * as path from 'path';
import { App, NestedStack, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { checkJson, cli, tempDir } from './helpers';
import { CrossAccountTrustChecks } from '../../src/nag/cross-account-trust-checks';

const OWN = '444455556666';
const VENDOR = '111122223333';

/** The context the CDK CLI gives an app: path and asset metadata in the templates. */
const CLI_CONTEXT = { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true };

/** Logical ids and nested template names end in a hash of the construct path. */
const hashless = (s: string) => s.replace(/[0-9A-F]{8}(?=$|\.nested\.template\.json$)/, '');

function rows(report: any): string[] {
  return report.findings.map((f: any) => `${hashless(path.basename(f.file))} | ${f.stack} | ${f.nestedStack ?? '-'} | ${hashless(f.resource)} ${f.rule}`);
}

/** Parent (with Inner, and Deeper inside Inner) and a Stage Prod with a stack holding a nested stack; each nested stack has a role trusting a vendor account root. */
function build(app: App): void {
  const parent = new Stack(app, 'Parent', { env: { account: OWN, region: 'eu-west-1' } });
  new iam.Role(parent, 'ParentRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const inner = new NestedStack(parent, 'Inner');
  new iam.Role(inner, 'VendorRole', { assumedBy: new iam.AccountPrincipal(VENDOR) });
  // Trust of the parent's own account: a nested stack deploys to its parent's account.
  new iam.Role(inner, 'OwnRole', { assumedBy: new iam.AccountPrincipal(OWN) });
  const deeper = new NestedStack(inner, 'Deeper');
  new iam.Role(deeper, 'DeepRole', { assumedBy: new iam.AccountPrincipal(VENDOR) });
  const stage = new Stage(app, 'Prod', { env: { account: OWN, region: 'eu-west-1' } });
  const staged = new NestedStack(new Stack(stage, 'Audit'), 'Auditors');
  new iam.Role(staged, 'AuditRole', { assumedBy: new iam.AccountPrincipal(VENDOR) });
}

function synth(context: Record<string, unknown>, more?: (app: App) => void): string {
  const outdir = path.join(tempDir(), 'cdk.out');
  const app = new App({ outdir, context });
  build(app);
  more?.(app);
  app.synth();
  return outdir;
}

const EXPECTED = [
  'ProdAuditAuditors.nested.template.json | Prod-Audit | Prod/Audit/Auditors | AuditRole XAT1',
  'ProdAuditAuditors.nested.template.json | Prod-Audit | Prod/Audit/Auditors | AuditRole XAT3',
  'ParentInner.nested.template.json | Parent | Parent/Inner | VendorRole XAT1',
  'ParentInner.nested.template.json | Parent | Parent/Inner | VendorRole XAT3',
  'ParentInnerDeeper.nested.template.json | Parent | Parent/Inner/Deeper | DeepRole XAT1',
  'ParentInnerDeeper.nested.template.json | Parent | Parent/Inner/Deeper | DeepRole XAT3',
];

describe('nested stacks of a cloud assembly', () => {
  test.each([
    ['as the CDK CLI synthesizes (path and asset metadata)', CLI_CONTEXT],
    ['without path and asset metadata', {}],
  ])('their templates are checked, %s, with the parent\'s stack name and the NestedStack\'s construct path', (_name, context) => {
    const outdir = synth(context);
    const { code, report } = checkJson(['cdk.out'], { cwd: path.dirname(outdir) });
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    expect(rows(report).sort()).toEqual([...EXPECTED].sort());
    expect(report.summary).toMatchObject({ files: 5, skipped: 0 });
    // Every nested stack's template was found and checked: no notice that one is another file.
    expect(report.notices).toBeUndefined();
  });

  test('outside a cloud assembly, a nested stack\'s TemplateURL is not followed: a notice says so', () => {
    const outdir = synth({});
    const { code, report } = checkJson([path.join('cdk.out', 'Parent.template.json')], { cwd: path.dirname(outdir) });
    expect(code).toBe(0);
    expect(report.notices).toEqual([expect.objectContaining({
      resource: expect.stringMatching(/^InnerNestedStackInnerNestedStackResource/),
      message: expect.stringMatching(/^nested stack InnerNestedStack\w+ deploys the template at TemplateURL given by an intrinsic function, which is not in this file: its roles and policies are checked only if that template is checked too/),
    })]);
  });

  test('the rule pack and the CLI find the same roles', () => {
    const app = new App({ outdir: path.join(tempDir(), 'cdk.out'), context: CLI_CONTEXT });
    build(app);
    const pack = new CrossAccountTrustChecks(app).validateScope(app).violations
      .flatMap((v) => v.violatingResources.map((r) => `${r.constructPath?.replace(/\/Resource$/, '')} ${/XAT\d+/.exec(v.ruleName)![0]}`));
    const packReport = new CrossAccountTrustChecks(app).validateScope(app);
    expect(packReport.metadata).toBeUndefined();
    const assembly = app.synth().directory;
    const { report } = checkJson([assembly]);
    expect(report.findings.map((f: any) => `${f.nestedStack}/${hashless(f.resource)} ${f.rule}`).sort()).toEqual([...new Set(pack)].sort());
    expect(pack.length).toBeGreaterThanOrEqual(6);
  });

  test('each finding names the construct path of its resource, as the pack does, in JSON, SARIF and text', () => {
    const app = new App({ outdir: path.join(tempDir(), 'cdk.out'), context: CLI_CONTEXT });
    build(app);
    const pack = new CrossAccountTrustChecks(app).validateScope(app).violations
      .flatMap((v) => v.violatingResources.map((r) => `${r.constructPath} ${/XAT\d+/.exec(v.ruleName)![0]}`));
    const assembly = app.synth().directory;
    const { report } = checkJson([assembly]);
    expect(report.findings.map((f: any) => `${f.constructPath} ${f.rule}`).sort()).toEqual([...new Set(pack)].sort());
    const log = JSON.parse(cli(['check', '--format', 'sarif', assembly]).stdout);
    const deep = log.runs[0].results.find((r: any) => r.properties.constructPath === 'Parent/Inner/Deeper/DeepRole/Resource');
    expect(deep.locations[0].logicalLocations).toEqual([
      { name: expect.stringMatching(/^DeepRole/), fullyQualifiedName: expect.stringMatching(/^Parent\/DeepRole/), kind: 'resource' },
      { name: 'Resource', fullyQualifiedName: 'Parent/Inner/Deeper/DeepRole/Resource', kind: 'object' },
    ]);
    expect(cli(['check', assembly]).stdout).toMatch(
      /^\S+ParentInnerDeeper\w+\.nested\.template\.json:\d+:\d+: error XAT3 \[Statement0\.Principal0\] DeepRole\w+: .* \(construct Parent\/Inner\/Deeper\/DeepRole\/Resource, stack Parent, nested stack Parent\/Inner\/Deeper\)$/m,
    );
  });

  test('text output names the parent stack and the nested stack', () => {
    const outdir = synth(CLI_CONTEXT);
    const { report } = checkJson(['cdk.out'], { cwd: path.dirname(outdir) });
    expect(report.findings.find((f: any) => f.nestedStack === 'Parent/Inner/Deeper')).toMatchObject({ stack: 'Parent' });
  });

  test('acknowledgements apply within their nested stack only, though logical ids repeat across nested templates', () => {
    const outdir = synth(CLI_CONTEXT, (app) => {
      // A second nested stack with the same construct ids as Parent/Inner: its role has the same logical id.
      const twin = new NestedStack(app.node.findChild('Parent') as Stack, 'Twin');
      new iam.Role(twin, 'VendorRole', { assumedBy: new iam.AccountPrincipal(VENDOR) });
      const inner = app.node.findChild('Parent').node.findChild('Inner');
      Validations.of(inner).acknowledge({ id: 'CrossAccountTrust-XAT3', reason: 'vendor supports only root trust; SEC-9' });
    });
    const { report } = checkJson(['cdk.out'], { cwd: path.dirname(outdir) });
    expect(report.acknowledged.map((f: any) => `${f.nestedStack} ${hashless(f.resource)} ${f.rule}: ${f.reason}`).sort()).toEqual([
      'Parent/Inner VendorRole XAT3: vendor supports only root trust; SEC-9',
      // Deeper is inside Inner, so the acknowledgement covers it too.
      'Parent/Inner/Deeper DeepRole XAT3: vendor supports only root trust; SEC-9',
    ]);
    expect(rows(report).filter((r) => r.includes('Twin'))).toEqual([
      'ParentTwin.nested.template.json | Parent | Parent/Twin | VendorRole XAT1',
      'ParentTwin.nested.template.json | Parent | Parent/Twin | VendorRole XAT3',
    ]);
  });

  test('a nested stack template that no stack lists as an asset is still checked', () => {
    const outdir = synth({});
    const deeper = fs.readdirSync(outdir).find((f) => /^ParentInnerDeeper[0-9A-F]{8}\.nested/.test(f))!;
    const stray = JSON.parse(fs.readFileSync(path.join(outdir, deeper), 'utf8'));
    stray.Resources = { StrayRole: Object.values(stray.Resources)[0] };
    fs.writeFileSync(path.join(outdir, 'Stray.nested.template.json'), JSON.stringify(stray));
    const { report } = checkJson(['cdk.out'], { cwd: path.dirname(outdir) });
    expect(report.findings.filter((f: any) => f.file.endsWith('Stray.nested.template.json')).map((f: any) => [f.stack, f.resource, f.rule]))
      .toEqual([[undefined, 'StrayRole', 'XAT1'], [undefined, 'StrayRole', 'XAT3']]);
  });

  test('NestedStacks with the same template share one asset: it is checked for each of them', () => {
    const outdir = path.join(tempDir(), 'cdk.out');
    const app = new App({ outdir });
    const parent = new Stack(app, 'Twins', { env: { account: OWN, region: 'eu-west-1' } });
    for (const id of ['Blue', 'Green']) new iam.Role(new NestedStack(new NestedStack(parent, id), 'Same'), 'Trusting', { assumedBy: new iam.AccountPrincipal(VENDOR) });
    app.synth();
    const { report } = checkJson([outdir]);
    expect(report.findings.map((f: any) => `${f.nestedStack} ${f.rule}`).sort()).toEqual(['Twins/Blue/Same XAT1', 'Twins/Blue/Same XAT3', 'Twins/Green/Same XAT1', 'Twins/Green/Same XAT3']);
  });

  test('property-based: every role in a tree of nested stacks is found, at its construct path', () => {
    type Tree = { readonly unsafe: boolean; readonly children: readonly Tree[] };
    const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
      node: fc.record({ unsafe: fc.boolean(), children: fc.oneof({ maxDepth: 3 }, fc.constant([]), fc.array(tie('node'), { maxLength: 2 })) }),
    })).node;
    fc.assert(fc.property(fc.array(tree, { minLength: 1, maxLength: 2 }), fc.boolean(), (roots, cliContext) => {
      const outdir = path.join(tempDir(), 'cdk.out');
      const app = new App({ outdir, context: cliContext ? CLI_CONTEXT : {} });
      const parent = new Stack(app, 'Root', { env: { account: OWN, region: 'eu-west-1' } });
      const expected: string[] = [];
      const add = (scope: Stack, t: Tree, id: string) => {
        const nested = new NestedStack(scope, id);
        if (t.unsafe) {
          new iam.Role(nested, 'Trusting', { assumedBy: new iam.AccountPrincipal(VENDOR) });
          expected.push(nested.node.path);
        } else {
          new iam.Role(nested, 'Service', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
        }
        t.children.forEach((c, i) => add(nested, c, `N${i}`));
      };
      roots.forEach((t, i) => add(parent, t, `N${i}`));
      app.synth();
      const { report } = checkJson([outdir]);
      expect(report.errors).toEqual([]);
      expect(report.findings.filter((f: any) => f.rule === 'XAT3').map((f: any) => f.nestedStack).sort()).toEqual(expected.sort());
    }), { numRuns: 12 });
  });
});
