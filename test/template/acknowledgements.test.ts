import * as fc from 'fast-check';
import { ALL_RULES } from '../../src/rules';
import { AcknowledgeableFinding, matchAcknowledgements, readAcknowledgements } from '../../src/template/acknowledgements';

const RULE_IDS = ALL_RULES.map((r) => r.id);

/** The three ways of writing one id: as the report prints it, with the pack's prefix, and in the namespace newer aws-cdk-lib prints. */
function written(form: number, id: string): string {
  return [id, `CrossAccountTrust-${id}`, `CrossAccountTrust::CrossAccountTrust-${id}`][form];
}

/** Distinct findings of one resource: a rule and a finding id such as `Statement3.Principal1`. */
const findingsOfOneResource = fc.uniqueArray(
  fc.record({ ruleId: fc.constantFrom(...RULE_IDS), findingId: fc.tuple(fc.nat(5), fc.nat(3)).map(([s, p]) => `Statement${s}.Principal${p}`) }),
  { minLength: 1, maxLength: 12, selector: (f) => `${f.ruleId}[${f.findingId}]` },
).map((fs) => fs.map((f): AcknowledgeableFinding => ({ ...f, resource: 'Vendor' })));

function template(entries: Array<{ id: string; reason: string }>, at: 'resource' | 'template'): unknown {
  const metadata = { 'cross-account-trust': { acknowledge: entries } };
  return {
    ...(at === 'template' ? { Metadata: metadata } : {}),
    Resources: { Vendor: { Type: 'AWS::IAM::Role', ...(at === 'resource' ? { Metadata: metadata } : {}) }, Other: { Type: 'AWS::IAM::Role' } },
  };
}

describe('template acknowledgements (pure)', () => {
  test('any subset of a resource\'s findings acknowledged by finding id, in any written form: exactly the others remain', () => {
    fc.assert(fc.property(
      findingsOfOneResource.chain((findings) => fc.tuple(
        fc.constant(findings),
        fc.subarray(findings),
        fc.array(fc.nat(2), { minLength: findings.length, maxLength: findings.length }),
        fc.constantFrom('resource' as const, 'template' as const),
      )),
      ([findings, chosen, forms, at]) => {
        const others: AcknowledgeableFinding[] = findings.map((f) => ({ ...f, resource: 'Other' }));
        const entries = chosen.map((f, i) => ({ id: written(forms[i], `${f.ruleId}[${f.findingId}]`), reason: `reviewed ${i}` }));
        const read = readAcknowledgements(template(entries, at));
        expect(read.problems).toEqual([]);
        const matched = matchAcknowledgements(read.acknowledgements, [...findings, ...others]);
        expect(matched.problems).toEqual([]);
        const remaining = [...findings, ...others].filter((f) => !matched.acknowledged.has(f));
        // On the resource an entry covers that resource only; in the template's Metadata, every resource with that finding.
        const expected = [...findings.filter((f) => !chosen.includes(f)), ...others.filter((o) => at === 'resource'
          || !chosen.some((c) => c.ruleId === o.ruleId && c.findingId === o.findingId))];
        expect(remaining).toEqual(expected);
        for (const [f, a] of matched.acknowledged) expect(`${f.ruleId}[${f.findingId}]`).toBe(`${a.ruleId}[${/\[(.*)\]$/.exec(a.id)![1]}]`);
      },
    ));
  });

  test('a rule id covers every finding of that rule on the resource and nothing else', () => {
    fc.assert(fc.property(findingsOfOneResource, fc.constantFrom(...RULE_IDS), fc.nat(2), (findings, rule, form) => {
      const read = readAcknowledgements(template([{ id: written(form, rule), reason: 'r' }], 'resource'));
      const matched = matchAcknowledgements(read.acknowledgements, findings);
      expect([...matched.acknowledged.keys()]).toEqual(findings.filter((f) => f.ruleId === rule));
      // Matching nothing is itself the problem, never a silent no-op.
      expect(matched.problems.length).toBe(findings.some((f) => f.ruleId === rule) ? 0 : 1);
    }));
  });

  test('an entry for a rule that was not run is not judged', () => {
    const read = readAcknowledgements(template([{ id: 'XAT10', reason: 'long sessions reviewed' }], 'resource'));
    expect(matchAcknowledgements(read.acknowledgements, [], { rules: ['XAT1', 'XAT3'] }).problems).toEqual([]);
    expect(matchAcknowledgements(read.acknowledgements, []).problems).toEqual([expect.objectContaining({
      resource: 'Vendor',
      message: 'the Metadata of resource Vendor: cross-account-trust.acknowledge[0].id \'XAT10\' matches no finding of resource Vendor; expected the id of '
        + 'one of its findings as the report prints it, but it has none: remove the entry',
    })]);
  });

  test('reading is pure over the parsed template: another value of the Metadata key is left alone, a body that does not parse is skipped', () => {
    const t = {
      Metadata: { 'cfn-lint': { config: { ignore_checks: ['W3005'] } }, 'AWS::CloudFormation::Interface': {} },
      Resources: {
        Deploy: { Type: 'AWS::CloudFormation::StackSet', Properties: { TemplateBody: '{ not json' } },
        Vendor: { Type: 'AWS::IAM::Role', Metadata: 'not a mapping' },
      },
    };
    expect(readAcknowledgements(t)).toEqual({ acknowledgements: [], problems: [] });
  });

  test('a StackSet body is read through the given parser, each branch of an Fn::If TemplateBody too', () => {
    const body = (reason: string) => JSON.stringify({ Metadata: { 'cross-account-trust': { acknowledge: [{ id: 'XAT3', reason }] } }, Resources: {} });
    const read = readAcknowledgements({
      Resources: { Deploy: { Type: 'AWS::CloudFormation::StackSet', Properties: { TemplateBody: { 'Fn::If': ['Prod', body('a'), body('b')] } } } },
    });
    expect(read.problems).toEqual([]);
    expect(read.acknowledgements.map((a) => [a.reason, a.bodyPrefix, a.at, a.path])).toEqual([
      ['a', 'Deploy/', 'Resources.Deploy.Properties.TemplateBody: Metadata.cross-account-trust.acknowledge[0]', ['Resources', 'Deploy', 'Properties', 'TemplateBody']],
      ['b', 'Deploy/', 'Resources.Deploy.Properties.TemplateBody: Metadata.cross-account-trust.acknowledge[0]', ['Resources', 'Deploy', 'Properties', 'TemplateBody']],
    ]);
  });

  test('inside nested StackSet bodies both the printed id and the id relative to the body match', () => {
    const inner = JSON.stringify({ Resources: { Role: { Type: 'AWS::IAM::Role', Metadata: { 'cross-account-trust': { acknowledge: [{ id: 'XAT1[Statement0]', reason: 'relative' }] } } } } });
    const middle = JSON.stringify({
      Metadata: { 'cross-account-trust': { acknowledge: [{ id: 'XAT3[Role.Statement0.Principal0]', reason: 'relative to the middle body' }] } },
      Resources: { Inner: { Type: 'AWS::CloudFormation::StackSet', Properties: { TemplateBody: inner } } },
    });
    const read = readAcknowledgements({ Resources: { Outer: { Type: 'AWS::CloudFormation::StackSet', Properties: { TemplateBody: middle } } } });
    // The engine reports a role of `Outer/Inner/Role` with finding ids prefixed `Inner.Role.`.
    const findings = [
      { ruleId: 'XAT1', resource: 'Outer/Inner/Role', findingId: 'Inner.Role.Statement0' },
      { ruleId: 'XAT3', resource: 'Outer/Inner/Role', findingId: 'Inner.Role.Statement0.Principal0' },
    ];
    const matched = matchAcknowledgements(read.acknowledgements, findings);
    expect(matched.problems).toEqual([]);
    expect(findings.map((f) => matched.acknowledged.get(f)?.reason)).toEqual(['relative', 'relative to the middle body']);
  });
});
