import * as fs from 'fs';
import * as path from 'path';
import { PACKAGE_VERSION, checkJson, cli, fixtureText, positionOfText, tempDir, writeFiles } from './helpers';
import { ALL_RULES } from '../../src/rules';

const ESC = '\u001b[';

/** Trusts the root of account 444455556666 without an ExternalId: third-party trust unless that account is the own or an internal one. */
const ROOT_TRUST = JSON.stringify({
  Resources: {
    R: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::444455556666:root' } }] },
      },
    },
  },
});

function rootTrustDir(): string {
  const dir = tempDir();
  writeFiles(dir, { 'root-trust.json': ROOT_TRUST });
  return dir;
}

const rules = (report: any) => report.findings.map((f: any) => f.rule);

describe('exit codes', () => {
  test('0 when nothing is found', () => {
    const r = cli(['check', 'safe-role.yaml']);
    expect(r).toEqual({ code: 0, stdout: 'Checked 1 template (1 resource): no findings.\n', stderr: '' });
  });

  test('1 when an error-level finding is found', () => {
    expect(cli(['check', 'unsafe-role.json']).code).toBe(1);
  });

  test('2 when an input cannot be read, while the other inputs are still checked and reported', () => {
    const { code, report } = checkJson(['missing.yaml', 'unsafe-role.json']);
    expect(code).toBe(2);
    expect(report.errors).toEqual([{ file: 'missing.yaml', message: expect.stringMatching(/^does not exist; expected a template file, a directory or a CDK cloud assembly/) }]);
    expect(rules(report)).toEqual(['XAT1', 'XAT3']);
  });

  test('2 wins over findings: an incomplete check never looks like a clean one', () => {
    expect(cli(['check', '--fail-on', 'never', 'not-a-template.json', 'unsafe-role.json']).code).toBe(2);
  });

  test.each([
    ['long-session.yaml', [], 0],
    ['long-session.yaml', ['--fail-on', 'error'], 0],
    ['long-session.yaml', ['--fail-on', 'warning'], 1],
    ['long-session.yaml', ['--fail-on', 'never'], 0],
    ['unsafe-role.json', ['--fail-on', 'warning'], 1],
    ['unsafe-role.json', ['--fail-on', 'never'], 0],
    ['safe-role.yaml', ['--fail-on', 'warning'], 0],
  ])('%s %j exits %d', (file, options, expected) => {
    expect(cli(['check', ...options, file]).code).toBe(expected);
  });

  test.each([
    ['no command', [], /Usage: cdk-cross-account-trust \[options\] \[command\]/],
    ['an unknown command', ['scan', 'x'], /error: unknown command 'scan'/],
    ['an unknown option', ['check', '--strict', 'x'], /error: unknown option '--strict'/],
    ['no path', ['check'], /error: missing required argument 'path'/],
    ['an unknown format', ['check', '--format', 'xml', 'x'], /option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, json, sarif/],
    ['an unknown fail-on level', ['check', '--fail-on', 'info', 'x'], /option '--fail-on <level>' argument 'info' is invalid\. Allowed choices are error, warning, never/],
    ['an option without its value', ['check', 'x', '--account'], /option '--account <id>' argument missing/],
  ])('2 for a usage error: %s', (_name, args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('options', () => {
  test('--format defaults to text', () => {
    expect(cli(['check', 'unsafe-role.json']).stdout).toMatch(/^unsafe-role\.json:11:13: error XAT1 \[Statement0\] AuditRole: /);
  });

  test.each([['json', '"findings"'], ['sarif', '"version": "2.1.0"'], ['text', 'error XAT3 [Statement0.Principal0] AuditRole: ']])('--format %s', (format, marker) => {
    expect(cli(['check', '--format', format, 'unsafe-role.json']).stdout).toContain(marker);
  });

  test('--output writes the report to the file (relative to the working directory) and nothing to stdout', () => {
    const dir = tempDir();
    const expected = cli(['check', '--format', 'json', 'unsafe-role.json']).stdout;
    const r = cli(['check', '--format', 'json', '--output', path.join(dir, 'report.json'), 'unsafe-role.json']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')).toBe(expected);

    writeFiles(dir, { 't.json': ROOT_TRUST });
    expect(cli(['check', '--output', 'out.txt', 't.json'], { cwd: dir }).code).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).toMatch(/^t\.json:1:\d+: error XAT1 \[Statement0\] R: /);
  });

  test('--output to a path that cannot be written is exit code 2 with a message naming the option and value', () => {
    const target = path.join(tempDir(), 'no', 'such', 'dir', 'r.json');
    const r = cli(['check', '--output', target, 'safe-role.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`option '--output <file>' argument '${target.replace(/[\\/.]/g, '\\$&')}' cannot be written \\(.*ENOENT.*\\); expected a path to a writable file`));
  });

  test('--account makes a literal account the own account', () => {
    const dir = rootTrustDir();
    expect(rules(checkJson(['root-trust.json'], { cwd: dir }).report)).toEqual(['XAT1', 'XAT3']);
    const { code, report } = checkJson(['--account', '444455556666', 'root-trust.json'], { cwd: dir });
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
  });

  test('--internal-accounts takes a comma-separated list, and may be repeated', () => {
    const dir = rootTrustDir();
    expect(checkJson(['--internal-accounts', '111122223333, 444455556666', 'root-trust.json'], { cwd: dir }).report.findings).toEqual([]);
    expect(checkJson(['--internal-accounts', '111122223333', '--internal-accounts', '444455556666', 'root-trust.json'], { cwd: dir }).report.findings)
      .toEqual([]);
    expect(rules(checkJson(['--internal-accounts', '111122223333', 'root-trust.json'], { cwd: dir }).report)).toEqual(['XAT1', 'XAT3']);
  });

  test('--min-external-id-length sets the MinLength an ExternalId parameter needs', () => {
    expect(rules(checkJson(['weak-parameter.yaml']).report)).toEqual(['XAT5']);
    expect(checkJson(['--min-external-id-length', '16', 'weak-parameter.yaml']).report.findings).toEqual([]);
    expect(checkJson(['--min-external-id-length', '64', 'safe-role.yaml']).report.findings[0].message).toMatch(/MinLength 32 is below 64/);
  });

  test('--min-entropy-bits sets the entropy below which a literal ExternalId is also called guessable', () => {
    expect(checkJson(['literal-external-id.yaml']).report.findings[0].message).toMatch(/below the minimum of 112, so it can also be guessed/);
    expect(checkJson(['--min-entropy-bits', '8', 'literal-external-id.yaml']).report.findings[0].message).toMatch(/would make it hard to guess/);
  });

  test('--max-session-duration sets the longest session a cross-account role may allow', () => {
    expect(rules(checkJson(['long-session.yaml']).report)).toEqual(['XAT10']);
    expect(checkJson(['--max-session-duration', '7200', 'long-session.yaml']).report.findings).toEqual([]);
  });

  test.each([
    ['--account', '4444', /option '--account <id>' argument '4444' is invalid\. expected a 12-digit AWS account id/],
    ['--internal-accounts', '111122223333,12', /option '--internal-accounts <ids>' argument '111122223333,12' is invalid\. expected a comma-separated list of 12-digit AWS account ids; not an account id: 12/],
    ['--internal-accounts', ',', /argument ',' is invalid\. expected a comma-separated list of 12-digit AWS account ids/],
    ['--min-external-id-length', 'abc', /option '--min-external-id-length <n>' argument 'abc' is invalid\. expected a whole number/],
    ['--min-external-id-length', '1', /option '--min-external-id-length <n>' argument '1' is invalid\. expected an integer of at least 2, received 1/],
    ['--min-external-id-length', '1225', /argument '1225' is invalid\. expected at most 1224 \(the longest ExternalId STS accepts\), received 1225/],
    ['--min-entropy-bits', '-1', /option '--min-entropy-bits <n>' argument '-1' is invalid\. expected an integer of at least 0, received -1/],
    ['--min-entropy-bits', '12.5', /argument '12\.5' is invalid\. expected a whole number/],
    ['--max-session-duration', '0', /option '--max-session-duration <seconds>' argument '0' is invalid\. expected an integer of at least 1, received 0/],
    ['--max-session-duration', '1e3', /argument '1e3' is invalid\. expected a whole number/],
  ])('%s %s is a usage error that names the option, the value and what is expected', (option, value, message) => {
    const r = cli(['check', option, value, 'safe-role.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  test('--quiet prints findings and errors but no summary', () => {
    const r = cli(['check', '--quiet', 'unsafe-role.json', 'missing.yaml']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2).every((l) => l.startsWith('unsafe-role.json:11:13: error XAT'))).toBe(true);
    expect(lines[2]).toMatch(/^missing\.yaml: error could not be checked: does not exist/);
    expect(cli(['check', '--quiet', 'safe-role.yaml']).stdout).toBe('');
  });

  test('--version prints the package version', () => {
    expect(cli(['--version'])).toEqual({ code: 0, stdout: `${PACKAGE_VERSION}\n`, stderr: '' });
  });

  test.each([[['--help']], [['-h']], [['help']]])('%j prints the usage with the commands and exit codes', (args) => {
    const r = cli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: cdk-cross-account-trust \[options\] \[command\]/);
    expect(r.stdout).toMatch(/check \[options\] <path\.\.\.>/);
    expect(r.stdout).toMatch(/Exit codes:\n {2}0 {2}no finding at or above --fail-on\n {2}1 {2}findings at or above --fail-on\n {2}2 {2}a usage error/);
  });

  test('check --help lists every option and every rule from the rule metadata', () => {
    const r = cli(['check', '--help']);
    expect(r.code).toBe(0);
    for (const option of ['--format', '--output', '--fail-on', '--account', '--internal-accounts', '--min-external-id-length', '--min-entropy-bits',
      '--max-session-duration', '--quiet', '--help']) {
      expect(r.stdout).toContain(option);
    }
    for (const rule of ALL_RULES) expect(r.stdout).toContain(`${rule.id.padEnd(6)} ${rule.level.padEnd(8)} ${rule.cause}`);
  });
});

describe('text output', () => {
  test('one line per finding, file:line:column: level rule [finding id] resource: message, then the summary', () => {
    const lines = cli(['check', 'unsafe-role.json', 'long-session.yaml']).stdout.split('\n');
    const at = (file: string, marker: string) => `${file}:${positionOfText(fixtureText(file), marker)}`;
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${at('long-session.yaml', 'MaxSessionDuration:')}: warning XAT10 \\[MaxSessionDuration\\] VendorRole: Role VendorRole is assumed across accounts .* 7200 seconds`)),
      // A statement of a JSON list starts at its "{".
      expect.stringMatching(new RegExp(`^${at('unsafe-role.json', '{\n              "Effect"')}: error XAT1 \\[Statement0\\] AuditRole: Statement 0 \\(principal arn:aws:iam::111122223333:root\\) allows sts:AssumeRole without`)),
      expect.stringMatching(new RegExp(`^${at('unsafe-role.json', '{\n              "Effect"')}: error XAT3 \\[Statement0.Principal0\\] AuditRole: Statement 0 trusts the account root arn:aws:iam::111122223333:root`)),
      'Checked 2 templates (2 resources): 3 findings (2 errors, 1 warning).',
      '',
    ]);
  });

  test('errors get a line each, and the summary counts them and the skipped files', () => {
    const dir = tempDir();
    writeFiles(dir, { 'a/t.json': ROOT_TRUST, 'a/package.json': '{"name": "x"}', 'b.yaml': 'Resources: [' });
    const r = cli(['check', 'a', 'b.yaml'], { cwd: dir });
    expect(r.stdout.split('\n').slice(2)).toEqual([
      expect.stringMatching(/^b\.yaml:1:(\d+): error could not be checked: invalid YAML or JSON at line 1, column \1: /),
      'Checked 2 templates (1 resource): 2 findings (2 errors, 0 warnings); 1 input could not be checked; 1 file skipped (not a CloudFormation template).',
      '',
    ]);
  });

  test('no colours when stdout is not a terminal', () => {
    expect(cli(['check', 'unsafe-role.json', 'missing.yaml'], { isTTY: false }).stdout).not.toContain(ESC);
  });

  test('colours on a terminal: the level, the rule id and the summary', () => {
    const out = cli(['check', 'unsafe-role.json', 'long-session.yaml'], { isTTY: true }).stdout;
    expect(out).toContain(`: ${ESC}31merror${ESC}0m ${ESC}1mXAT1${ESC}0m [`);
    expect(out).toContain(`: ${ESC}33mwarning${ESC}0m ${ESC}1mXAT10${ESC}0m [`);
    expect(out).toContain(`${ESC}2mChecked 2 templates`);
  });

  test('no colours in a file written with --output, nor with NO_COLOR set, even on a terminal', () => {
    const dir = tempDir();
    cli(['check', '--output', path.join(dir, 'out.txt'), 'unsafe-role.json'], { isTTY: true });
    expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')).not.toContain(ESC);
    expect(cli(['check', 'unsafe-role.json'], { isTTY: true, env: { NO_COLOR: '1' } }).stdout).not.toContain(ESC);
  });

  test('a stack of a cloud assembly is named next to its template file', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'cdk.out/manifest.json': JSON.stringify({ version: '54.0.0', artifacts: { S: { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region', properties: { templateFile: 'S.template.json', stackName: 'Prod-S' } } } }),
      'cdk.out/S.template.json': ROOT_TRUST,
    });
    expect(cli(['check', 'cdk.out'], { cwd: dir }).stdout).toMatch(new RegExp(`^${path.join('cdk.out', 'S.template.json').replace(/[\\/.]/g, '\\$&')}:1:\\d+: error XAT1 \\[Statement0\\] R: .* \\(stack Prod-S\\)$`, 'm'));
  });
});
