import * as path from 'path';
import { FIXTURES, fixtureText, tempDir, writeFiles } from './helpers';
import { corpusTable } from '../../scripts/corpus';
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
