import * as fs from 'fs';
import * as path from 'path';
import { rulesMarkdown } from '../../scripts/rules-md';
import { ALL_RULES } from '../../src/rules';

describe('RULES.md', () => {
  test('is exactly what scripts/rules-md.ts generates from the rule metadata', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8');
    expect(committed).toBe(rulesMarkdown());
  });

  test('has one row per rule, with its id and level, in id order', () => {
    const rows = rulesMarkdown().split('\n').filter((l) => /^\| XAT\d+ \|/.test(l));
    expect(rows.map((r) => r.split(' | ').slice(0, 2).join(' | '))).toEqual(ALL_RULES.map((r) => `| ${r.id} | ${r.level}`));
    expect(ALL_RULES.map((r) => r.id)).toEqual(['XAT1', 'XAT2', 'XAT3', 'XAT4', 'XAT5', 'XAT6', 'XAT7', 'XAT8', 'XAT9', 'XAT10']);
  });
});
