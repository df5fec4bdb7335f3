import { PACKAGE_VERSION, checkJson, cli, fixtureText, lineOfText } from './helpers';

describe('--format json', () => {
  test('has exactly the documented shape: version, findings, errors, summary', () => {
    const { code, report } = checkJson(['unsafe-role.json', 'stackset.yaml', 'long-session.yaml', 'safe-role.yaml', 'not-a-template.json']);
    expect(code).toBe(2);
    expect(Object.keys(report)).toEqual(['version', 'findings', 'errors', 'summary', 'acknowledged']);
    expect(report.version).toBe(PACKAGE_VERSION);

    expect(report.findings).toHaveLength(5);
    for (const f of report.findings) {
      // The five documented fields, then the extras.
      expect(Object.keys(f).slice(0, 5)).toEqual(['file', 'resource', 'rule', 'level', 'message']);
      expect(f).toEqual({
        file: expect.any(String),
        resource: expect.any(String),
        rule: expect.stringMatching(/^XAT\d+$/),
        level: expect.stringMatching(/^(error|warning)$/),
        message: expect.any(String),
        findingId: expect.any(String),
        line: expect.any(Number),
        column: expect.any(Number),
      });
    }
    expect(report.findings.map((f: any) => [f.file, f.resource, f.rule, f.level])).toEqual([
      ['long-session.yaml', 'VendorRole', 'XAT10', 'warning'],
      ['stackset.yaml', 'Onboarding/VendorRole', 'XAT3', 'error'],
      ['stackset.yaml', 'Onboarding/VendorRole', 'XAT7', 'error'],
      ['unsafe-role.json', 'AuditRole', 'XAT1', 'error'],
      ['unsafe-role.json', 'AuditRole', 'XAT3', 'error'],
    ]);

    expect(report.errors).toEqual([{ file: 'not-a-template.json', message: expect.stringMatching(/not a CloudFormation template/) }]);
    expect(report.summary).toEqual({ files: 5, skipped: 0, resources: 5, findings: 5, acknowledged: 0 });
    expect(report.acknowledged).toEqual([]);
  });

  test('a finding carries the line of the offending statement', () => {
    const { report } = checkJson(['unsafe-role.json', 'stackset.yaml']);
    const byFile = Object.fromEntries(report.findings.map((f: any) => [`${f.file} ${f.rule}`, f.line]));
    // A JSON statement starts at its "{", the line before "Effect".
    expect(byFile['unsafe-role.json XAT1']).toBe(lineOfText(fixtureText('unsafe-role.json'), '"Effect": "Allow"') - 1);
    // Inside a StackSet body the path stops at the TemplateBody property.
    expect(byFile['stackset.yaml XAT3']).toBe(lineOfText(fixtureText('stackset.yaml'), 'TemplateBody:'));
  });

  test('a .yaml file holding JSON is read as JSON, lines included', () => {
    const { report } = checkJson(['json-in-yaml.yaml']);
    expect(report.findings.map((f: any) => [f.resource, f.rule, f.line])).toEqual([
      // The single Statement mapping (not a list) is located at its key.
      ['UserTrust', 'XAT3', lineOfText(fixtureText('json-in-yaml.yaml'), '"Statement"')],
    ]);
    expect(report.findings[0].message).toMatch(/IAM user/);
  });

  test('an error about one resource names it', () => {
    const { report } = checkJson(['--fail-on', 'never', '.'], { cwd: `${__dirname}/fixtures/errors` });
    expect(report.errors).toEqual([{
      file: 'broken-resource.yaml',
      resource: 'Broken',
      line: 4,
      column: 3,
      message: 'resource Broken is a string, expected an object with a Type',
    }]);
  });

  test('the output is valid JSON and ends with a newline when nothing was found', () => {
    const out = cli(['check', '--format', 'json', 'safe-role.yaml']).stdout;
    expect(out.endsWith('}\n')).toBe(true);
    expect(JSON.parse(out)).toEqual({
      version: PACKAGE_VERSION,
      findings: [],
      errors: [],
      summary: { files: 1, skipped: 0, resources: 1, findings: 0, acknowledged: 0 },
      acknowledged: [],
    });
  });
});
