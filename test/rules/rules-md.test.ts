import * as fs from 'fs';
import * as path from 'path';
import { rulesMarkdown } from '../../scripts/rules-md';
import { ALL_RULES } from '../../src/rules';

describe('RULES.md', () => {
  const markdown = rulesMarkdown();

  test('is exactly what scripts/rules-md.ts generates from the rule metadata', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8');
    expect(committed).toBe(markdown);
  });

  test('has one row per rule in the summary, linked to its section, in id order', () => {
    const rows = markdown.split('\n').filter((l) => /^\| \[XAT\d+\]/.test(l));
    expect(rows.map((r) => r.split(' | ').slice(0, 2).join(' | '))).toEqual(
      ALL_RULES.map((r) => `| [${r.id}](#${r.id.toLowerCase()}) | ${r.level}`));
    expect(ALL_RULES.map((r) => r.id)).toEqual(['XAT1', 'XAT2', 'XAT3', 'XAT4', 'XAT5', 'XAT6', 'XAT7', 'XAT8', 'XAT9', 'XAT10']);
  });

  test('has one section per rule under the anchor of its lower-case id (SARIF helpUri links there), with both examples', () => {
    for (const r of ALL_RULES) {
      const start = markdown.indexOf(`<a id="${r.id.toLowerCase()}"></a>\n\n## ${r.id}: `);
      expect(start).toBeGreaterThan(0);
      const next = markdown.indexOf('\n<a id=', start + 1);
      const section = markdown.slice(start, next < 0 ? undefined : next);
      expect(section).toContain(`**Level:** ${r.level}`);
      expect(section).toContain(r.fix);
      expect(section).toContain(r.examples.failing.trimEnd());
      expect(section).toContain(r.examples.passing.trimEnd());
    }
    expect(markdown.match(/^<a id="[^"]+"><\/a>$/gm)).toHaveLength(ALL_RULES.length);
  });

  test('has one "Handling findings" section, after the rules, that starts with CDK acknowledgments', () => {
    expect(markdown.match(/^## Handling findings$/gm)).toHaveLength(1);
    const handling = markdown.slice(markdown.indexOf('## Handling findings'));
    expect(handling).toMatch(/^### In a CDK app$/m);
    expect(handling).toContain('Validations.of(role).acknowledge(');
    expect(markdown.indexOf('## Handling findings')).toBeGreaterThan(markdown.indexOf('## XAT10: '));
  });
});
