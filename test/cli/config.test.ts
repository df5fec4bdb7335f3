import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, checkJson, cli, tempDir, writeFiles } from './helpers';
import { CONFIG_KEYS } from '../../src/cli/config';

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const rules = (report: any) => report.findings.map((f: any) => f.rule).sort();

/** A working folder with the given config file and a copy of some fixtures under templates/. */
function project(config: string | undefined, name = '.cross-account-trust.yaml'): string {
  const dir = tempDir();
  writeFiles(dir, {
    'templates/unsafe-role.json': fixture('unsafe-role.json'),
    'templates/long-session.yaml': fixture('long-session.yaml'),
    'templates/weak-parameter.yaml': fixture('weak-parameter.yaml'),
    ...(config !== undefined ? { [name]: config } : {}),
  });
  return dir;
}

describe('config file precedence: command line over config over defaults', () => {
  test('without a config file, the defaults apply', () => {
    const { code, report } = checkJson(['templates'], { cwd: project(undefined) });
    expect(rules(report)).toEqual(['XAT1', 'XAT10', 'XAT3', 'XAT5']);
    expect(code).toBe(1);
  });

  test('.cross-account-trust.yaml in the working folder sets options; the command line replaces them', () => {
    const dir = project('max-session-duration: 43200\nmin-external-id-length: 8\n');
    expect(rules(checkJson(['templates'], { cwd: dir }).report)).toEqual(['XAT1', 'XAT3']);
    expect(rules(checkJson(['--max-session-duration', '3600', 'templates'], { cwd: dir }).report)).toEqual(['XAT1', 'XAT10', 'XAT3']);
    // The command line's value wins even when it is the default's value.
    expect(rules(checkJson(['--min-external-id-length', '32', 'templates'], { cwd: dir }).report)).toEqual(['XAT1', 'XAT3', 'XAT5']);
  });

  test('fail-on, format and quiet from the config; --fail-on on the command line wins', () => {
    const dir = project('fail-on: never\nformat: json\nquiet: true\n');
    const r = cli(['check', 'templates'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings).toHaveLength(4);
    expect(cli(['check', '--fail-on', 'error', 'templates'], { cwd: dir }).code).toBe(1);
    expect(cli(['check', '--format', 'text', 'templates'], { cwd: dir }).stdout).not.toMatch(/Checked/);
  });

  test('rule and skip-rule lists from the config; a command-line list replaces the config\'s list', () => {
    const dir = project('skip-rule: [XAT10, CrossAccountTrust-XAT5]\n');
    expect(rules(checkJson(['templates'], { cwd: dir }).report)).toEqual(['XAT1', 'XAT3']);
    expect(rules(checkJson(['--skip-rule', 'XAT1', 'templates'], { cwd: dir }).report)).toEqual(['XAT10', 'XAT3', 'XAT5']);
    expect(rules(checkJson(['templates'], { cwd: project('rule: XAT3,XAT10\n') }).report)).toEqual(['XAT10', 'XAT3']);
  });

  test('internal-accounts and account from the config', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'root.json': JSON.stringify({
        Resources: { R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::444455556666:root' } }] } } } },
      }),
    });
    expect(rules(checkJson(['root.json'], { cwd: dir }).report)).toEqual(['XAT1', 'XAT3']);
    writeFiles(dir, { '.cross-account-trust.yaml': 'internal-accounts:\n  - "444455556666"\n' });
    expect(rules(checkJson(['root.json'], { cwd: dir }).report)).toEqual([]);
    writeFiles(dir, { '.cross-account-trust.yaml': 'account: "444455556666"\n' });
    expect(rules(checkJson(['root.json'], { cwd: dir }).report)).toEqual([]);
  });

  test('exclude globs in the config are relative to the config file\'s folder, wherever the run starts', () => {
    const dir = project(undefined);
    writeFiles(dir, { 'checks.yaml': 'exclude:\n  - templates/long-session.yaml\n  - "**/weak-*"\n', 'ci/checks.yaml': 'exclude: [../templates/unsafe-role.json]\n' });
    const { report } = checkJson(['--config', 'checks.yaml', 'templates'], { cwd: dir });
    expect(rules(report)).toEqual(['XAT1', 'XAT3']);
    expect(report.summary).toMatchObject({ files: 1, excluded: 2 });
    // From a sub-folder, the same globs leave out the same files.
    expect(rules(checkJson(['--config', '../checks.yaml', '.'], { cwd: path.join(dir, 'templates') }).report)).toEqual(['XAT1', 'XAT3']);
    // A config file in another folder names the templates relative to itself.
    expect(rules(checkJson(['--config', 'ci/checks.yaml', 'templates'], { cwd: dir }).report)).toEqual(['XAT10', 'XAT5']);
    // --exclude on the command line replaces them, relative to the working folder.
    expect(rules(checkJson(['--config', 'checks.yaml', '--exclude', 'templates/unsafe-*', 'templates'], { cwd: dir }).report)).toEqual(['XAT10', 'XAT5']);
  });

  test('allow-empty from the config', () => {
    const dir = tempDir();
    writeFiles(dir, { '.cross-account-trust.yml': 'allow-empty: true\n', 'empty/.keep': '' });
    expect(cli(['check', 'empty'], { cwd: dir }).code).toBe(0);
  });

  test('an empty config file sets nothing', () => {
    expect(rules(checkJson(['templates'], { cwd: project('') }).report)).toEqual(['XAT1', 'XAT10', 'XAT3', 'XAT5']);
  });
});

describe('config file errors (exit 2, nothing checked)', () => {
  test.each([
    ['fail_on: never\n', /config file \.cross-account-trust\.yaml, line 1: unknown key "fail_on"; expected one of format, fail-on, account,/],
    ['fail-on: never\nmax-session: 7200\n', /line 2: unknown key "max-session"/],
    ['min-entropy-bits: -1\n', /line 1: min-entropy-bits: expected an integer of at least 0, received -1/],
    ['min-external-id-length: 1225\n', /min-external-id-length: expected at most 1224 \(the longest ExternalId STS accepts\), received 1225/],
    ['max-session-duration: "7200"\n', /max-session-duration: expected a whole number, received the string "7200"/],
    ['max-session-duration: 1.5\n', /max-session-duration: expected a whole number, received the number 1\.5/],
    ['fail-on: warnings\n', /fail-on: expected one of error, warning, never, received the string "warnings"/],
    ['format: [json]\n', /format: expected a non-empty string, received a list \["json"\]/],
    ['internal-accounts: ["1234"]\n', /internal-accounts: expected a comma-separated list of 12-digit AWS account ids; not an account id: 1234/],
    ['skip-rule: [XAT99]\n', /skip-rule: unknown rule id "XAT99"; expected rule ids .*XAT1, XAT2/],
    ['rule: {XAT3: true}\n', /rule: expected a list \(or one comma-separated string\), received a mapping/],
    ['exclude: ["/etc/**"]\n', /exclude: expected a relative glob/],
    ['quiet: yes\n', /quiet: expected true or false, received the string "yes"/],
    ['- fail-on\n', /config file \.cross-account-trust\.yaml, line 1: expected a mapping of option names to values/],
    ['fail-on: never\nfail-on: error\n', /config file \.cross-account-trust\.yaml, line 2: invalid YAML: Map keys must be unique/],
    ['fail-on: [\n', /config file \.cross-account-trust\.yaml, line \d: invalid YAML/],
  ])('%j', (config, message) => {
    const r = cli(['check', 'templates'], { cwd: project(config) });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^error: config file/);
  });

  test('every problem of the file is reported at once, one line each', () => {
    const r = cli(['check', 'templates'], { cwd: project('fail-on: sometimes\nformat: json\nrules: [XAT3]\n') });
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^error: config file \.cross-account-trust\.yaml, line 1: fail-on: expected one of/),
      expect.stringMatching(/^error: config file \.cross-account-trust\.yaml, line 3: unknown key "rules"/),
    ]);
  });

  test('a missing --config file is an error naming it; so are both .yaml and .yml in one folder', () => {
    const r = cli(['check', '--config', 'nope.yaml', 'safe-role.yaml']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^error: config file nope\.yaml does not exist; expected a YAML file of check's options/);
    const dir = project('fail-on: never\n');
    writeFiles(dir, { '.cross-account-trust.yml': 'fail-on: never\n' });
    expect(cli(['check', 'templates'], { cwd: dir }).stderr).toMatch(/both \.cross-account-trust\.yaml and \.cross-account-trust\.yml are in the working folder/);
  });

  test('--config names a file anywhere, and then the working folder\'s config file is not read', () => {
    const dir = project('fail-on: never\n');
    writeFiles(dir, { 'strict.yaml': 'fail-on: warning\nrule: XAT10\n' });
    const r = cli(['check', '--config', 'strict.yaml', 'templates'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/XAT10/);
  });

  test('the config keys are the long names of check\'s options', () => {
    const help = cli(['check', '--help']).stdout;
    for (const key of CONFIG_KEYS) expect(help).toContain(`--${key}`);
  });
});
