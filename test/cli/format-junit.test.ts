import * as fs from 'fs';
import * as path from 'path';
import { DOMParser, Element } from '@xmldom/xmldom';
import * as fc from 'fast-check';
import { REPO_ROOT, cli, fixtureText, junitErrors, tempDir, writeFiles } from './helpers';
import { formatJunit } from '../../src/cli/format-junit';
import { escapeControls } from '../../src/cli/format-text';
import { Report } from '../../src/cli/report';
import { ALL_RULES } from '../../src/rules';

interface Case {
  readonly suite: string;
  readonly name: string;
  readonly classname: string;
  /** The first child element's name (failure, error, skipped, system-out) or 'passed'. */
  readonly result: string;
  readonly text: string;
}

function parse(xml: string) {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const root = doc.documentElement!;
  const suites = Array.from(root.getElementsByTagName('testsuite'));
  const cases: Case[] = suites.flatMap((s) => Array.from(s.getElementsByTagName('testcase')).map((c) => {
    const first = Array.from(c.childNodes).find((n) => n.nodeType === 1) as Element | undefined;
    return {
      suite: s.getAttribute('name')!,
      name: c.getAttribute('name')!,
      classname: c.getAttribute('classname')!,
      result: first?.nodeName ?? 'passed',
      text: first?.textContent ?? '',
    };
  }));
  const attrs = (e: Element) => Object.fromEntries((Array.from(e.attributes) as Array<{ name: string; value: string }>)
    .map((a) => [a.name, a.value]));
  return { root: attrs(root), suites: suites.map(attrs), cases, doc };
}

describe('--format junit', () => {
  test('one suite per template, one test case per resource the rules looked at and rule, valid against the Jenkins JUnit schema', async () => {
    const r = cli(['check', '--format', 'junit', 'unsafe-role.json', 'long-session.yaml', 'missing.yaml']);
    expect(r.code).toBe(2);
    expect(await junitErrors(r.stdout)).toEqual([]);
    const { root, suites, cases } = parse(r.stdout);
    const n = ALL_RULES.length;
    expect(suites).toEqual([
      { name: 'unsafe-role.json', tests: String(n), failures: '2', errors: '0', skipped: '0' },
      { name: 'long-session.yaml', tests: String(n), failures: '0', errors: '0', skipped: '0' },
      { name: 'missing.yaml', tests: '1', failures: '0', errors: '1', skipped: '0' },
    ].map((s) => expect.objectContaining(s)));
    expect(root).toEqual({ name: 'cdk-cross-account-trust', tests: String(2 * n + 1), failures: '2', errors: '1' });
    const unsafe = cases.filter((c) => c.suite === 'unsafe-role.json');
    expect(unsafe.map((c) => c.name)).toEqual(ALL_RULES.map((rule) => `${rule.id} AuditRole`));
    expect(unsafe.filter((c) => c.result === 'failure')).toEqual([
      expect.objectContaining({ name: 'XAT1 AuditRole', classname: 'unsafe-role.json', text: expect.stringMatching(/^unsafe-role\.json:11:13: error XAT1 \[Statement0\] AuditRole: Statement 0/) }),
      expect.objectContaining({ name: 'XAT3 AuditRole', text: expect.stringMatching(/^unsafe-role\.json:11:13: error XAT3 \[Statement0\.Principal0\] AuditRole: /) }),
    ]);
    // The warning of long-session.yaml is below --fail-on error: its test case passes and says so in its output.
    expect(cases.find((c) => c.name === 'XAT10 VendorRole')).toMatchObject({ result: 'system-out', text: expect.stringMatching(/^below --fail-on: long-session\.yaml:13:7: warning XAT10 /) });
    expect(cases.find((c) => c.suite === 'missing.yaml')).toMatchObject({ name: 'could not be checked', result: 'error', text: expect.stringMatching(/^missing\.yaml: error does not exist/) });
  });

  test('--fail-on decides what fails; --rule what is run', async () => {
    const warning = parse(cli(['check', '--format', 'junit', '--fail-on', 'warning', 'long-session.yaml']).stdout);
    expect(warning.cases.find((c) => c.name === 'XAT10 VendorRole')).toMatchObject({ result: 'failure' });
    const never = parse(cli(['check', '--format', 'junit', '--fail-on', 'never', 'unsafe-role.json']).stdout);
    expect(never.root.failures).toBe('0');
    const selected = cli(['check', '--format', 'junit', '--rule', 'XAT3', 'unsafe-role.json']);
    expect(parse(selected.stdout).cases.map((c) => `${c.name} ${c.result}`)).toEqual(['XAT3 AuditRole failure']);
    expect(await junitErrors(selected.stdout)).toEqual([]);
  });

  test('from standard input (under --stdin-filename), with StackSet inner resources, to --output', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'stackset.yaml': fixtureText('stackset.yaml') });
    const r = cli(['check', '--format', 'junit', '--output', 'report.xml', '--stdin-filename', 'templates/vendor.json', '-', 'stackset.yaml'],
      { cwd: dir, stdin: fixtureText('unsafe-role.json') });
    expect(r).toEqual({ code: 1, stdout: '', stderr: '' });
    const xml = fs.readFileSync(path.join(dir, 'report.xml'), 'utf8');
    expect(await junitErrors(xml)).toEqual([]);
    const { suites, cases } = parse(xml);
    expect(suites.map((s) => s.name)).toEqual(['templates/vendor.json', 'stackset.yaml']);
    expect(cases.filter((c) => c.result === 'failure').map((c) => `${c.suite} ${c.name}`)).toEqual([
      'templates/vendor.json XAT1 AuditRole', 'templates/vendor.json XAT3 AuditRole', 'stackset.yaml XAT3 Onboarding/VendorRole', 'stackset.yaml XAT7 Onboarding/VendorRole',
    ]);
  });
});

describe('formatJunit', () => {
  const finding = (resource: string, rule: string, level: 'error' | 'warning' = 'error') => ({
    file: 't.yaml', uri: 't.yaml', resource, rule, level, message: `${rule} says no`, findingId: 'Statement0', line: 3, column: 5,
  });
  const report = (over: Partial<Report>): Report => ({
    findings: [],
    acknowledged: [],
    errors: [],
    notices: [],
    templates: [],
    checked: [],
    summary: { files: 1, skipped: 0, resources: 1, findings: 0, acknowledged: 0, checked: 1, excluded: 0 } as Report['summary'],
    ...over,
  });
  const all = { fails: () => true, rules: ALL_RULES.map((r) => r.id) };
  const ack = (f: ReturnType<typeof finding>, reason: string) => ({
    ...f, reason, acknowledgedIn: 'template' as const, acknowledgedId: f.rule, acknowledgedAt: `Resources.${f.resource}.Metadata.cross-account-trust.acknowledge[0]`,
  });

  test('a test case whose findings are all acknowledged is skipped, with the reasons; one with others too fails and lists them', async () => {
    const xml = formatJunit(report({
      templates: [{ file: 't.yaml', uri: 't.yaml', resources: ['A', 'B'] }],
      findings: [finding('B', 'XAT3')],
      acknowledged: [ack(finding('A', 'XAT3'), 'SEC-1423'), ack({ ...finding('B', 'XAT3'), findingId: 'Statement1' }, 'SEC-1424')],
    }), all);
    expect(await junitErrors(xml)).toEqual([]);
    const { cases, suites } = parse(xml);
    expect(cases.find((c) => c.name === 'XAT3 A')).toMatchObject({ result: 'skipped', text: 'acknowledged (SEC-1423): t.yaml:3:5: error XAT3 [Statement0] A: XAT3 says no' });
    expect(cases.find((c) => c.name === 'XAT3 B')).toMatchObject({ result: 'failure', text: 't.yaml:3:5: error XAT3 [Statement0] B: XAT3 says no' });
    expect(suites[0]).toMatchObject({ tests: String(2 * ALL_RULES.length), failures: '1', skipped: '1' });
  });

  test('characters XML 1.0 cannot hold are written as escapes; markup characters round-trip', async () => {
    const odd = 'a\u0000b\u001b[31m<&">\'\n\ufffe\ud800z\ud83d\ude00';
    const xml = formatJunit(report({
      templates: [{ file: odd, uri: 'x', resources: [odd] }],
      findings: [{ ...finding(odd, 'XAT1'), file: odd, message: odd }],
      notices: [{ file: odd, message: odd }],
    }), all);
    expect(await junitErrors(xml)).toEqual([]);
    const shown = 'a\\x00b\\x1b[31m<&">\'\\x0a\\ufffe\\ud800z\ud83d\ude00';
    const { cases } = parse(xml);
    expect(cases.find((c) => c.result === 'failure')).toEqual({
      suite: shown, classname: shown, name: `XAT1 ${shown}`, result: 'failure', text: `${shown}:3:5: error XAT1 [Statement0] ${shown}: ${shown}`,
    });
  });

  test('property: whatever the file names, logical ids, messages, reasons and stacks hold, the report is valid against the schema', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    const arb = fc.record({
      file: text, resource: text, message: text, reason: text, stack: fc.option(text, { nil: undefined }), level: fc.constantFrom('error' as const, 'warning' as const),
    });
    const samples = fc.sample(fc.array(arb, { minLength: 1, maxLength: 4 }), 40);
    const documents = samples.map((items) => formatJunit(report({
      templates: items.map((i) => ({ file: i.file, uri: 'x', resources: [i.resource], ...(i.stack !== undefined ? { stack: i.stack } : {}) })),
      findings: items.map((i) => ({ ...finding(i.resource, 'XAT1', i.level), file: i.file, message: i.message, stack: i.stack })),
      acknowledged: items.map((i) => ack({ ...finding(i.resource, 'XAT2'), file: i.file }, i.reason)),
      errors: items.map((i) => ({ file: i.file, message: i.message, resource: i.resource, kind: 'check' as const })),
      notices: items.map((i) => ({ file: i.file, message: i.message })),
    }), { fails: (f) => f.level === 'error', rules: ['XAT1', 'XAT2'] }));
    expect(await junitErrors(...documents)).toEqual([]);
    for (const [i, xml] of documents.entries()) {
      const { cases } = parse(xml);
      for (const item of samples[i]) {
        expect(cases.map((c) => c.name)).toContain(`XAT1 ${escapeControls(item.resource).replace(/[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`);
      }
    }
  });
});

describe('README', () => {
  test('the GitLab CI job\'s check command writes a valid report where the job reads it', async () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const job = /```yaml\n# \.gitlab-ci\.yml\n([\s\S]*?)```/.exec(readme)![1];
    const command = /- npx cdk-cross-account-trust (check .*)$/m.exec(job)![1].split(/\s+/);
    const reportFile = /junit: (\S+)/.exec(job)![1];
    expect(command).toContain(reportFile);
    const dir = tempDir();
    writeFiles(dir, { 'templates/unsafe-role.json': fixtureText('unsafe-role.json'), 'templates/long-session.yaml': fixtureText('long-session.yaml') });
    const r = cli(command, { cwd: dir });
    expect(r).toEqual({ code: 1, stdout: '', stderr: '' });
    const xml = fs.readFileSync(path.join(dir, reportFile), 'utf8');
    expect(await junitErrors(xml)).toEqual([]);
    expect(parse(xml).root).toMatchObject({ failures: '2', errors: '0' });
  });
});
