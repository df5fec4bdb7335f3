import * as path from 'path';
import { FIXTURES, fixtureText, tempDir, writeFiles } from './helpers';
import { corpusTable, proofAcceptance, proofTable } from '../../scripts/corpus';
import { loadProver, proveSubjects } from '../../src/cli/proofs';
import { scan } from '../../src/cli/scan';

describe('the corpus table', () => {
  test('one row per file: parsed or not, and the rule ids found with their counts, in rule order', () => {
    const dir = tempDir();
    const unsafeRole = JSON.parse(fixtureText('unsafe-role.json')).Resources.AuditRole;
    writeFiles(dir, {
      'b-unsafe.json': fixtureText('unsafe-role.json'),
      'a-twice.json': JSON.stringify({ Resources: { One: unsafeRole, Two: { ...unsafeRole, Properties: { ...unsafeRole.Properties, MaxSessionDuration: 43200 } } } }),
      'c-broken.yaml': 'Resources: [',
      'd-safe.yaml': fixtureText('safe-role.yaml'),
    });
    const files = ['a-twice.json', 'b-unsafe.json', 'c-broken.yaml', 'd-safe.yaml'].map((f) => path.join(dir, f));
    const report = scan(files, { cwd: FIXTURES, check: {}, withLines: false });
    expect(corpusTable(files, report).split('\n')).toEqual([
      '| file | parsed | rule ids |',
      '|---|---|---|',
      '| a-twice.json | yes | XAT1×2, XAT3×2, XAT10 |',
      '| b-unsafe.json | yes | XAT1, XAT3 |',
      '| c-broken.yaml | no | (none) |',
      '| d-safe.yaml | yes | (none) |',
    ]);
  });
});

describe('the corpus with --prove', () => {
  const noExternalId = JSON.parse(fixtureText('unsafe-role.json'));
  /** A role whose only condition is on a key the prover cannot know: neither proven nor disproven. */
  const tagged = {
    Resources: {
      Tagged: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::111122223333:role/Scanner' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:PrincipalTag/Team': 'scanner' } },
            }],
          },
        },
      },
    },
  };

  async function proven(files: Record<string, string>) {
    const dir = tempDir();
    writeFiles(dir, files);
    const paths = Object.keys(files).map((f) => path.join(dir, f));
    const report = scan(paths, { cwd: FIXTURES, check: {}, withLines: false, prove: {} });
    const proofs = await proveSubjects(report.subjects ?? [], loadProver());
    return { report, proofs };
  }

  test('a role without an ExternalId condition proven attackable by attack 1 and flagged by the rules meets the acceptance', async () => {
    const { report, proofs } = await proven({ 'a.json': JSON.stringify(noExternalId), 'b.yaml': fixtureText('safe-role.yaml') });
    expect(proofTable(proofs).split('\n')).toEqual([
      '| file | resource | kind | variant | verdict | requests |',
      '|---|---|---|---|---|---|',
      expect.stringMatching(/^\| a\.json \| AuditRole \| trust \|  \| attackable \| a a a a d a \|$/),
      '| b.yaml | VendorRole | trust |  | safe | d d d d d a |',
    ]);
    expect(proofAcceptance(report, proofs)).toEqual({ violations: [], unproven: [] });
  });

  test('an attackable resource the rules pass breaks it; a condition the prover cannot decide is listed as unproven', async () => {
    const { report, proofs } = await proven({ 'a.json': JSON.stringify(noExternalId), 't.json': JSON.stringify(tagged) });
    // As if the rules had passed AuditRole: the acceptance must see the contradiction.
    const passed = { ...report, findings: report.findings.filter((f) => f.resource !== 'AuditRole') };
    const { violations, unproven } = proofAcceptance(passed, proofs);
    expect(violations).toEqual([expect.stringMatching(/^a\.json: AuditRole: the rules report nothing, yet the trust proof is attackable: 1 the vendor role/)]);
    expect(unproven).toEqual([expect.stringMatching(/^t\.json: Tagged: no sts:ExternalId condition, and attack 1 .* is undecided \(.*aws:PrincipalTag\/Team/)]);
  });
});
