import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, REPO_ROOT, checkJson, cli, fixtureText, positionOfText, sarifValidator, tempDir, writeFiles } from './helpers';

const MAIN = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');
const NODE_ENV = { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'test', 'tsconfig.json'), TS_NODE_TRANSPILE_ONLY: 'true', NO_COLOR: '1' };

const YAML = fixtureText('long-session.yaml');
const JSON_TEMPLATE = fixtureText('unsafe-role.json');

describe('check - reads one template from standard input', () => {
  test.each([['YAML', YAML, 'MaxSessionDuration:', 'XAT10'], ['JSON', JSON_TEMPLATE, '{\n              "Effect"', 'XAT1']])(
    '%s, reported as <stdin> with its lines and columns', (_kind, text, marker, rule) => {
      const r = cli(['check', '--quiet', '-'], { stdin: text });
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(new RegExp(`^<stdin>:${positionOfText(text, marker)}: \\w+ ${rule} \\[`));
      const { report } = checkJson(['-'], { stdin: text });
      expect(report.summary).toMatchObject({ files: 1, resources: 1 });
      expect(report.findings[0]).toMatchObject({ file: '<stdin>', rule });
    });

  test('every format works on it; SARIF locates it at a valid URI reference, and --stdin-filename names the file', () => {
    const validate = sarifValidator();
    const sarif = JSON.parse(cli(['check', '--format', 'sarif', '-'], { stdin: JSON_TEMPLATE }).stdout);
    expect(validate(sarif)).toEqual([]);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('%3Cstdin%3E');
    const named = JSON.parse(cli(['check', '--format', 'sarif', '--stdin-filename', 'templates/vendor.json', '-'], { stdin: JSON_TEMPLATE }).stdout);
    expect(named.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('templates/vendor.json');
    expect(cli(['check', '--stdin-filename', 'templates/vendor.json', '-'], { stdin: JSON_TEMPLATE }).stdout).toMatch(/^templates\/vendor\.json:11:13: error XAT1 /);
  });

  test('mixed with paths: all are checked together (an ExternalId shared between stdin and a file is XAT7)', () => {
    const dir = tempDir();
    const shared = (id: string) => JSON.stringify({
      Resources: {
        [id]: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: [{
                Effect: 'Allow',
                Action: 'sts:AssumeRole',
                Principal: { AWS: 'arn:aws:iam::111122223333:role/Deputy' },
                Condition: { StringEquals: { 'sts:ExternalId': 'a-literal-external-id-shared-by-two-roles-7f3a9c' } },
              }],
            },
          },
        },
      },
    });
    writeFiles(dir, { 'b.json': shared('B') });
    const { report } = checkJson(['--rule', 'XAT7', 'b.json', '-'], { cwd: dir, stdin: shared('A') });
    expect(report.summary).toMatchObject({ files: 2, resources: 2 });
    expect(report.findings.map((f: any) => `${f.file} ${f.resource} ${f.rule}`).sort()).toEqual(['<stdin> A XAT7', 'b.json B XAT7']);
  });

  test.each([
    ['a terminal: refused, nothing read', ['check', '-'], { isTTY: true } as const, /^error: the path '-' reads a template from standard input, which is a terminal; expected a template piped into the command/],
    ['- twice', ['check', '-', '-'], 'Resources: {}', /^error: the path '-' \(standard input\) is given 2 times; standard input holds one template/],
    ['--stdin-filename without -', ['check', '--stdin-filename', 'x.yaml', 'safe-role.yaml'], undefined, /^error: option '--stdin-filename <path>' names the template read from standard input, but no path is '-'/],
  ])('a usage error: %s', (_name, args, stdin, message) => {
    const r = cli(args, { stdin });
    expect(r).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(message) });
  });

  test.each([
    ['empty', '', /^it is empty; expected a CloudFormation template in JSON or YAML$/],
    ['not a template', '{"name": "x"}', /^the file is an object without a Resources mapping, not a CloudFormation template/],
    ['above 50 MB', Buffer.alloc(50 * 1024 * 1024 + 1, 0x20), /^standard input holds more than 50\.0 MB; more is not read/],
  ])('an input error when it is %s', (_name, stdin, message) => {
    const { code, report } = checkJson(['-'], { stdin });
    expect(code).toBe(2);
    expect(report.errors).toEqual([expect.objectContaining({ file: '<stdin>', message: expect.stringMatching(message) })]);
  });

  test('the bin reads a pipe, and closed standard input is an empty template', () => {
    const piped = spawnSync(process.execPath, ['-r', 'ts-node/register', MAIN, 'check', '-'], { cwd: FIXTURES, encoding: 'utf8', env: NODE_ENV, input: YAML });
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toMatch(/^<stdin>:13:7: warning XAT10 \[MaxSessionDuration\] VendorRole: /);
    expect(piped.status).toBe(0);
    const closed = spawnSync(process.execPath, ['-r', 'ts-node/register', MAIN, 'check', '-'], { cwd: FIXTURES, encoding: 'utf8', env: NODE_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(closed.stdout).toMatch(/^<stdin>: error could not be checked: it is empty/);
    expect(closed.status).toBe(2);
  });

  test('the bin on a terminal exits 2 at once instead of waiting for input', () => {
    // script(1) runs the command on a pseudo-terminal, as an interactive shell would.
    const command = [process.execPath, '-r', 'ts-node/register', MAIN, 'check', '-'].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: FIXTURES, encoding: 'utf8', env: NODE_ENV, timeout: 30_000 });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toMatch(/error: the path '-' reads a template from standard input, which is a terminal/);
    expect(r.status).toBe(2);
  });
});

describe('README', () => {
  test('the command that pipes a template from another branch runs as written', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const lines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n')).filter((l) => / check .* -$/.test(l));
    expect(lines).toEqual([expect.stringMatching(/^git show main:(\S+) \| npx cdk-cross-account-trust check --stdin-filename \1 -$/)]);
    const file = / --stdin-filename (\S+) -$/.exec(lines[0])![1];
    const dir = tempDir();
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    writeFiles(dir, { [file]: YAML });
    git('add', '.');
    git('commit', '-q', '-m', 'vendor template');
    // The working copy differs: what is checked is the committed version.
    writeFiles(dir, { [file]: 'Resources: {}\n' });
    const bin = `${process.execPath} -r ${require.resolve('ts-node/register')} ${MAIN}`;
    const r = spawnSync('bash', ['-c', lines[0].replace('npx cdk-cross-account-trust', bin)], { cwd: dir, encoding: 'utf8', env: NODE_ENV });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^${file.replace(/[./]/g, '\\$&')}:13:7: warning XAT10 \\[MaxSessionDuration\\] VendorRole: `));
    expect(r.status).toBe(0);
  });
});
