import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { checkJson, cli, sarifValidator, tempDir, writeFiles } from './helpers';
import { findingFingerprint } from '../../src/cli/fingerprint';

/** A role that trusts another account's root without an ExternalId: XAT1 and XAT3. */
const role = (account: string) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }],
    },
  },
});

const VENDOR_YAML = `AWSTemplateFormatVersion: "2010-09-09"
Description: Trusts the vendor's whole account without an ExternalId.
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  AuditRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::111122223333:root
            Action: sts:AssumeRole
`;

function project(): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'ci'));
  writeFiles(dir, {
    'templates/vendor.yaml': VENDOR_YAML,
    'templates/other.json': JSON.stringify({ Resources: { Other: role('444455556666') } }, null, 2),
  });
  return dir;
}

const keys = (findings: any[]) => findings.map((f: any) => `${f.file} ${f.resource} ${f.rule}`);

describe('--write-baseline and --baseline', () => {
  test('the baseline file: versioned JSON, sorted, one entry per finding with paths relative to its folder', () => {
    const dir = project();
    const r = cli(['check', '--write-baseline', 'ci/baseline.json', 'templates'], { cwd: dir });
    expect(r.stderr).toBe('');
    // Every finding of the run is in the baseline it wrote, so none is new.
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no findings; 4 findings of the baseline ci\/baseline\.json not shown\./);
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'ci/baseline.json'), 'utf8'));
    expect(written.version).toBe(1);
    expect(written.findings.map((e: any) => [e.file, e.resource, e.rule, e.findingId])).toEqual([
      ['../templates/other.json', 'Other', 'XAT1', 'Statement0'],
      ['../templates/other.json', 'Other', 'XAT3', 'Statement0.Principal0'],
      ['../templates/vendor.yaml', 'AuditRole', 'XAT1', 'Statement0'],
      ['../templates/vendor.yaml', 'AuditRole', 'XAT3', 'Statement0.Principal0'],
    ]);
    expect(written.findings.every((e: any) => typeof e.message === 'string')).toBe(true);
    // Writing it again gives the same bytes: no noise in a diff.
    const before = fs.readFileSync(path.join(dir, 'ci/baseline.json'), 'utf8');
    cli(['check', '--write-baseline', 'ci/baseline.json', 'templates'], { cwd: dir });
    expect(fs.readFileSync(path.join(dir, 'ci/baseline.json'), 'utf8')).toBe(before);
  });

  test('round trip: lines inserted anywhere above and around the finding leave nothing new (property)', () => {
    const dir = project();
    expect(cli(['check', '--write-baseline', 'baseline.json', 'templates'], { cwd: dir }).code).toBe(0);
    const lines = VENDOR_YAML.split('\n');
    const insertions = fc.array(fc.tuple(fc.nat({ max: lines.length - 1 }), fc.constantFrom('# reviewed', '', '   # note')), { minLength: 1, maxLength: 8 });
    fc.assert(fc.property(insertions, (inserts) => {
      const edited = [...lines];
      for (const [at, text] of [...inserts].sort((a, b) => b[0] - a[0])) edited.splice(at, 0, text);
      fs.writeFileSync(path.join(dir, 'templates/vendor.yaml'), edited.join('\n'));
      const { code, report } = checkJson(['--baseline', 'baseline.json', 'templates'], { cwd: dir });
      expect(report.findings).toEqual([]);
      expect(report.baseline.unchanged).toHaveLength(4);
      expect(report.baseline.stale).toEqual([]);
      expect(code).toBe(0);
    }), { numRuns: 30 });
  });

  test('round trip: reformatting a template (JSON re-indented, or rewritten as YAML under the same name) leaves nothing new', () => {
    const dir = project();
    expect(cli(['check', '--write-baseline', 'baseline.json', 'templates'], { cwd: dir }).code).toBe(0);
    const template = { Resources: { Added: { Type: 'AWS::SNS::Topic' }, Other: role('444455556666') } };
    for (const text of [JSON.stringify(template), JSON.stringify(template, null, 8), YAML.stringify(template)]) {
      fs.writeFileSync(path.join(dir, 'templates/other.json'), text);
      const { report } = checkJson(['--baseline', 'baseline.json', 'templates'], { cwd: dir });
      expect(report.findings).toEqual([]);
      expect(report.baseline.stale).toEqual([]);
    }
  });

  test('a new finding is reported and fails the run; a fixed one counts as a stale entry', () => {
    const dir = project();
    cli(['check', '--write-baseline', 'baseline.json', 'templates'], { cwd: dir });
    fs.writeFileSync(path.join(dir, 'templates/other.json'), JSON.stringify({ Resources: { Other: role('444455556666'), Second: role('777788889999') } }));
    fs.writeFileSync(path.join(dir, 'templates/vendor.yaml'), VENDOR_YAML.replace('arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:role/Deputy')
      .replace('Action: sts:AssumeRole', 'Action: sts:AssumeRole\n            Condition: { StringEquals: { "sts:ExternalId": "abc" } }'));
    const { code, report } = checkJson(['--baseline', 'baseline.json', 'templates'], { cwd: dir });
    expect(code).toBe(1);
    expect(keys(report.findings)).toEqual(expect.arrayContaining(['templates/other.json Second XAT1', 'templates/other.json Second XAT3']));
    expect(report.findings.filter((f: any) => f.resource === 'Other')).toEqual([]);
    expect(keys(report.baseline.unchanged)).toEqual(['templates/other.json Other XAT1', 'templates/other.json Other XAT3']);
    expect(report.baseline.stale).toEqual([
      { file: 'templates/vendor.yaml', resource: 'AuditRole', rule: 'XAT1', findingId: 'Statement0' },
      { file: 'templates/vendor.yaml', resource: 'AuditRole', rule: 'XAT3', findingId: 'Statement0.Principal0' },
    ]);
    const text = cli(['check', '--baseline', 'baseline.json', 'templates'], { cwd: dir }).stdout;
    expect(text).toMatch(/2 findings of the baseline baseline\.json not shown; 2 baseline entries no longer match a finding \(fixed, or moved/);
  });

  test('a baselined finding acknowledged in the template since is not a stale entry', () => {
    const dir = project();
    cli(['check', '--write-baseline', 'baseline.json', 'templates'], { cwd: dir });
    fs.writeFileSync(path.join(dir, 'templates/vendor.yaml'), VENDOR_YAML.replace('    Type: AWS::IAM::Role\n',
      '    Type: AWS::IAM::Role\n    Metadata:\n      cross-account-trust:\n        acknowledge:\n          - id: XAT3\n            reason: Reviewed in SEC-1423\n'));
    const { code, report } = checkJson(['--baseline', 'baseline.json', 'templates'], { cwd: dir });
    expect(code).toBe(0);
    expect(keys(report.acknowledged)).toEqual(['templates/vendor.yaml AuditRole XAT3']);
    expect(report.baseline.stale).toEqual([]);
  });

  test('only entries of templates the run checked (or that are gone) and rules it ran can be stale', () => {
    const dir = project();
    cli(['check', '--write-baseline', 'baseline.json', 'templates'], { cwd: dir });
    expect(checkJson(['--baseline', 'baseline.json', '--rule', 'XAT3', 'templates'], { cwd: dir }).report.baseline.stale).toEqual([]);
    expect(checkJson(['--baseline', 'baseline.json', 'templates/other.json'], { cwd: dir }).report.baseline.stale).toEqual([]);
    fs.rmSync(path.join(dir, 'templates/vendor.yaml'));
    expect(keys(checkJson(['--baseline', 'baseline.json', 'templates'], { cwd: dir }).report.baseline.stale))
      .toEqual(['templates/vendor.yaml AuditRole XAT1', 'templates/vendor.yaml AuditRole XAT3']);
  });

  test('entries are relative to the baseline file, so a run from another folder matches them too', () => {
    const dir = project();
    cli(['check', '--write-baseline', 'baseline.json', 'templates'], { cwd: dir });
    const { code, report } = checkJson(['--baseline', '../baseline.json', '.'], { cwd: path.join(dir, 'templates') });
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });

  test('the config file\'s baseline is relative to the config file\'s folder; --baseline replaces it', () => {
    const dir = project();
    cli(['check', '--write-baseline', 'ci/baseline.json', 'templates'], { cwd: dir });
    writeFiles(dir, { 'ci/checks.yaml': 'baseline: baseline.json\n', 'empty.json': '{"version": 1, "findings": []}' });
    expect(checkJson(['--config', 'ci/checks.yaml', 'templates'], { cwd: dir }).report.findings).toEqual([]);
    expect(checkJson(['--config', 'ci/checks.yaml', '--baseline', 'empty.json', 'templates'], { cwd: dir }).report.findings).toHaveLength(4);
  });

  test('SARIF: new results are baselineState new; baselined ones unchanged with an accepted external suppression; stale entries a note', () => {
    const dir = project();
    cli(['check', '--write-baseline', 'baseline.json', 'templates/vendor.yaml'], { cwd: dir });
    fs.writeFileSync(path.join(dir, 'templates/vendor.yaml'), VENDOR_YAML.replace('  Bucket:\n    Type: AWS::S3::Bucket\n', ''));
    writeFiles(dir, { 'baseline.json': fs.readFileSync(path.join(dir, 'baseline.json'), 'utf8').replace('"findingId": "Statement0"', '"findingId": "Statement9"') });
    const r = cli(['check', '--format', 'sarif', '--baseline', 'baseline.json', 'templates'], { cwd: dir });
    const log = JSON.parse(r.stdout);
    expect(sarifValidator()(log)).toEqual([]);
    const results = log.runs[0].results
      .map((x: any) => [x.locations[0].physicalLocation.artifactLocation.uri, x.ruleId, x.baselineState, x.suppressions]);
    expect(results).toEqual([
      ['templates/other.json', 'XAT1', 'new', undefined],
      ['templates/other.json', 'XAT3', 'new', undefined],
      ['templates/vendor.yaml', 'XAT1', 'new', undefined],
      ['templates/vendor.yaml', 'XAT3', 'unchanged', [{ kind: 'external', status: 'accepted', justification: 'accepted in the baseline baseline.json' }]],
    ]);
    expect(log.runs[0].invocations[0].toolExecutionNotifications).toEqual([{
      level: 'note',
      message: {
        text: '1 entry of the baseline baseline.json no longer matches a finding (fixed, or moved to another file, resource or finding id): '
        + 'templates/vendor.yaml: AuditRole: XAT1 [Statement9]',
      },
    }]);
    // One fingerprint for SARIF and the baseline: the path relative to the working folder here.
    const vendor = log.runs[0].results.find((x: any) => x.ruleId === 'XAT3' && x.baselineState === 'unchanged');
    expect(vendor.partialFingerprints['crossAccountTrustFinding/v1'])
      .toBe(findingFingerprint({ rule: 'XAT3', uri: 'templates/vendor.yaml', resource: 'AuditRole', findingId: 'Statement0.Principal0' }));
    // Without a baseline, results carry no baselineState.
    expect(JSON.parse(cli(['check', '--format', 'sarif', 'templates'], { cwd: dir }).stdout).runs[0].results[0].baselineState).toBeUndefined();
  });
});

describe('baseline errors', () => {
  test.each([
    ['not JSON', '{"version": 1,', /^error: baseline file baseline\.json is not valid JSON \(.*\); expected a file written by --write-baseline\.$/],
    ['another version', '{"version": 2, "findings": []}', /baseline file baseline\.json has version 2; expected 1, the version this cross-account-trust reads and writes/],
    ['no version', '{"findings": []}', /has version undefined; expected 1/],
    ['not an object', '[]', /holds \[\]; expected an object with "version": 1 and "findings"/],
    ['findings not a list', '{"version": 1, "findings": {}}', /has "findings": \{\}; expected a list of findings/],
    ['an entry without its rule', '{"version": 1, "findings": [{"file": "a.json", "resource": "R", "findingId": "S"}]}', /has findings\[0\]\.rule: undefined; expected a non-empty string/],
    ['an unknown rule', '{"version": 1, "findings": [{"file": "a.json", "resource": "R", "rule": "XAT99", "findingId": "S"}]}', /has findings\[0\]\.rule: "XAT99"; expected a rule id \(XAT1, /],
    ['an unknown key', '{"version": 1, "findings": [], "extra": true}', /has the unknown key "extra"; expected only "version" and "findings"/],
    ['an unknown entry key', '{"version": 1, "findings": [{"file": "a.json", "resource": "R", "rule": "XAT1", "findingId": "S", "line": 3}]}', /unknown key "line" in findings\[0\]/],
  ])('%s: exit 2 before any template is checked', (_, text, message) => {
    const dir = project();
    writeFiles(dir, { 'baseline.json': text });
    const r = cli(['check', '--baseline', 'baseline.json', 'templates'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd()).toMatch(message);
  });

  test('a missing baseline file is an error naming it', () => {
    expect(cli(['check', '--baseline', 'nope.json', 'safe-role.yaml']).stderr).toMatch(/^error: baseline file nope\.json does not exist; expected a file written by --write-baseline/);
  });

  test('--baseline with --write-baseline is a usage error', () => {
    const r = cli(['check', '--baseline', 'a.json', '--write-baseline', 'b.json', 'safe-role.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--baseline and --write-baseline were both given; expected one/);
  });

  test('a run with an input that could not be checked, or none checked, writes no baseline', () => {
    const dir = project();
    writeFiles(dir, { 'templates/broken.yaml': 'Resources: [\n' });
    const r = cli(['check', '--write-baseline', 'baseline.json', 'templates'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the baseline baseline\.json was not written: an input could not be checked/);
    expect(fs.existsSync(path.join(dir, 'baseline.json'))).toBe(false);
    const empty = tempDir();
    expect(cli(['check', '--write-baseline', 'baseline.json', '.'], { cwd: empty }).stderr).toMatch(/was not written: no template was checked/);
    expect(fs.existsSync(path.join(empty, 'baseline.json'))).toBe(false);
  });
});
