import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, Stack, Validations, aws_iam as iam } from 'aws-cdk-lib';
import { checkJson, cli, lineOfText, sarifValidator, tempDir, writeFiles } from './helpers';
import { TEMPLATE_ACKNOWLEDGEMENT_EXAMPLE } from '../../scripts/rules-md';

const validate = sarifValidator();

/**
 * A role that trusts a vendor account root without an ExternalId: findings XAT1[Statement0] and
 * XAT3[Statement0.Principal0]. `metadata` is YAML indented for the resource's `Metadata:` key.
 */
function role(name: string, metadata = ''): string {
  return `  ${name}:
    Type: AWS::IAM::Role
${metadata ? `    Metadata:\n${metadata}` : ''}    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:root }
            Action: sts:AssumeRole
`;
}

/** `cross-account-trust: acknowledge:` with the given `[id, reason]` entries, indented by `indent` spaces. */
function acknowledge(indent: number, ...entries: Array<[string, string]>): string {
  const pad = ' '.repeat(indent);
  return `${pad}cross-account-trust:\n${pad}  acknowledge:\n${entries.map(([id, reason]) => `${pad}    - id: ${id}\n${pad}      reason: ${reason}\n`).join('')}`;
}

function write(text: string, name = 'template.yaml'): { dir: string; file: string } {
  const dir = tempDir();
  writeFiles(dir, { [name]: text });
  return { dir, file: name };
}

/** The 1-based column of `marker` on the first line that holds it. */
function columnOfText(text: string, marker: string): number {
  return text.split('\n').find((l) => l.includes(marker))!.indexOf(marker) + 1;
}

const brief = (report: any) => ({
  reported: report.findings.map((f: any) => `${f.resource} ${f.rule}[${f.findingId}]`),
  acknowledged: report.acknowledged.map((f: any) => `${f.resource} ${f.rule}[${f.findingId}]: ${f.reason}`),
});

describe('acknowledgements in a template\'s Metadata', () => {
  test('finding-level ids on the resource acknowledge its findings: exit code 0, listed with reasons in JSON, text and SARIF', () => {
    const text = `Resources:\n${role('Vendor', acknowledge(6,
      ['XAT1[Statement0]', 'SEC-1 vendor cannot pass an ExternalId'],
      ['XAT3[Statement0.Principal0]', 'Vendor documents account-root trust only; tracked in SEC-1423']))}`;
    const { dir, file } = write(text);
    const { code, report } = checkJson([file], { cwd: dir });
    expect(code).toBe(0);
    expect(report.errors).toEqual([]);
    expect(brief(report)).toEqual({
      reported: [],
      acknowledged: ['Vendor XAT1[Statement0]: SEC-1 vendor cannot pass an ExternalId',
        'Vendor XAT3[Statement0.Principal0]: Vendor documents account-root trust only; tracked in SEC-1423'],
    });
    expect(report.summary).toMatchObject({ findings: 0, acknowledged: 2 });
    expect(report.acknowledged[1]).toMatchObject({
      acknowledgedIn: 'template',
      acknowledgedId: 'XAT3[Statement0.Principal0]',
      acknowledgedAt: 'Resources.Vendor.Metadata.cross-account-trust.acknowledge[1]',
      acknowledgedLine: lineOfText(text, '- id: XAT3[Statement0.Principal0]'),
    });

    const plain = cli(['check', file], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe('Checked 1 template (1 resource): no findings; 2 acknowledged findings not shown.\n');

    const sarif = cli(['check', '--format', 'sarif', file], { cwd: dir });
    expect(sarif.code).toBe(0);
    const log = JSON.parse(sarif.stdout);
    expect(validate(log)).toEqual([]);
    expect(log.runs[0].results.map((r: any) => [r.ruleId, r.suppressions])).toEqual([
      ['XAT1', [{
        kind: 'inSource',
        status: 'accepted',
        justification: 'SEC-1 vendor cannot pass an ExternalId',
        location: {
          physicalLocation: { artifactLocation: { uri: 'template.yaml' }, region: { startLine: lineOfText(text, '- id: XAT1[Statement0]') } },
          logicalLocations: [{ fullyQualifiedName: 'Resources.Vendor.Metadata.cross-account-trust.acknowledge[0]', kind: 'object' }],
        },
        properties: { acknowledgedIn: 'template', acknowledgedId: 'XAT1[Statement0]' },
      }]],
      ['XAT3', [expect.objectContaining({ kind: 'inSource', justification: 'Vendor documents account-root trust only; tracked in SEC-1423' })]],
    ]);
  });

  test('acknowledging keeps the SARIF fingerprint, so code scanning marks the same alert suppressed instead of opening another', () => {
    const bare = write(`Resources:\n${role('Vendor')}`);
    const acked = write(`Resources:\n${role('Vendor', acknowledge(6, ['XAT1', 'r1'], ['XAT3', 'r3']))}`);
    const results = (w: { dir: string; file: string }) => JSON.parse(cli(['check', '--format', 'sarif', w.file], { cwd: w.dir }).stdout).runs[0].results;
    const before = results(bare);
    const after = results(acked);
    expect(before.map((r: any) => r.suppressions)).toEqual([undefined, undefined]);
    expect(after.map((r: any) => r.suppressions[0].justification)).toEqual(['r1', 'r3']);
    expect(after.map((r: any) => [r.ruleId, r.partialFingerprints])).toEqual(before.map((r: any) => [r.ruleId, r.partialFingerprints]));
  });

  test('a template read from standard input is acknowledged the same way', () => {
    const r = cli(['check', '-'], { stdin: `Resources:\n${role('Vendor', acknowledge(6, ['XAT1', 'r1'], ['XAT3', 'r3']))}` });
    expect([r.code, r.stdout]).toEqual([0, 'Checked 1 template (1 resource): no findings; 2 acknowledged findings not shown.\n']);
  });

  test('rule-level ids cover every finding of the rule on the resource, with or without the CrossAccountTrust- prefix and namespace', () => {
    const { dir, file } = write(`Resources:\n${role('A', acknowledge(6, ['CrossAccountTrust-XAT1', 'r1'], ['XAT3', 'r3']))}`
      + `${role('B', acknowledge(6, ['CrossAccountTrust::CrossAccountTrust-XAT3[Statement0.Principal0]', 'r4']))}${role('C')}`);
    const { code, report } = checkJson([file], { cwd: dir });
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    expect(brief(report)).toEqual({
      reported: ['B XAT1[Statement0]', 'C XAT1[Statement0]', 'C XAT3[Statement0.Principal0]'],
      acknowledged: ['A XAT1[Statement0]: r1', 'A XAT3[Statement0.Principal0]: r3', 'B XAT3[Statement0.Principal0]: r4'],
    });
  });

  test('the template\'s top-level Metadata covers every resource of the file', () => {
    const { dir, file } = write(`Metadata:\n${acknowledge(2, ['XAT1', 'gated by the vendor\'s SCP'], ['XAT3[Statement0.Principal0]', 'root trust documented'])}`
      + `Resources:\n${role('A')}${role('B')}`);
    const { code, report } = checkJson([file], { cwd: dir });
    expect(code).toBe(0);
    expect(report.acknowledged.map((f: any) => `${f.resource} ${f.rule} ${f.acknowledgedAt}`)).toEqual([
      'A XAT1 Metadata.cross-account-trust.acknowledge[0]', 'A XAT3 Metadata.cross-account-trust.acknowledge[1]',
      'B XAT1 Metadata.cross-account-trust.acknowledge[0]', 'B XAT3 Metadata.cross-account-trust.acknowledge[1]',
    ]);
  });

  test('the resource\'s own entry wins over the template\'s for the reason shown', () => {
    const { dir, file } = write(`Metadata:\n${acknowledge(2, ['XAT3', 'template-wide'])}Resources:\n${role('A', acknowledge(6, ['XAT3', 'own']))}${role('B')}`
      + 'Outputs: {}\n');
    const { report } = checkJson(['--fail-on', 'never', file], { cwd: dir });
    expect(brief(report).acknowledged).toEqual(['A XAT3[Statement0.Principal0]: own', 'B XAT3[Statement0.Principal0]: template-wide']);
  });

  describe('StackSets', () => {
    /** A StackSet whose body holds role `Inner` (findings XAT1 and XAT3 reported on `Deploy/Inner`, ids prefixed `Inner.`). */
    function stackSet(options: { outer?: string; stackSet?: string; bodyTop?: string; inner?: string }): string {
      const body = `${options.bodyTop ? `Metadata:\n${options.bodyTop}` : ''}Resources:\n${role('Inner', options.inner)}`;
      return `${options.outer ? `Metadata:\n${options.outer}` : ''}Resources:
  Deploy:
    Type: AWS::CloudFormation::StackSet
${options.stackSet ? `    Metadata:\n${options.stackSet}` : ''}    Properties:
      StackSetName: onboarding
      PermissionModel: SERVICE_MANAGED
      TemplateBody: |
${body.split('\n').map((l) => (l ? `        ${l}` : l)).join('\n')}`;
    }
    const everything = [
      'Deploy/Inner XAT1[Inner.Statement0]', 'Deploy/Inner XAT3[Inner.Statement0.Principal0]',
    ];

    test('without acknowledgements the inner role is reported', () => {
      const { dir, file } = write(stackSet({}));
      expect(brief(checkJson([file], { cwd: dir }).report).reported).toEqual(everything);
    });

    test.each([
      ['the template\'s top-level Metadata', { outer: acknowledge(2, ['XAT1', 'a'], ['XAT3[Inner.Statement0.Principal0]', 'b']) },
        'Metadata.cross-account-trust.acknowledge[1]'],
      ['the StackSet resource\'s Metadata', { stackSet: acknowledge(6, ['XAT1[Inner.Statement0]', 'a'], ['XAT3', 'b']) },
        'Resources.Deploy.Metadata.cross-account-trust.acknowledge[1]'],
      ['the body\'s top-level Metadata, with the ids the body has when checked alone', { bodyTop: acknowledge(2, ['XAT1', 'a'], ['XAT3[Statement0.Principal0]', 'b']) },
        'Resources.Deploy.Properties.TemplateBody: Metadata.cross-account-trust.acknowledge[1]'],
      ['the inner resource\'s Metadata, with the ids the report prints', { inner: acknowledge(6, ['XAT1[Inner.Statement0]', 'a'], ['XAT3[Inner.Statement0.Principal0]', 'b']) },
        'Resources.Deploy.Properties.TemplateBody: Resources.Inner.Metadata.cross-account-trust.acknowledge[1]'],
      ['the inner resource\'s Metadata, with the ids the body has when checked alone', { inner: acknowledge(6, ['XAT1[Statement0]', 'a'], ['XAT3[Statement0.Principal0]', 'b']) },
        'Resources.Deploy.Properties.TemplateBody: Resources.Inner.Metadata.cross-account-trust.acknowledge[1]'],
    ])('%s acknowledges the inner resources\' findings', (_, options, at) => {
      const text = stackSet(options);
      const { dir, file } = write(text);
      const { code, report } = checkJson([file], { cwd: dir });
      expect(report.errors).toEqual([]);
      expect(code).toBe(0);
      expect(brief(report)).toEqual({ reported: [], acknowledged: everything.map((f, i) => `${f}: ${i === 0 ? 'a' : 'b'}`) });
      expect(report.acknowledged[1].acknowledgedAt).toBe(at);
      // Inside a body the line is the TemplateBody's, as for the findings.
      if (at.includes('TemplateBody')) expect(report.acknowledged[1].acknowledgedLine).toBe(lineOfText(text, 'TemplateBody:'));
    });

    test('an entry inside the body covers only that body', () => {
      const { dir, file } = write(`${stackSet({ bodyTop: acknowledge(2, ['XAT1', 'body only']) })}${role('Outside')}`);
      const { report } = checkJson(['--fail-on', 'never', file], { cwd: dir });
      expect(brief(report)).toEqual({
        reported: ['Deploy/Inner XAT3[Inner.Statement0.Principal0]', 'Outside XAT1[Statement0]', 'Outside XAT3[Statement0.Principal0]'],
        acknowledged: ['Deploy/Inner XAT1[Inner.Statement0]: body only'],
      });
    });
  });

  describe('input errors: exit code 2, named by file and resource; the findings the entry meant are still reported', () => {
    const errorCases: Array<[string, string, RegExp]> = [
      ['a missing reason', '      cross-account-trust:\n        acknowledge:\n          - id: XAT3\n',
        /^the Metadata of resource Vendor: cross-account-trust\.acknowledge\[0\]\.reason is missing; expected a non-empty string that says why the finding is accepted$/],
      ['an empty reason', '      cross-account-trust:\n        acknowledge:\n          - { id: XAT3, reason: "  " }\n',
        /acknowledge\[0\]\.reason is '  '; expected a non-empty string/],
      ['a reason that is not a string', '      cross-account-trust:\n        acknowledge:\n          - { id: XAT3, reason: 42 }\n',
        /acknowledge\[0\]\.reason is a number; expected a non-empty string/],
      ['an unknown rule id', '      cross-account-trust:\n        acknowledge:\n          - { id: XAT42, reason: r }\n',
        /acknowledge\[0\]\.id is 'XAT42'; expected a rule id \(XAT1 to XAT10\) for every finding of that rule on the resource, or a rule id with a finding id in brackets/],
      ['an id that is not a rule id', '      cross-account-trust:\n        acknowledge:\n          - { id: "AwsSolutions-IAM4", reason: r }\n',
        /acknowledge\[0\]\.id is 'AwsSolutions-IAM4'; expected a rule id/],
      ['an id that is not a string', '      cross-account-trust:\n        acknowledge:\n          - { id: [XAT3], reason: r }\n',
        /acknowledge\[0\]\.id is a list; expected a rule id/],
      ['a missing id', '      cross-account-trust:\n        acknowledge:\n          - { reason: r }\n', /acknowledge\[0\]\.id is missing; expected a rule id/],
      ['an id that matches no finding of the resource', '      cross-account-trust:\n        acknowledge:\n          - { id: "XAT3[Statement1.Principal0]", reason: r }\n',
        /^the Metadata of resource Vendor: cross-account-trust\.acknowledge\[0\]\.id 'XAT3\[Statement1\.Principal0\]' matches no finding of resource Vendor; expected the id of one of its findings as the report prints it \(XAT1\[Statement0\], XAT3\[Statement0\.Principal0\]\)$/],
      ['a rule id with no finding on the resource', '      cross-account-trust:\n        acknowledge:\n          - { id: XAT10, reason: r }\n',
        /acknowledge\[0\]\.id 'XAT10' matches no finding of resource Vendor/],
      ['acknowledge that is not a list', '      cross-account-trust:\n        acknowledge: { id: XAT3, reason: r }\n',
        /^the Metadata of resource Vendor: cross-account-trust\.acknowledge is an object; expected a list of \{ id, reason \} entries$/],
      ['acknowledge missing', '      cross-account-trust: {}\n', /cross-account-trust\.acknowledge is missing; expected a list of \{ id, reason \} entries/],
      ['cross-account-trust that is not a mapping', '      cross-account-trust: [XAT3]\n',
        /^the Metadata of resource Vendor: cross-account-trust is a list; expected a mapping with the key acknowledge, a list of \{ id, reason \} entries$/],
      ['an unknown key beside acknowledge', '      cross-account-trust:\n        acknowledge: []\n        skip: [XAT3]\n',
        /cross-account-trust has the unknown key skip; expected a mapping with the key acknowledge/],
      ['an entry that is not a mapping', '      cross-account-trust:\n        acknowledge:\n          - XAT3\n',
        /acknowledge\[0\] is a string; expected a mapping with id and reason/],
      ['an entry with an unknown key', '      cross-account-trust:\n        acknowledge:\n          - { id: XAT3, reason: r, expires: 2027-01-01 }\n',
        /acknowledge\[0\] has the unknown key expires; expected only id and reason/],
    ];

    test.each(errorCases)('%s', (_, metadata, message) => {
      const text = `Resources:\n${role('Vendor', metadata)}`;
      const { dir, file } = write(text);
      const { code, report } = checkJson([file], { cwd: dir });
      expect(code).toBe(2);
      expect(report.errors).toEqual([{ file, resource: 'Vendor', message: expect.stringMatching(message), line: expect.any(Number), column: expect.any(Number) }]);
      // Nothing is acknowledged by a broken entry: the findings stay reported.
      expect(report.acknowledged).toEqual([]);
      expect(brief(report).reported).toEqual(['Vendor XAT1[Statement0]', 'Vendor XAT3[Statement0.Principal0]']);
      const plain = cli(['check', file], { cwd: dir });
      expect(plain.code).toBe(2);
      expect(plain.stdout).toMatch(new RegExp(`^${file}:\\d+:\\d+: error invalid acknowledgement: Vendor: the Metadata of resource Vendor: cross-account-trust`, 'm'));
      expect(plain.stdout).toMatch(/; 1 invalid acknowledgement\.\n$/);
    });

    test('an error in one entry leaves the file\'s other entries in force', () => {
      const { dir, file } = write(`Resources:\n${role('Vendor', '      cross-account-trust:\n        acknowledge:\n          - { id: XAT1, reason: r }\n'
        + '          - { id: XAT3 }\n')}`);
      const { code, report } = checkJson([file], { cwd: dir });
      expect(code).toBe(2);
      expect(brief(report)).toEqual({ reported: ['Vendor XAT3[Statement0.Principal0]'], acknowledged: ['Vendor XAT1[Statement0]: r'] });
    });

    test('an entry of the template\'s Metadata that matches nothing names the template and lists its findings; an error at its line', () => {
      const text = `Metadata:\n${acknowledge(2, ['XAT6', 'no literal ExternalId here'])}Resources:\n${role('Vendor')}`;
      const { dir, file } = write(text);
      const { code, report } = checkJson([file], { cwd: dir });
      expect(code).toBe(2);
      expect(report.errors).toEqual([{
        file,
        message: 'the template\'s Metadata: cross-account-trust.acknowledge[0].id \'XAT6\' matches no finding of this template; expected the id of one of its '
          + 'findings as the report prints it (Vendor XAT1[Statement0], Vendor XAT3[Statement0.Principal0])',
        line: lineOfText(text, '- id: XAT6'),
        column: columnOfText(text, 'id: XAT6'),
      }]);
    });

    test('in SARIF an invalid acknowledgement is an error notification at its line, and the log validates', () => {
      const text = `Resources:\n${role('Vendor', '      cross-account-trust:\n        acknowledge:\n          - { id: XAT3, reason: "" }\n')}`;
      const { dir, file } = write(text);
      const r = cli(['check', '--format', 'sarif', file], { cwd: dir });
      expect(r.code).toBe(2);
      const log = JSON.parse(r.stdout);
      expect(validate(log)).toEqual([]);
      expect(log.runs[0].invocations[0].toolExecutionNotifications).toEqual([{
        level: 'error',
        message: { text: `${file}: Vendor: the Metadata of resource Vendor: cross-account-trust.acknowledge[0].reason is an empty string; expected a non-empty string that says why the finding is accepted` },
        locations: [{ physicalLocation: { artifactLocation: { uri: file }, region: { startLine: lineOfText(text, 'reason: ""'), startColumn: columnOfText(text, 'reason: ""') } } }],
      }]);
      expect(log.runs[0].results.every((res: any) => res.suppressions === undefined)).toBe(true);
    });
  });

  test('an entry for a rule the run skips is not judged; for a rule it runs, it still must match', () => {
    const { dir, file } = write(`Resources:\n${role('Vendor', acknowledge(6, ['XAT10', 'long sessions reviewed'], ['XAT3', 'root trust documented']))}`);
    const skipped = checkJson(['--skip-rule', 'XAT10', file], { cwd: dir });
    expect(skipped.report.errors).toEqual([]);
    expect(brief(skipped.report)).toEqual({ reported: ['Vendor XAT1[Statement0]'], acknowledged: ['Vendor XAT3[Statement0.Principal0]: root trust documented'] });
    const only = checkJson(['--rule', 'XAT1', file], { cwd: dir });
    expect(only.report.errors).toEqual([]);
    expect(only.report.acknowledged).toEqual([]);
    const all = checkJson([file], { cwd: dir });
    expect(all.code).toBe(2);
    expect(all.report.errors.map((e: any) => e.message)).toEqual([expect.stringMatching(/\.id 'XAT10' matches no finding of resource Vendor/)]);
  });

  test('the id a finding\'s message tells to acknowledge it with does acknowledge it in the template', () => {
    // A principal built from a parameter without a Default cannot be resolved: XAT3 says so and how to acknowledge it.
    const template = (metadata: string) => `Parameters:\n  VendorArn: { Type: String }\nResources:\n  Vendor:\n    Type: AWS::IAM::Role\n${metadata}    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: !Ref VendorArn }
            Action: sts:AssumeRole
            Condition: { StringEquals: { sts:ExternalId: 'x' } }
`;
    const first = write(template(''));
    const unresolved = checkJson(['--fail-on', 'never', first.file], { cwd: first.dir }).report.findings.filter((f: any) => /acknowledge it with id/.test(f.message));
    expect(unresolved.length).toBeGreaterThan(0);
    for (const f of unresolved) {
      const id = /acknowledge it with id '([^']+)'/.exec(f.message)![1];
      expect(f.message).toMatch(/Validations\.of\(<the role construct>\)\.acknowledge\(\{ id, reason \}\) in a CDK app, or in the template an entry \{ id, reason \} under the resource's Metadata cross-account-trust: acknowledge\./);
      const again = write(template(`    Metadata:\n${acknowledge(6, [id, 'reviewed by hand'])}`));
      const { report } = checkJson(['--fail-on', 'never', again.file], { cwd: again.dir });
      expect(report.errors).toEqual([]);
      expect(report.acknowledged.map((a: any) => `${a.rule}[${a.findingId}]`)).toEqual([`${f.rule}[${f.findingId}]`]);
    }
  });

  test('in a cloud assembly, Metadata added with addMetadata and the CDK app\'s acknowledgments work together', () => {
    const outdir = path.join(tempDir(), 'cdk.out');
    const app = new App({ outdir });
    const stack = new Stack(app, 'Platform', { env: { account: '444455556666', region: 'eu-west-1' } });
    const audited = new iam.Role(stack, 'Audited', { assumedBy: new iam.AccountPrincipal('111122223333') });
    (audited.node.defaultChild as CfnResource).addMetadata('cross-account-trust', {
      acknowledge: [{ id: 'XAT1', reason: 'in the template' }, { id: 'XAT3[Statement0.Principal0]', reason: 'in the template' }],
    });
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.AccountPrincipal('111122223333') });
    Validations.of(other).acknowledge({ id: 'CrossAccountTrust-XAT1', reason: 'in the app' });
    new iam.Role(stack, 'Third', { assumedBy: new iam.AccountPrincipal('111122223333') });
    stack.addMetadata('cross-account-trust', { acknowledge: [{ id: 'XAT3', reason: 'template-wide' }] });
    app.synth();
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'Platform.template.json'), 'utf8')).Metadata).toEqual({
      'cross-account-trust': { acknowledge: [{ id: 'XAT3', reason: 'template-wide' }] },
    });
    const { code, report } = checkJson([outdir]);
    expect(report.errors).toEqual([]);
    expect(code).toBe(1);
    const summary = (f: any) => `${f.resource.replace(/[0-9A-F]{8}$/, '')} ${f.rule}${f.reason !== undefined ? ` ${f.acknowledgedIn} ${f.acknowledgedAt}: ${f.reason}` : ''}`;
    expect(report.findings.map(summary)).toEqual(['Third XAT1']);
    expect(report.acknowledged.map(summary)).toEqual([
      expect.stringMatching(/^Audited XAT1 template Resources\.Audited[0-9A-F]{8}\.Metadata\.cross-account-trust\.acknowledge\[0\]: in the template$/),
      expect.stringMatching(/^Audited XAT3 template Resources\.Audited[0-9A-F]{8}\.Metadata\.cross-account-trust\.acknowledge\[1\]: in the template$/),
      'Other XAT1 cdk /Platform/Other: in the app',
      'Other XAT3 template Metadata.cross-account-trust.acknowledge[0]: template-wide',
      'Third XAT3 template Metadata.cross-account-trust.acknowledge[0]: template-wide',
    ]);
  });
});

describe('the documented example', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = /```yaml\n# vendor-onboarding\.yaml: (.*)\n([\s\S]*?)```/.exec(readme);

  test('README\'s template is the one RULES.md shows, and the command it names passes on it with its finding acknowledged', () => {
    expect(block).not.toBeNull();
    const [, command, template] = block!;
    expect(template).toBe(`${TEMPLATE_ACKNOWLEDGEMENT_EXAMPLE.join('\n')}\n`);
    expect(command).toBe('npx cdk-cross-account-trust check vendor-onboarding.yaml exits 0');
    const dir = tempDir();
    writeFiles(dir, { 'vendor-onboarding.yaml': template });
    const r = cli(['check', 'vendor-onboarding.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Checked 1 template (1 resource): no findings; 1 acknowledged finding not shown.\n');
    const { report } = checkJson(['vendor-onboarding.yaml'], { cwd: dir });
    expect(report.acknowledged).toEqual([expect.objectContaining({
      resource: 'VendorRole', rule: 'XAT3', findingId: 'Statement0.Principal0', reason: 'Vendor documents account-root trust only; tracked in SEC-1423',
    })]);
    // Without the entry, the finding fails the run.
    writeFiles(dir, { 'bare.yaml': template.replace(/ {4}Metadata:\n[\s\S]*?(?= {4}Properties:)/, '') });
    expect(cli(['check', 'bare.yaml'], { cwd: dir }).code).toBe(1);
  });
});
