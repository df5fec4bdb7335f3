import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { REPO_ROOT, cli, tempDir, writeFiles } from './helpers';
import { formatText } from '../../src/cli/format-text';
import { Report } from '../../src/cli/report';

/** What a terminal acts on instead of showing: C0 and C1 controls, DEL, line separators, bidirectional controls. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function roleWithSid(sid: string): string {
  return JSON.stringify({
    Resources: {
      R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Sid: sid, Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::111122223333:root' } }] } } },
    },
  });
}

describe('text output escapes control characters', () => {
  test('a Sid holding a carriage return and ANSI escapes cannot rewrite the terminal', () => {
    const dir = tempDir();
    writeFiles(dir, { 't.json': roleWithSid('Vendor\r\u001b[2K\u001b[32mall good\u001b[0m') });
    const { code, stdout } = cli(['check', 't.json'], { cwd: dir, isTTY: true });
    expect(code).toBe(1);
    expect(stdout).toContain('Vendor\\x0d\\x1b[2K\\x1b[32mall good\\x1b[0m');
    // With colours on, the only escape sequences are the CLI's own colours.
    expect(stdout.replace(/\u001b\[\d+m/g, '')).not.toMatch(CONTROL);
  });

  test('a newline in a file name does not split a finding line', () => {
    const dir = tempDir();
    writeFiles(dir, { 'd/bad\nname.json': roleWithSid('S') });
    const { code, stdout } = cli(['check', 'd'], { cwd: dir });
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    // XAT1 and XAT3, then the summary.
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^d\/bad\\x0aname\.json:1:\d+: error XAT1 \[Sid-S\] R: /);
    expect(fs.existsSync(path.join(dir, 'd', 'bad\nname.json'))).toBe(true);
  });

  test('right-to-left overrides (Trojan Source) are shown, not applied', () => {
    const dir = tempDir();
    writeFiles(dir, { 't.json': roleWithSid('A\u202eB') });
    expect(cli(['check', 't.json'], { cwd: dir }).stdout).toContain('A\\u202eB');
  });

  test('property: whatever the file names, logical ids, messages and stacks hold, one line per finding, error and notice, and no control character', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    const finding = fc.record({ file: text, resource: text, message: text, stack: fc.option(text, { nil: undefined }) })
      .map((f) => ({ ...f, uri: 'x', rule: 'XAT1', level: 'error' as const, findingId: 'Statement0' }));
    const error = fc.record({ file: text, message: text, resource: fc.option(text, { nil: undefined }), stack: fc.option(text, { nil: undefined }) })
      .map((e) => ({ ...e, kind: 'input' as const }));
    const notice = fc.record({ file: text, message: text, resource: fc.option(text, { nil: undefined }) });
    const lists = fc.tuple(fc.array(finding, { maxLength: 5 }), fc.array(error, { maxLength: 5 }), fc.array(notice, { maxLength: 3 }));
    fc.assert(fc.property(lists, fc.boolean(), ([findings, errors, notices], colors) => {
      const report: Report = {
        templates: [],
        findings,
        errors,
        notices,
        acknowledged: [],
        checked: ['t.json'],
        summary: { files: 1, checked: 1, skipped: 0, excluded: 0, resources: 1, findings: findings.length, acknowledged: 0 },
      };
      const out = formatText(report, { colors, quiet: false });
      const lines = out.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(findings.length + errors.length + notices.length + 1);
      for (const line of lines) expect(line.replace(/\u001b\[\d+m/g, '')).not.toMatch(CONTROL);
    }));
  });
});

describe('the text line format', () => {
  const FINDING = /^(?<file>[^:]+):(?<line>\d+):(?<column>\d+): (?<level>error|warning) (?<rule>XAT\d+) \[(?<id>[^\]]+)\] (?<resource>[^:]+): (?<message>.+)$/;

  test('the README\'s example lines have the shape the CLI writes', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /Text output is one line per finding[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)![1];
    const examples = block.trimEnd().split('\n');
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const line of examples) expect(line).toMatch(FINDING);
    expect(examples.some((l) => / \(construct [^,]+, stack [^)]+\)$/.test(l))).toBe(true);
  });

  test('each finding line is file:line:column at the statement, and an editor can jump there', () => {
    const dir = tempDir();
    const text = [
      'Resources:',
      '  Vendor:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      AssumeRolePolicyDocument:',
      '        Statement:',
      '          - Effect: Allow',
      '            Principal: { AWS: arn:aws:iam::111122223333:root }',
      '            Action: sts:AssumeRole',
      '',
    ].join('\n');
    writeFiles(dir, { 'dir/t.yaml': text });
    const lines = cli(['check', '--quiet', 'dir/t.yaml'], { cwd: dir }).stdout.trimEnd().split('\n');
    expect(lines.map((l) => FINDING.exec(l)?.groups)).toEqual([
      { file: 'dir/t.yaml', line: '7', column: '13', level: 'error', rule: 'XAT1', id: 'Statement0', resource: 'Vendor', message: expect.stringMatching(/^Statement 0 /) },
      { file: 'dir/t.yaml', line: '7', column: '13', level: 'error', rule: 'XAT3', id: 'Statement0.Principal0', resource: 'Vendor', message: expect.stringMatching(/^Statement 0 /) },
    ]);
    expect(text.split('\n')[6].slice(12)).toBe('Effect: Allow');
  });

  test('an input error carries the line and column of the parser\'s message', () => {
    const dir = tempDir();
    writeFiles(dir, { 'b.yaml': 'Resources:\n  R: !Oops x\n' });
    expect(cli(['check', '--quiet', 'b.yaml'], { cwd: dir }).stdout).toBe(
      'b.yaml:2:6: error could not be checked: unknown tag !Oops at line 2, column 6; expected a CloudFormation short form such as !Ref, !Sub or !GetAtt, '
      + 'or the long form ("Fn::...")\n',
    );
  });
});
