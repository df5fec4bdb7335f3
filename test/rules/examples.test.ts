import { check } from '../../src/engine';
import { ALL_RULES } from '../../src/rules';
import { parseTemplate, parseTemplateBody } from '../../src/template/parse';

// The templates RULES.md shows for each rule, checked as the CLI checks a file (no own account known): the docs
// cannot claim a rule fires, or stays quiet, where it does not.
function findings(yaml: string) {
  const result = check([{ source: 'example.yaml', template: parseTemplate(yaml).template }], { parseTemplateBody });
  return { rules: [...new Set(result.findings.map((f) => f.ruleId))], result };
}

describe.each(ALL_RULES.map((r) => [r.id, r] as const))('%s examples', (_id, rule) => {
  test('the failing template is reported by this rule and no other', () => {
    const { rules, result } = findings(rule.examples.failing);
    expect(rules).toEqual([rule.id]);
    expect([...result.errors, ...result.notices]).toEqual([]);
  });

  test('the passing template is reported by no rule', () => {
    const { result } = findings(rule.examples.passing);
    expect(result.findings).toEqual([]);
    expect([...result.errors, ...result.notices]).toEqual([]);
  });
});
