import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, REPO_ROOT, checkJson, cli, tempDir, writeFiles } from './helpers';

// The README's command lines and config file for platform teams run as written, on a project of the test's own fixtures.
const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const blocks = (lang: string) => [...README.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]);

/** The arguments after `check` of each README command line that uses one of `options`, comments removed. */
function commands(...options: string[]): string[][] {
  return blocks('sh').flatMap((b) => b.split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('npx ') && options.some((o) => line.split(/\s+/).includes(o)))
    .map((line) => line.split(/\s+/).slice(line.split(/\s+/).indexOf('check') + 1));
}

function project(): string {
  const dir = tempDir();
  const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  writeFiles(dir, {
    'templates/unsafe-role.json': fixture('unsafe-role.json'),
    'templates/long-session.yaml': fixture('long-session.yaml'),
    'templates/role.test.yaml': fixture('unsafe-role.json'),
    'vendor/legacy/unsafe-role.json': fixture('unsafe-role.json'),
  });
  return dir;
}

describe('README: platform teams', () => {
  test('the rule selection commands run only the rules they name', () => {
    const lines = commands('--rule', '--skip-rule');
    expect(lines).toHaveLength(2);
    const dir = project();
    const [only, skip] = lines.map((args) => checkJson(args, { cwd: dir }).report.findings.map((f: any) => f.rule));
    expect(new Set(only)).toEqual(new Set(['XAT1', 'XAT3']));
    expect(skip).not.toContain('XAT10');
    expect(new Set(skip)).toEqual(new Set(['XAT1', 'XAT3']));
  });

  test('the config file example is valid and does what its comments say', () => {
    const config = blocks('yaml').find((b) => b.startsWith('# .cross-account-trust.yaml\n'));
    expect(config).toBeDefined();
    const dir = project();
    // The baseline it names holds nothing yet.
    writeFiles(dir, { '.cross-account-trust.yaml': config!, 'cross-account-trust-baseline.json': '{ "version": 1, "findings": [] }\n' });
    const { code, report, stderr } = checkJson(['.'], { cwd: dir });
    expect(stderr).toBe('');
    // XAT10 skipped, vendor/legacy and the *.test.yaml file excluded, an ExternalId MinLength of 32 below the config's 40.
    expect(code).toBe(1);
    expect(report.findings.map((f: any) => [f.file, f.rule])).toEqual([
      ['templates/long-session.yaml', 'XAT5'], ['templates/unsafe-role.json', 'XAT1'], ['templates/unsafe-role.json', 'XAT3'],
    ]);
    expect(checkJson(['--min-external-id-length', '32', '.'], { cwd: dir }).report.findings.map((f: any) => f.rule)).toEqual(['XAT1', 'XAT3']);
    expect(report.summary.excluded).toBe(2);
    // The command line's skip-rule replaces the config's: XAT10 runs again.
    const r = checkJson(['--skip-rule', 'XAT1,XAT3', '--max-session-duration', '3600', '.'], { cwd: dir });
    expect(r.report.findings.map((f: any) => f.rule)).toEqual(['XAT5', 'XAT10']);
    expect(r.code).toBe(1);
  });

  test('the baseline commands: write the baseline, then only new findings fail the run', () => {
    const lines = commands('--write-baseline', '--baseline');
    expect(lines).toHaveLength(2);
    const [write, gate] = lines;
    const dir = project();
    expect(cli(['check', ...write], { cwd: dir }).code).toBe(0);
    const before = checkJson(gate, { cwd: dir });
    expect(before.report.findings).toEqual([]);
    expect(before.code).toBe(0);
    writeFiles(dir, { 'templates/new.json': fs.readFileSync(path.join(FIXTURES, 'unsafe-role.json'), 'utf8') });
    const after = checkJson(gate, { cwd: dir });
    expect(after.report.findings.map((f: any) => [f.file, f.rule])).toEqual([['templates/new.json', 'XAT1'], ['templates/new.json', 'XAT3']]);
    expect(after.code).toBe(1);
  });

  test('RULES.md: the config snippet of Handling findings skips XAT10 and leaves vendor/legacy out', () => {
    const rulesMd = fs.readFileSync(path.join(REPO_ROOT, 'RULES.md'), 'utf8');
    const snippet = [...rulesMd.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.startsWith('skip-rule: [XAT10]'));
    expect(snippet).toBeDefined();
    const dir = project();
    writeFiles(dir, { '.cross-account-trust.yaml': snippet! });
    const { report, stderr } = checkJson(['.'], { cwd: dir });
    expect(stderr).toBe('');
    expect(report.findings.map((f: any) => f.rule)).not.toContain('XAT10');
    expect(report.findings.some((f: any) => f.file.startsWith('vendor/'))).toBe(false);
    expect(report.summary.excluded).toBe(1);
  });
});
