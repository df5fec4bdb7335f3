import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { FIXTURES, checkJson, cli, tempDir, writeFiles } from './helpers';
import { ALL_RULES } from '../../src/rules';

const IDS = ALL_RULES.map((r) => r.id);
const rules = (report: any) => report.findings.map((f: any) => f.rule);

describe('nothing checked is not a pass (exit 2)', () => {
  test('an empty folder: exit 2, the report still written, and a message that says why', () => {
    const r = cli(['check', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('Checked 0 templates (0 resources): no findings.\n');
    expect(r.stderr).toMatch(/^error: no template was checked: the paths hold no template files \(\*\.json, \*\.yaml, \*\.yml, \*\.template\) and no cloud assembly stacks\. A run that checked nothing is not a pass; pass --allow-empty/);
  });

  test('a folder of files that are not templates: exit 2, naming them as skipped', () => {
    const dir = tempDir();
    writeFiles(dir, { 'package.json': '{"name":"x"}', 'tsconfig.json': '{}' });
    const r = cli(['check', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no template was checked: the 2 files found are not CloudFormation templates\./);
  });

  test('a path that does not exist keeps its input error, and says that nothing was checked', () => {
    const { code, report, stderr } = checkJson(['missing.yaml']);
    expect(code).toBe(2);
    expect(report.errors).toEqual([{ file: 'missing.yaml', message: expect.stringMatching(/^does not exist; expected a template file/) }]);
    expect(stderr).toMatch(/no template was checked: an input could not be read or parsed/);
  });

  test('--allow-empty makes an empty run exit 0, but not one with an input error', () => {
    expect(cli(['check', '--allow-empty', tempDir()])).toMatchObject({ code: 0, stderr: '' });
    expect(cli(['check', '--allow-empty', 'missing.yaml']).code).toBe(2);
  });

  test('every template excluded: exit 2, counting the excluded files', () => {
    const r = cli(['check', '--exclude', '*.json', 'unsafe-role.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no template was checked: 1 file was left out by exclude globs/);
  });

  test('a run that checked one template passes as before, with or without findings', () => {
    expect(cli(['check', 'safe-role.yaml']).code).toBe(0);
    expect(cli(['check', 'unsafe-role.json']).code).toBe(1);
  });
});

describe('--rule and --skip-rule', () => {
  test('--rule runs only the rules named, in any case, with or without the CrossAccountTrust- prefix, comma-separated or repeated', () => {
    expect(rules(checkJson(['unsafe-role.json']).report)).toEqual(['XAT1', 'XAT3']);
    for (const args of [['--rule', 'XAT3'], ['--rule', 'xat3'], ['--rule', 'CrossAccountTrust-XAT3'], ['--rule', 'crossaccounttrust-xat3,XAT10']]) {
      expect(rules(checkJson([...args, 'unsafe-role.json']).report)).toEqual(['XAT3']);
    }
    expect(rules(checkJson(['--rule', 'XAT1', '--rule', 'XAT3', 'unsafe-role.json']).report)).toEqual(['XAT1', 'XAT3']);
  });

  test('--skip-rule leaves the rules named out, and a run without the error-level findings passes', () => {
    const { code, report } = checkJson(['--skip-rule', 'XAT1,XAT3', 'unsafe-role.json']);
    expect(rules(report)).toEqual([]);
    expect(code).toBe(0);
  });

  test('the findings of any selection are those of the selected rules in a run of every rule (property)', () => {
    const all = checkJson(['unsafe-role.json', 'long-session.yaml', 'weak-parameter.yaml', 'literal-external-id.yaml']).report.findings;
    fc.assert(fc.property(fc.subarray(IDS, { minLength: 1 }), fc.subarray(IDS), (selected, skipped) => {
      const kept = selected.filter((id) => !skipped.includes(id));
      fc.pre(kept.length > 0);
      const args = ['--rule', selected.join(','), ...(skipped.length > 0 ? ['--skip-rule', skipped.join(',')] : [])];
      const { report } = checkJson([...args, 'unsafe-role.json', 'long-session.yaml', 'weak-parameter.yaml', 'literal-external-id.yaml']);
      expect(report.findings).toEqual(all.filter((f: any) => kept.includes(f.rule)));
    }), { numRuns: 25 });
  });

  test.each([
    ['--rule', 'XAT99'],
    ['--skip-rule', 'XAT3,XAT11'],
    ['--rule', 'XAT3[Statement0.Principal0]'],
  ])('%s %s is a usage error that names the unknown id and the known ones', (option, value) => {
    const r = cli(['check', option, value, 'unsafe-role.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const unknown = value.split(',').find((v) => !IDS.includes(v))!;
    expect(r.stderr).toContain(`option '${option} <ids>' argument '${value}' is invalid. unknown rule id ${JSON.stringify(unknown)}; expected rule ids`);
    expect(r.stderr).toContain(IDS.join(', '));
  });

  test('a selection that leaves no rule is a usage error', () => {
    const r = cli(['check', '--rule', 'XAT3', '--skip-rule', 'XAT3', 'unsafe-role.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rule and skip-rule leave no rule to run \(rule: XAT3; skip-rule: XAT3\)/);
  });

  test('check --help documents the options', () => {
    const help = cli(['check', '--help']).stdout;
    for (const option of ['--rule <ids>', '--skip-rule <ids>', '--exclude <glob>', '--config <file>', '--allow-empty', 'CrossAccountTrust- prefix optional']) {
      expect(help).toContain(option);
    }
  });
});

describe('--exclude', () => {
  test('leaves out matching files and everything under a matching folder, relative to the working folder', () => {
    const dir = tempDir();
    const unsafe = fs.readFileSync(path.join(FIXTURES, 'unsafe-role.json'), 'utf8');
    writeFiles(dir, { 'a/role.json': unsafe, 'vendor/legacy/x/role.json': unsafe, 'vendor/new/role.json': unsafe, 'b/role.test.json': unsafe });
    const files = (args: string[]) => {
      const { report } = checkJson([...args, '.'], { cwd: dir });
      return [...new Set(report.findings.map((f: any) => f.file))].sort();
    };
    expect(files([])).toEqual(['a/role.json', 'b/role.test.json', 'vendor/legacy/x/role.json', 'vendor/new/role.json']);
    expect(files(['--exclude', 'vendor/legacy'])).toEqual(['a/role.json', 'b/role.test.json', 'vendor/new/role.json']);
    expect(files(['--exclude', 'vendor/**', '--exclude', '**/*.test.json'])).toEqual(['a/role.json']);
    expect(checkJson(['--exclude', 'vendor/**', '.'], { cwd: dir }).report.summary).toMatchObject({ files: 2 });
  });

  test('an absolute or empty glob is a usage error', () => {
    expect(cli(['check', '--exclude', '/abs/**', 'safe-role.yaml']).stderr).toMatch(/expected a relative glob/);
    expect(cli(['check', '--exclude', '', 'safe-role.yaml']).code).toBe(2);
  });
});
