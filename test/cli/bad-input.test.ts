import * as fs from 'fs';
import * as path from 'path';
import { checkJson, cli, fixtureText, sarifValidator, tempDir, writeFiles } from './helpers';
import { MAX_NESTING_DEPTH } from '../../src/template/parse';

const UNSAFE = fixtureText('unsafe-role.json');

function yamlBomb(): string {
  const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i < 10; i++) {
    const name = String.fromCharCode(97 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
  }
  return `Resources:\n  T:\n    Type: AWS::SNS::Topic\n${lines.join('\n')}\n`;
}

/** Each input is a clear error entry for its file; the unsafe template next to it is still checked and reported. */
const BAD_INPUTS: Array<[string, string, string | Uint8Array, RegExp]> = [
  ['an empty file', 'empty.yaml', '', /^it is empty; expected a CloudFormation template in JSON or YAML$/],
  ['a binary file', 'image.json', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), /contains NUL bytes, so it is binary/],
  ['invalid UTF-8', 'latin1.yaml', new Uint8Array([...Buffer.from('Description: caf'), 0xe9, 0x0a]), /not valid UTF-8 text/],
  ['a YAML bomb', 'bomb.yaml', yamlBomb(), /YAML aliases \(\*name\) expand to more than 100 times .* "billion laughs" YAML bomb/],
  ['10,000-deep nesting', 'deep.json', `{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": ${'{"Fn::If": ["C", '.repeat(10_000)}1${', 2]}'.repeat(10_000)}}}}`,
    new RegExp(`nested more than ${MAX_NESTING_DEPTH} levels deep \\(at line 1\\)`)],
  ['an unknown tag', 'tag.yaml', 'Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Concat [a, b]\n', /^unknown tag !Concat at line 5, column 17; expected a CloudFormation short form/],
  ['duplicate keys', 'dup.json', '{"Resources": {"R": {"Type": "AWS::SNS::Topic"}, "R": {"Type": "AWS::SNS::Topic"}}}', /^duplicate key "R" at line 1 \(first at line 1\); CloudFormation does not reject this but silently deploys one of the values/],
  ['non-object Resources', 'list.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  - Type: AWS::IAM::Role\n', /^Resources of the template is a list, expected an object of resources$/],
  ['a resource that is not an object', 'scalar-resource.yaml', 'Resources:\n  R: 42\n', /^resource R is a number, expected an object with a Type$/],
  // Built here: 10 MB are not committed. Parsing it would take gigabytes; it is refused before the parser runs.
  ['a list of five million zeros (10 MB)', 'zeros.json', `[${'0,'.repeat(4_999_999)}0]`,
    /^it could parse into as many as 5,000,002 values \(counted from its separators and brackets\), more than the 1,048,576 that a template .* Expected a CloudFormation template of at most 1 MB$/],
  ['a JSON syntax error', 'syntax.json', '{"Resources": {"R": {"Type": "AWS::IAM::Role"}', /^invalid YAML or JSON at line 1, column \d+: /],
  ['not a template', 'config.json', '{"compilerOptions": {}}', /not a CloudFormation template; expected an object with a Resources mapping or AWSTemplateFormatVersion/],
];

describe('bad input', () => {
  test.each(BAD_INPUTS)('%s is an error entry for its file (exit 2); the other files are still reported', (_name, file, content, message) => {
    const dir = tempDir();
    writeFiles(dir, { [file]: content, 'unsafe.json': UNSAFE });
    const { code, report } = checkJson([file, 'unsafe.json'], { cwd: dir });
    expect(code).toBe(2);
    expect(report.errors).toEqual([expect.objectContaining({ file, message: expect.stringMatching(message) })]);
    expect(report.findings.map((f: any) => [f.file, f.rule])).toEqual([['unsafe.json', 'XAT1'], ['unsafe.json', 'XAT3']]);
    // No stack trace, in any format.
    for (const format of ['text', 'json', 'sarif']) {
      const r = cli(['check', '--format', format, file, 'unsafe.json'], { cwd: dir });
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    }
  });

  test('all of them at once: one error each, exit 2, valid SARIF', () => {
    const dir = tempDir();
    writeFiles(dir, { 'unsafe.json': UNSAFE, ...Object.fromEntries(BAD_INPUTS.map(([, file, content]) => [file, content])) });
    const names = BAD_INPUTS.map(([, file]) => file);
    const { code, report } = checkJson([...names, 'unsafe.json'], { cwd: dir });
    expect(code).toBe(2);
    expect(report.errors.map((e: any) => e.file).sort()).toEqual([...names].sort());
    const sarif = cli(['check', '--format', 'sarif', ...names, 'unsafe.json'], { cwd: dir });
    expect(sarifValidator()(JSON.parse(sarif.stdout))).toEqual([]);
  });

  test('a Statement of the wrong type is a finding that says the trust policy could not be resolved', () => {
    const dir = tempDir();
    writeFiles(dir, { 'stmt.yaml': 'Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement: 42\n' });
    const { code, report } = checkJson(['stmt.yaml'], { cwd: dir });
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    expect(report.findings).toEqual([expect.objectContaining({ rule: 'XAT1', message: expect.stringMatching(/trust policy of R could not be resolved \(Statement is a number\)/), line: 5 })]);
  });

  test('a StackSet whose TemplateBody does not parse is an error naming the StackSet and the line', () => {
    const dir = tempDir();
    writeFiles(dir, { 'ss.yaml': 'Resources:\n  Set:\n    Type: AWS::CloudFormation::StackSet\n    Properties:\n      TemplateBody: "Resources: !Oops x"\n' });
    const { code, report } = checkJson(['ss.yaml'], { cwd: dir });
    expect(code).toBe(2);
    expect(report.errors).toEqual([{ file: 'ss.yaml', resource: 'Set', line: 2, column: 3, message: expect.stringMatching(/TemplateBody of StackSet Set could not be parsed: unknown tag !Oops at line 1/) }]);
  });

  test('a device is not read (it might never end)', () => {
    const { code, report } = checkJson(['/dev/zero']);
    expect(code).toBe(2);
    expect(report.errors).toEqual([{ file: '/dev/zero', message: 'the path is not a regular file; expected a template file, a directory or a CDK cloud assembly' }]);
  });

  test('a file above the size limit is not read', () => {
    const dir = tempDir();
    // A sparse file: 51 MB on paper, no disk or memory spent.
    const big = path.join(dir, 'huge.json');
    fs.writeFileSync(big, '{}');
    fs.truncateSync(big, 51 * 1024 * 1024);
    const { code, report } = checkJson(['huge.json'], { cwd: dir });
    expect(code).toBe(2);
    expect(report.errors).toEqual([{ file: 'huge.json', message: 'the file is 51.0 MB; files above 50.0 MB are not read (CloudFormation accepts templates of at most 1 MB)' }]);
    // Found in a directory, it is not taken for a template.
    expect(checkJson(['.'], { cwd: dir }).report.summary).toMatchObject({ files: 0, skipped: 1 });
  });

  test('a 20 MB template is read and checked', () => {
    const dir = tempDir();
    const resources: Record<string, unknown> = { Unsafe: JSON.parse(UNSAFE).Resources.AuditRole };
    const padding = 'x'.repeat(200);
    let size = 0;
    for (let i = 0; size < 20 * 1024 * 1024; i++) {
      resources[`Topic${i}`] = { Type: 'AWS::SNS::Topic', Properties: { DisplayName: `${padding}${i}`, Tags: [{ Key: 'k', Value: padding }] } };
      size += 2 * padding.length + 120;
    }
    const text = JSON.stringify({ Resources: resources }, null, 1);
    expect(text.length).toBeGreaterThan(20 * 1024 * 1024);
    writeFiles(dir, { 'big.json': text });
    // Text output: JSON and SARIF read a file with findings a second time for the lines, which this test does not need to wait for.
    const r = cli(['check', 'big.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^big\.json:\d+:\d+: error XAT1 \[Statement0\] Unsafe: /),
      expect.stringMatching(/^big\.json:\d+:\d+: error XAT3 \[Statement0\.Principal0\] Unsafe: /),
      `Checked 1 template (${Object.keys(resources).length} resources): 2 findings (2 errors, 0 warnings).`,
      '',
    ]);
  });
});
