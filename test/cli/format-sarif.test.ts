import * as fs from 'fs';
import * as path from 'path';
import { PACKAGE_VERSION, REPO_ROOT, cli, fixtureText, lineOfText, positionOfText, sarifValidator, tempDir, writeFiles } from './helpers';
import { ALL_RULES } from '../../src/rules';

const validate = sarifValidator();

/** The SARIF region where `marker` starts in `text`. */
function region(text: string, marker: string): { startLine: number; startColumn: number } {
  const [startLine, startColumn] = positionOfText(text, marker).split(':').map(Number);
  return { startLine, startColumn };
}

function sarif(args: string[], cwd?: string): { code: number; log: any } {
  const r = cli(['check', '--format', 'sarif', ...args], cwd ? { cwd } : {});
  return { code: r.code, log: JSON.parse(r.stdout) };
}

describe('--format sarif', () => {
  test('the validator rejects what the schema forbids, so a pass means something', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] })).not.toEqual([]);
    expect(validate({ version: '2.0.0', runs: [] })).not.toEqual([]);
  });

  test('validates against the SARIF 2.1.0 schema, with findings, errors and notifications', () => {
    const { code, log } = sarif(['unsafe-role.json', 'stackset.yaml', 'long-session.yaml', 'missing.yaml', 'errors/broken-resource.yaml']);
    expect(code).toBe(2);
    expect(validate(log)).toEqual([]);
    expect(log.runs[0].results).toHaveLength(5);
  });

  test('one rule descriptor per XAT rule, from the rule metadata', () => {
    const { log } = sarif(['safe-role.yaml']);
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'cross-account-trust', version: PACKAGE_VERSION, semanticVersion: PACKAGE_VERSION });
    expect(driver.rules).toEqual(ALL_RULES.map((r) => ({
      id: r.id,
      name: `CrossAccountTrust-${r.id}`,
      shortDescription: { text: r.cause },
      fullDescription: { text: r.explanation },
      helpUri: `https://github.com/cdk-cross-account-trust/cdk-cross-account-trust/blob/main/RULES.md#${r.id.toLowerCase()}`,
      help: { text: expect.stringContaining(r.fix), markdown: expect.stringContaining(r.fix) },
      defaultConfiguration: { level: r.level },
      properties: { 'tags': expect.arrayContaining(['security']), 'security-severity': r.level === 'error' ? '8.0' : '5.0' },
    })));
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });

  test('every rule\'s helpUri is its section of RULES.md: the repository of package.json, the main branch, an anchor RULES.md has', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const web = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    const rulesMd = fs.readFileSync(path.join(REPO_ROOT, 'RULES.md'), 'utf8');
    const anchors = new Set([...rulesMd.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    const { log } = sarif(['safe-role.yaml']);
    for (const rule of log.runs[0].tool.driver.rules) {
      const [page, anchor] = rule.helpUri.split('#');
      expect(page).toBe(`${web}/blob/main/RULES.md`);
      expect([rule.id, anchors.has(anchor)]).toEqual([rule.id, true]);
      // The section under the anchor is the rule's own.
      expect(rulesMd.slice(rulesMd.indexOf(`<a id="${anchor}"></a>`)).split('\n').find((l) => l.startsWith('#'))).toMatch(new RegExp(`^#+ ${rule.id}\\b`));
    }
  });

  test('results point at the rule, the file relative to the working directory and the line and column of the statement, in YAML and JSON', () => {
    const { log } = sarif(['unsafe-role.json', 'literal-external-id.yaml']);
    const { results, tool } = log.runs[0];
    const json = fixtureText('unsafe-role.json');
    const yaml = fixtureText('literal-external-id.yaml');
    expect(results.map((r: any) => [r.ruleId, r.level, r.locations[0].physicalLocation])).toEqual([
      // A statement of a YAML list starts at its first key, after the "- ".
      ['XAT6', 'error', { artifactLocation: { uri: 'literal-external-id.yaml' }, region: region(yaml, 'Effect: Allow') }],
      // The statement's "{" is on the line before "Effect".
      ['XAT1', 'error', { artifactLocation: { uri: 'unsafe-role.json' }, region: region(json, '{\n              "Effect": "Allow"') }],
      ['XAT3', 'error', { artifactLocation: { uri: 'unsafe-role.json' }, region: region(json, '{\n              "Effect": "Allow"') }],
    ]);
    for (const r of results) {
      expect(tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.message.text.length).toBeGreaterThan(20);
      expect(r.locations[0].logicalLocations).toEqual([expect.objectContaining({ name: r.locations[0].logicalLocations[0].name, kind: 'resource' })]);
    }
  });

  test('a parameter finding points at the parameter', () => {
    const { log } = sarif(['weak-parameter.yaml']);
    expect(log.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(lineOfText(fixtureText('weak-parameter.yaml'), '  ExternalId:'));
  });

  test('uris use forward slashes relative to the working directory, percent-encoded', () => {
    const dir = tempDir();
    writeFiles(dir, { 'nested dir/sub/t.json': fixtureText('unsafe-role.json') });
    const { log } = sarif([path.join('nested dir', 'sub')], dir);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('nested%20dir/sub/t.json');
    expect(validate(log)).toEqual([]);
    // Given as an absolute path, the file is still reported relative to the working directory.
    expect(sarif([path.join(dir, 'nested dir', 'sub', 't.json')], dir).log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri)
      .toBe('nested%20dir/sub/t.json');
  });

  test('partial fingerprints stay the same when the finding moves to another line', () => {
    const dir = tempDir();
    const text = fixtureText('unsafe-role.json');
    writeFiles(dir, { 'a/t.json': text, 'b/t.json': `\n\n\n${text}` });
    const a = sarif(['a/t.json'], dir).log.runs[0].results[0];
    const moved = sarif(['b/t.json'], dir).log.runs[0].results[0];
    expect(moved.locations[0].physicalLocation.region.startLine).toBe(a.locations[0].physicalLocation.region.startLine + 3);
    const fingerprint = (r: any) => r.partialFingerprints['crossAccountTrustFinding/v1'];
    expect(fingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
    // Different files: different alerts. Same file, same rule and resource, new line: the same alert.
    expect(fingerprint(moved)).not.toBe(fingerprint(a));
    writeFiles(dir, { 'a/t.json': `\n\n\n${text}` });
    expect(fingerprint(sarif(['a/t.json'], dir).log.runs[0].results[0])).toBe(fingerprint(a));
  });

  test('inputs that could not be checked are notifications of an unsuccessful invocation, located where possible', () => {
    const { log } = sarif(['missing.yaml', 'errors/broken-resource.yaml', 'safe-role.yaml']);
    expect(log.runs[0].invocations).toEqual([{
      executionSuccessful: false,
      toolExecutionNotifications: [
        {
          level: 'error',
          message: { text: expect.stringMatching(/^missing\.yaml: does not exist; expected a template file/) },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'missing.yaml' } } }],
        },
        {
          level: 'error',
          message: { text: 'errors/broken-resource.yaml: Broken: resource Broken is a string, expected an object with a Type' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'errors/broken-resource.yaml' }, region: { startLine: 4, startColumn: 3 } } }],
        },
      ],
    }]);
  });
});
