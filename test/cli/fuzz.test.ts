import * as fs from 'fs';
import * as fc from 'fast-check';
import { FIXTURES, cli, fixtureText, sarifValidator, tempDir, writeFiles } from './helpers';
import { mutatedText } from '../template/arbitraries';

const validate = sarifValidator();
const FIXTURE_NAMES = fs.readdirSync(FIXTURES).filter((f) => /\.(json|yaml)$/.test(f));

/** The CLI's contract on any input: an exit code of 0, 1 or 2, JSON that parses, SARIF that validates, no stack trace. */
function expectContract(dir: string, files: string[]): void {
  const json = cli(['check', '--format', 'json', ...files], { cwd: dir });
  expect([0, 1, 2]).toContain(json.code);
  const report = JSON.parse(json.stdout);
  expect(Object.keys(report)).toEqual(['version', 'findings', 'errors', 'summary', 'acknowledged']);
  expect(json.code === 2).toBe(report.errors.length > 0);

  const sarif = cli(['check', '--format', 'sarif', ...files], { cwd: dir });
  expect(sarif.code).toBe(json.code);
  expect(validate(JSON.parse(sarif.stdout))).toEqual([]);

  const text = cli(['check', ...files], { cwd: dir });
  expect(text.code).toBe(json.code);
  expect(text.stdout + text.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
}

describe('property-based: no input breaks the CLI', () => {
  test('arbitrary JSON values written as template files', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      const dir = tempDir();
      writeFiles(dir, {
        'a.json': JSON.stringify(a),
        'b.yaml': JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: { R: { Type: 'AWS::IAM::Role', Properties: b } } }),
        'safe.yaml': fixtureText('safe-role.yaml'),
      });
      expectContract(dir, ['a.json', 'b.yaml', 'safe.yaml']);
      // Found in a directory instead of named: skipped or checked, under the same contract.
      expectContract(dir, ['.']);
    }), { numRuns: 50 });
  });

  test('fixtures with random edits written as files', () => {
    const arb = fc.constantFrom(...FIXTURE_NAMES).chain((name) => fc.tuple(fc.constant(name), mutatedText(fixtureText(name))));
    fc.assert(fc.property(arb, ([name, text]) => {
      const dir = tempDir();
      writeFiles(dir, { [name]: text, 'unsafe.json': fixtureText('unsafe-role.json') });
      expectContract(dir, [name, 'unsafe.json']);
    }), { numRuns: 75 });
  });

});
