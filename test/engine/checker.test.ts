import * as fc from 'fast-check';
import { CheckResult, TemplateError, TemplateInput, check, createChecker, effectiveOptions, mergedFindings, sortFindings } from '../../src/engine';
import { analyse } from '../../src/engine/analysis';
import { BuiltModel, ExportRegistry, ModelError, addTemplate } from '../../src/engine/template';
import { ALL_RULES } from '../../src/rules';

/**
 * The engine as one batch: every export registered first, one model of every template, every rule over the whole
 * app. `createChecker` analyses one template at a time and keeps no model; its results must be these.
 */
function batchCheck(inputs: readonly TemplateInput[]): CheckResult {
  const model: BuiltModel = { templates: [], resources: [], errors: [], notices: [], resourceCount: 0 };
  const exports = new ExportRegistry();
  for (const input of inputs) exports.add(input.source, input.template);
  const checked = inputs.map((input) => {
    const before = model.resources.length;
    addTemplate(model, input, { parseTemplateBody: (t) => JSON.parse(t), exports });
    return { source: input.source, resources: model.resources.slice(before).map((r) => r.id) };
  });
  const app = analyse(model, effectiveOptions({}));
  const findings = ALL_RULES.flatMap((rule) =>
    mergedFindings(rule, rule.across ? rule.across.compare(rule.across.collect(app)) : rule.check!(app)));
  sortFindings(findings);
  const located = (e: ModelError): TemplateError => ({
    source: e.source, message: e.message, ...(e.resource ? { resource: e.resource } : {}), ...(e.path ? { path: [...e.path] } : {}),
  });
  return { findings, errors: model.errors.map(located), notices: model.notices.map(located), resources: model.resourceCount, checked };
}

function incremental(inputs: readonly TemplateInput[]): CheckResult {
  const checker = createChecker();
  for (const input of inputs) checker.add(input);
  return checker.finish();
}

const NAMES = ['Shared', 'Vendor', 'Loop', 'Missing'];
const LITERALS = ['f3Kq9vXw2LmP8rTz5YbN1cHd6JgA4sEu', 'short-id', 'f3Kq9vXw2LmP8rTz5YbN1cHd6JgA4sEu-2'];

const principal = fc.oneof(
  fc.constantFrom('arn:aws:iam::111122223333:role/Deputy', 'arn:aws:iam::444455556666:role/Other', 'arn:aws:iam::111122223333:root'),
  fc.constantFrom(...NAMES).map((n) => ({ 'Fn::ImportValue': `export-${n}` })),
  fc.constant({ 'Fn::If': ['Flag', 'arn:aws:iam::111122223333:role/Deputy', 'arn:aws:iam::444455556666:role/Other'] }),
);
const externalId = fc.oneof(
  fc.constantFrom(...LITERALS),
  fc.constantFrom('Key', 'PlainKey', 'DefaultKey').map((p) => ({ Ref: p })),
  fc.constantFrom(...NAMES).map((n) => ({ 'Fn::ImportValue': `export-${n}` })),
);
const exported = fc.oneof(
  fc.constant({ 'Fn::GetAtt': ['Role0', 'Arn'] }),
  fc.constantFrom('arn:aws:iam::111122223333:role/Deputy', 'arn:aws:iam::111122223333:root', LITERALS[0]),
  fc.constantFrom(...NAMES).map((n) => ({ 'Fn::ImportValue': `export-${n}` })),
  fc.constant({ Ref: 'Key' }),
);

/** A template of up to three roles (trusting vendors, account roots, imports), exports and now and then a StackSet or a grant. */
const template = fc.record({
  roles: fc.array(fc.record({ principal, externalId, sid: fc.constantFrom('A', 'B') }), { maxLength: 3 }),
  exports: fc.array(fc.tuple(fc.constantFrom(...NAMES), exported), { maxLength: 2 }),
  stackSet: fc.option(fc.constantFrom('Key', 'DefaultKey'), { nil: undefined }),
  grant: fc.option(principal, { nil: undefined }),
}).map(({ roles, exports, stackSet, grant }) => {
  const resources: Record<string, unknown> = {};
  const trust = (p: unknown, id: unknown, sid: string) => ({
    Statement: [{ Sid: sid, Effect: 'Allow', Principal: { AWS: p }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': id } } }],
  });
  roles.forEach((r, i) => {
    resources[`Role${i}`] = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust(r.principal, r.externalId, r.sid) } };
  });
  if (stackSet) {
    resources.Set = {
      Type: 'AWS::CloudFormation::StackSet',
      Properties: {
        TemplateBody: JSON.stringify({
          Parameters: { Key: { Type: 'String', NoEcho: true } },
          Resources: { Inner: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust('arn:aws:iam::111122223333:role/Deputy', { Ref: 'Key' }, 'C') } } },
        }),
        Parameters: [{ ParameterKey: 'Key', ParameterValue: { Ref: stackSet } }],
      },
    };
  }
  if (grant) {
    resources.Grant = {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: grant }] } },
    };
  }
  return {
    Conditions: { Flag: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] } },
    Parameters: {
      Key: { Type: 'String', NoEcho: true, MinLength: 32 },
      PlainKey: { Type: 'String' },
      DefaultKey: { Type: 'String', Default: LITERALS[0] },
    },
    Resources: resources,
    Outputs: Object.fromEntries(exports.map(([name, value], i) => [`Out${i}`, { Value: value, Export: { Name: `export-${name}` } }])),
  };
});

/** Templates (sources sometimes repeated) in an order chosen by fast-check. */
const inputs = fc.array(fc.tuple(fc.constantFrom('a.json', 'b.json', 'c.yaml', 'd.json', 'e.json', 'a.json'), template), { minLength: 1, maxLength: 6 })
  .map((ts) => ts.map(([source, t], i): TemplateInput => ({ source: source === 'a.json' && i > 2 ? source : `${i}-${source}`, template: t })))
  .chain((ts) => fc.shuffledSubarray(ts, { minLength: ts.length, maxLength: ts.length }));

describe('createChecker', () => {
  test('gives what one batch over every template gives, in any order, with imports of later exports, shared ExternalIds and repeated sources (property)', () => {
    fc.assert(fc.property(inputs, (ts) => {
      const expected = batchCheck(ts);
      expect(incremental(ts)).toEqual(expected);
      expect(check(ts)).toEqual(expected);
    }), { numRuns: 300 });
  });

  test('an import of an export added later resolves as in one batch: the role ARN it names is a role of the own account', () => {
    const importer: TemplateInput = {
      source: 'importer.json',
      template: {
        Resources: {
          Grant: {
            Type: 'AWS::IAM::ManagedPolicy',
            Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: { 'Fn::ImportValue': 'deputy-arn' } }] } },
          },
        },
      },
    };
    const exporter: TemplateInput = {
      source: 'exporter.json',
      template: {
        Resources: { Deputy: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } } },
        Outputs: { Arn: { Value: { 'Fn::GetAtt': ['Deputy', 'Arn'] }, Export: { Name: 'deputy-arn' } } },
      },
    };
    const alone = check([importer]);
    expect(alone.findings.map((f) => f.ruleId)).toEqual(['XAT8']);
    expect(alone.findings[0].message).toMatch(/Fn::ImportValue deputy-arn, which no template of this check exports/);
    expect(incremental([importer, exporter])).toEqual(batchCheck([importer, exporter]));
    expect(incremental([importer, exporter]).findings).toEqual([]);
  });

  test('XAT7 compares templates added one at a time', () => {
    const role = (id: string) => ({
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/Deputy' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': id } } }],
            },
          },
        },
      },
    });
    const checker = createChecker();
    checker.add({ source: 'one.json', template: role(LITERALS[0]) });
    checker.add({ source: 'two.json', template: role(LITERALS[0]) });
    checker.add({ source: 'three.json', template: role(LITERALS[2]) });
    const xat7 = checker.finish().findings.filter((f) => f.ruleId === 'XAT7');
    expect(xat7.map((f) => [f.source, f.message.match(/also protects the role (\S+)/)?.[1]])).toEqual([['one.json', 'two.json:'], ['two.json', 'one.json:']]);
  });

  test('rejects bad options in finish() and calls after finish()', () => {
    const checker = createChecker({ minExternalIdLength: 1 });
    checker.add({ source: 'a.json', template: {} });
    expect(checker.finish().errors).toEqual([{ source: '(options)', message: 'minExternalIdLength must be an integer of at least 2, received 1' }]);
    expect(() => checker.add({ source: 'b.json', template: {} })).toThrow(/add\(\) was called after finish\(\)/);
    expect(() => checker.finish()).toThrow(/finish\(\) was called twice/);
  });
});

describe('rule selection (rules option)', () => {
  const ids = ALL_RULES.map((r) => r.id);

  test('runs exactly the selected rules: their findings are those of a run of every rule, the others are absent (property)', () => {
    fc.assert(fc.property(inputs, fc.subarray(ids), (ts, selected) => {
      const all = check(ts);
      const some = check(ts, { rules: selected });
      expect(some.findings).toEqual(all.findings.filter((f) => selected.includes(f.ruleId)));
      expect(some.errors).toEqual(all.errors);
      expect(some.resources).toBe(all.resources);
    }), { numRuns: 150 });
  });

  test('a deselected rule is not run, so its failure is not reported; a selected one that fails is', () => {
    const xat2 = ALL_RULES.find((r) => r.id === 'XAT2')!;
    const spy = jest.spyOn(xat2, 'check').mockImplementation(() => {
      throw new Error('boom');
    });
    try {
      const input = { source: 't.json', template: { Resources: { R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } } } } };
      expect(check([input], { rules: ids.filter((id) => id !== 'XAT2') }).errors).toEqual([]);
      expect(spy).not.toHaveBeenCalled();
      expect(check([input], { rules: ['XAT2'] }).errors).toEqual([{ source: '(rules)', message: 'rule XAT2 failed: boom' }]);
    } finally {
      spy.mockRestore();
    }
  });

  test('the cross-input rule XAT7 is not collected nor compared when deselected', () => {
    const xat7 = ALL_RULES.find((r) => r.id === 'XAT7')!;
    const collect = jest.spyOn(xat7.across!, 'collect');
    const compare = jest.spyOn(xat7.across!, 'compare');
    try {
      const checker = createChecker({ rules: ['XAT3'] });
      checker.add({ source: 'one.json', template: {} });
      checker.finish();
      expect(collect).not.toHaveBeenCalled();
      expect(compare).not.toHaveBeenCalled();
    } finally {
      collect.mockRestore();
      compare.mockRestore();
    }
  });

  test('an unknown rule id is an option error naming it and the known ids', () => {
    expect(check([], { rules: ['XAT3', 'XAT99'] }).errors).toEqual([{
      source: '(options)',
      message: `rules must hold rule ids (${ids.join(', ')}), received "XAT99"`,
    }]);
  });
});
