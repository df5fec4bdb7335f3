import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { checkJson, cli, fixtureText, tempDir, writeFiles } from './helpers';

const OWN = '444455556666';
const VENDOR = '111122223333';

const UNSAFE = fixtureText('unsafe-role.json');
const SAFE = fixtureText('safe-role.yaml');

const files = (report: any) => [...new Set(report.findings.map((f: any) => f.file))];

describe('directories', () => {
  test('are searched recursively for *.json, *.yaml, *.yml and *.template; non-templates are skipped and counted', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'a.json': UNSAFE,
      'b.yml': UNSAFE,
      'c.template': SAFE,
      'D.YAML': UNSAFE,
      'sub/deeper/e.json': UNSAFE,
      'notes.txt': UNSAFE,
      'package.json': '{ "name": "x", "version": "1.0.0" }',
      'workflow.yml': 'on: push\njobs: {}\n',
      'tsconfig.json': '// generated\n{ "compilerOptions": { "strict": true } }\n',
      'empty.yaml': '',
      'binary.json': new Uint8Array([0x7b, 0, 0, 0x7d]),
      'node_modules/dep/t.json': UNSAFE,
      '.git/t.json': UNSAFE,
    });
    const { code, report } = checkJson(['.'], { cwd: dir });
    expect(code).toBe(1);
    expect(files(report).sort()).toEqual(['D.YAML', 'a.json', 'b.yml', path.join('sub', 'deeper', 'e.json')]);
    expect(report.errors).toEqual([]);
    // c.template is checked; package.json, workflow.yml, tsconfig.json, empty.yaml and binary.json are skipped; notes.txt is not looked at.
    expect(report.summary).toEqual({ files: 5, skipped: 5, resources: 5, findings: 8, acknowledged: 0 });
  });

  test('paths keep the directory as given', () => {
    const dir = tempDir();
    writeFiles(dir, { 'templates/x/t.json': UNSAFE });
    expect(files(checkJson(['templates/'], { cwd: dir }).report)).toEqual([path.join('templates', 'x', 't.json')]);
    expect(files(checkJson([path.join(dir, 'templates')], { cwd: '/' }).report)).toEqual([path.join(dir, 'templates', 'x', 't.json')]);
  });

  test('a file found in a directory that looks like a template but does not parse is an error, not skipped', () => {
    const dir = tempDir();
    writeFiles(dir, { 'broken.yaml': 'AWSTemplateFormatVersion: 2010-09-09\nResources:\n  R: [\n', 'ok.json': UNSAFE });
    const { code, report } = checkJson(['.'], { cwd: dir });
    expect(code).toBe(2);
    expect(report.errors).toEqual([{ file: 'broken.yaml', message: expect.stringMatching(/^invalid YAML or JSON at line \d+, column \d+/), line: expect.any(Number), column: expect.any(Number) }]);
    expect(files(report)).toEqual(['ok.json']);
  });

  test('a file named on the command line that is not a template is an error', () => {
    const dir = tempDir();
    writeFiles(dir, { 'package.json': '{"name": "x"}', 'empty.yaml': '' });
    const { code, report } = checkJson(['package.json', 'empty.yaml'], { cwd: dir });
    expect(code).toBe(2);
    expect(report.errors.map((e: any) => [e.file, e.message])).toEqual([
      ['package.json', expect.stringMatching(/^the file is an object without a Resources mapping, not a CloudFormation template/)],
      ['empty.yaml', expect.stringMatching(/^it is empty/)],
    ]);
  });

  test('each file is checked once, however often it is named', () => {
    const dir = tempDir();
    writeFiles(dir, { 'd/t.json': UNSAFE });
    const { report } = checkJson(['d', 'd/t.json', './d/t.json', 'd'], { cwd: dir });
    expect(report.summary).toMatchObject({ files: 1, findings: 2 });
  });

  test('a directory symlink cycle ends; a dangling link named like a template is an error', () => {
    const dir = tempDir();
    writeFiles(dir, { 'd/t.json': UNSAFE });
    fs.symlinkSync(path.join(dir, 'd'), path.join(dir, 'd', 'loop'), 'dir');
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'd', 'dangling.json'));
    const { report } = checkJson(['d'], { cwd: dir });
    expect(report.summary).toMatchObject({ files: 1, findings: 2 });
    expect(report.errors).toEqual([{ file: path.join('d', 'dangling.json'), message: expect.stringMatching(/^the symbolic link points to .*nowhere", which does not exist/) }]);
  });

  test('a manifest.json of another tool does not make a directory a cloud assembly', () => {
    const dir = tempDir();
    writeFiles(dir, { 'ext/manifest.json': '{ "manifest_version": 3, "name": "x", "version": "1.0" }', 'ext/t.json': UNSAFE });
    const { report } = checkJson(['ext'], { cwd: dir });
    expect(files(report)).toEqual([path.join('ext', 't.json')]);
    expect(report.summary.skipped).toBe(1);
  });
});

describe('CDK cloud assemblies', () => {
  /** Synthesizes an app: an environment-specific stack, an environment-agnostic one and a Stage with its own nested assembly. */
  function synthApp(): string {
    const outdir = path.join(tempDir(), 'cdk.out');
    const app = new App({ outdir });
    const vendorStack = new Stack(app, 'VendorAccess', { env: { account: OWN, region: 'eu-west-1' } });
    new iam.Role(vendorStack, 'VendorRole', { assumedBy: new iam.AccountPrincipal(VENDOR) });
    // Trust of the stack's own account: not cross-account once the manifest says which account that is.
    new iam.Role(vendorStack, 'OwnAccountRole', { assumedBy: new iam.AccountPrincipal(OWN) });
    const agnostic = new Stack(app, 'Agnostic');
    new iam.Role(agnostic, 'Fine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const stage = new Stage(app, 'Prod', { env: { account: OWN, region: 'eu-west-1' } });
    const inStage = new Stack(stage, 'Audit');
    new iam.Role(inStage, 'AuditRole', { assumedBy: new iam.ArnPrincipal(`arn:aws:iam::${VENDOR}:user/auditor`) });
    app.synth();
    return outdir;
  }

  let outdir: string;
  beforeAll(() => {
    outdir = synthApp();
  });

  test('every stack template is checked, nested assemblies of stages included, with stack names and template paths', () => {
    const { code, report } = checkJson(['cdk.out'], { cwd: path.dirname(outdir) });
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    // Logical ids and the nested template's name end in a hash of the construct path.
    const hashless = (s: string) => s.replace(/[0-9A-F]{8}(?=$|\.template\.json$)/, '');
    expect(report.findings.map((f: any) => [hashless(f.file), f.stack, hashless(f.resource), f.rule])).toEqual([
      [path.join('cdk.out', 'assembly-Prod', 'ProdAudit.template.json'), 'Prod-Audit', 'AuditRole', 'XAT1'],
      [path.join('cdk.out', 'assembly-Prod', 'ProdAudit.template.json'), 'Prod-Audit', 'AuditRole', 'XAT3'],
      [path.join('cdk.out', 'VendorAccess.template.json'), 'VendorAccess', 'VendorRole', 'XAT1'],
      [path.join('cdk.out', 'VendorAccess.template.json'), 'VendorAccess', 'VendorRole', 'XAT3'],
    ]);
    expect(report.summary).toMatchObject({ files: 3, skipped: 0 });
  });

  test('--account overrides the accounts of the manifest', () => {
    const { report } = checkJson(['--account', VENDOR, 'cdk.out'], { cwd: path.dirname(outdir) });
    // Now the vendor's account is the own one, and the stack's account is a third party.
    expect(report.findings.filter((f: any) => f.stack === 'VendorAccess').map((f: any) => f.resource.replace(/[0-9A-F]{8}$/, ''))).toEqual(['OwnAccountRole', 'OwnAccountRole']);
  });

  test('a cloud assembly inside a directory that is searched is read through its manifest', () => {
    const { report } = checkJson(['.'], { cwd: path.dirname(outdir) });
    expect(new Set(report.findings.map((f: any) => f.stack))).toEqual(new Set(['VendorAccess', 'Prod-Audit']));
    // tree.json, *.assets.json and the manifests are not templates, and are not even looked at.
    expect(report.summary).toMatchObject({ files: 3, skipped: 0 });
  });

  test('a stack whose template file is missing, or a manifest entry without one, is an error', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'out/manifest.json': JSON.stringify({
        version: '54.0.0',
        artifacts: {
          Gone: { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region', properties: { templateFile: 'Gone.template.json' } },
          NoFile: { type: 'aws:cloudformation:stack', properties: {} },
          Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Stage' } },
          Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
        },
      }),
    });
    const { code, report } = checkJson(['out'], { cwd: dir });
    expect(code).toBe(2);
    expect(report.errors).toEqual([
      { file: path.join('out', 'manifest.json'), message: 'stack artifact NoFile has no templateFile property; expected a cloud assembly manifest as the CDK writes it' },
      { file: path.join('out', 'manifest.json'), message: expect.stringMatching(/^nested cloud assembly Stage \(directory "assembly-Stage"\) has no readable manifest\.json/) },
      { file: path.join('out', 'Gone.template.json'), stack: 'Gone', message: 'the file does not exist' },
    ]);
  });

  describe('acknowledgements made in the CDK app', () => {
    /** One stack: `Audited` trusts a vendor account root without ExternalId (XAT1, XAT3), `Audited2` the same, unacknowledged. */
    function synthAcknowledged(acknowledge: (stack: Stack, audited: iam.Role) => void): string {
      const assemblyDir = path.join(tempDir(), 'cdk.out');
      const app = new App({ outdir: assemblyDir });
      const stack = new Stack(app, 'Legacy', { env: { account: OWN, region: 'eu-west-1' } });
      const audited = new iam.Role(stack, 'Audited', { assumedBy: new iam.AccountPrincipal(VENDOR) });
      new iam.Role(stack, 'Audited2', { assumedBy: new iam.AccountPrincipal(VENDOR) });
      acknowledge(stack, audited);
      app.synth();
      return assemblyDir;
    }
    const summary = (report: any) => ({
      reported: report.findings.map((f: any) => `${f.resource.replace(/[0-9A-F]{8}$/, '')} ${f.rule}`).sort(),
      acknowledged: report.acknowledged.map((f: any) => `${f.resource.replace(/[0-9A-F]{8}$/, '')} ${f.rule}: ${f.reason}`).sort(),
    });

    test('a bare rule id covers that rule for the resources under the scope, and only those', () => {
      const assembly = synthAcknowledged((_, audited) => Validations.of(audited).acknowledge({ id: 'CrossAccountTrust-XAT3', reason: 'vendor only supports root trust' }));
      const { code, report } = checkJson([assembly]);
      expect(code).toBe(1);
      expect(summary(report)).toEqual({
        reported: ['Audited XAT1', 'Audited2 XAT1', 'Audited2 XAT3'],
        acknowledged: ['Audited XAT3: vendor only supports root trust'],
      });
      expect(report.summary).toMatchObject({ findings: 3, acknowledged: 1 });
    });

    test('a finding id on a parent scope acknowledges that finding; every finding acknowledged means exit code 0', () => {
      const assembly = synthAcknowledged((stack) => Validations.of(stack).acknowledge(
        { id: 'CrossAccountTrust-XAT1[Statement0]', reason: 'SEC-1' },
        { id: 'CrossAccountTrust-XAT3[Statement0.Principal0]', reason: 'SEC-2' },
      ));
      const { code, report } = checkJson([assembly]);
      expect(code).toBe(0);
      expect(summary(report).reported).toEqual([]);
      expect(summary(report).acknowledged).toEqual(['Audited XAT1: SEC-1', 'Audited XAT3: SEC-2', 'Audited2 XAT1: SEC-1', 'Audited2 XAT3: SEC-2']);
      const text = cli(['check', assembly]).stdout;
      expect(text).toBe('Checked 1 template (2 resources): no findings; 4 acknowledged findings not shown.\n');
      // Made on the stack: the acknowledgement names the stack's construct path.
      expect(report.acknowledged.map((f: any) => [f.acknowledgedIn, f.acknowledgedId, f.acknowledgedAt])).toEqual([
        ['cdk', 'CrossAccountTrust-XAT1[Statement0]', '/Legacy'], ['cdk', 'CrossAccountTrust-XAT3[Statement0.Principal0]', '/Legacy'],
        ['cdk', 'CrossAccountTrust-XAT1[Statement0]', '/Legacy'], ['cdk', 'CrossAccountTrust-XAT3[Statement0.Principal0]', '/Legacy'],
      ]);
      // In SARIF every one is a result suppressed in source, with its reason, so code scanning shows it as suppressed.
      const sarif = JSON.parse(cli(['check', '--format', 'sarif', assembly]).stdout);
      expect(sarif.runs[0].results.map((r: any) => [r.ruleId, r.suppressions])).toEqual(['XAT1', 'XAT3', 'XAT1', 'XAT3'].map((rule) => [rule, [{
        kind: 'inSource',
        status: 'accepted',
        justification: rule === 'XAT1' ? 'SEC-1' : 'SEC-2',
        location: { logicalLocations: [{ fullyQualifiedName: '/Legacy', kind: 'resource' }] },
        properties: { acknowledgedIn: 'cdk', acknowledgedId: rule === 'XAT1' ? 'CrossAccountTrust-XAT1[Statement0]' : 'CrossAccountTrust-XAT3[Statement0.Principal0]' },
      }]]));
    });

    test('the CrossAccountTrust:: form newer aws-cdk-lib prints is accepted, bare and bracketed', () => {
      const assembly = synthAcknowledged((stack, audited) => {
        Validations.of(audited).acknowledge({ id: 'CrossAccountTrust::CrossAccountTrust-XAT3', reason: 'root trust' });
        Validations.of(stack).acknowledge({ id: 'CrossAccountTrust::CrossAccountTrust-XAT1[Statement0]', reason: 'SEC-1' });
      });
      expect(summary(checkJson([assembly]).report)).toEqual({
        reported: ['Audited2 XAT3'],
        acknowledged: ['Audited XAT1: SEC-1', 'Audited XAT3: root trust', 'Audited2 XAT1: SEC-1'],
      });
    });

    test('an acknowledgement of another rule or finding does not apply', () => {
      const assembly = synthAcknowledged((_, audited) => Validations.of(audited).acknowledge(
        { id: 'CrossAccountTrust-XAT6', reason: 'not this rule' },
        { id: 'CrossAccountTrust-XAT1[Statement7]', reason: 'not this finding' },
      ));
      expect(summary(checkJson([assembly]).report).acknowledged).toEqual([]);
    });

    test('without the stack metadata nothing is acknowledged', () => {
      const assembly = synthAcknowledged((_, audited) => Validations.of(audited).acknowledge({ id: 'CrossAccountTrust-XAT3', reason: 'r' }));
      fs.rmSync(path.join(assembly, 'Legacy.metadata.json'));
      expect(summary(checkJson([assembly]).report).acknowledged).toEqual([]);
    });
  });
});
