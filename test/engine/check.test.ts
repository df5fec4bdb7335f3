import * as fc from 'fast-check';
import { check, validateOptions } from '../../src/engine';
import { coversAction, normalizePolicy, parseOperator } from '../../src/engine/policy';
import { Resolver } from '../../src/engine/values';

const VENDOR = 'arn:aws:iam::111122223333:role/Vendor';

function roleTemplate(trust: unknown, extra: Record<string, unknown> = {}) {
  return {
    Parameters: { ExternalId: { Type: 'String', NoEcho: true, MinLength: 32, MaxLength: 1224, AllowedPattern: '[\\w+=,.@:/-]*' } },
    Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust, ...extra } } },
  };
}

const statement = (condition?: unknown) => ({
  Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: VENDOR }, ...(condition ? { Condition: condition } : {}),
});

function normalise(doc: unknown) {
  const r = new Resolver({
    parameters: new Map(), resourceTypes: new Map(), mappings: {}, conditionValue: () => undefined, budget: { steps: 10_000 },
  });
  return normalizePolicy(r.resolve(doc));
}

describe('policy normalisation', () => {
  test('operators split into qualifier, base and IfExists, whatever their case', () => {
    expect(parseOperator('ForAnyValue:StringLikeIfExists')).toEqual({ qualifier: 'ForAnyValue', base: 'StringLike', ifExists: true });
    expect(parseOperator('forallvalues:stringequals')).toEqual({ qualifier: 'ForAllValues', base: 'StringEquals', ifExists: false });
    expect(parseOperator('Null')).toEqual({ qualifier: undefined, base: 'Null', ifExists: false });
  });

  test('sts:AssumeRole is covered by wildcards in any case', () => {
    for (const a of ['sts:AssumeRole', 'sts:*', 'STS:assume*', '*', 'sts:Assume?ole']) {
      expect(coversAction(normalise({ Statement: { Effect: 'Allow', Action: a } }).statements[0], 'sts:AssumeRole')).toBe('yes');
    }
    for (const a of ['sts:AssumeRoleWithSAML', 's3:*', 'sts:TagSession']) {
      expect(coversAction(normalise({ Statement: { Effect: 'Allow', Action: [a] } }).statements[0], 'sts:AssumeRole')).toBe('no');
    }
  });

  test('Statement as an object or as a one-item list gives the same findings (property)', () => {
    const operators = fc.constantFrom('StringEquals', 'StringLike', 'StringEqualsIfExists', 'ForAllValues:StringEquals', 'Null');
    const principals = fc.constantFrom(VENDOR, '111122223333', '*', 'arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:user/u');
    fc.assert(fc.property(fc.option(operators, { nil: undefined }), principals, fc.constantFrom('sts:AssumeRole', 'sts:*', ['sts:AssumeRole', 's3:GetObject']), (op, principal, action) => {
      const st = { ...statement(op ? { [op]: { 'sts:ExternalId': { Ref: 'ExternalId' } } } : undefined), Principal: { AWS: principal }, Action: action };
      const asObject = check([{ source: 'a', template: roleTemplate({ Statement: st }) }]);
      const asList = check([{ source: 'a', template: roleTemplate({ Statement: [st] }) }]);
      const strip = (r: typeof asObject) => r.findings.map(({ path, ...f }) => f);
      expect(strip(asObject)).toEqual(strip(asList));
    }), { numRuns: 100 });
  });

  test('findings are stable across runs and their ids hold no "::"', () => {
    const t = roleTemplate({ Statement: [statement(), { ...statement(), Sid: 'arn:aws:iam::1:x', Principal: { AWS: ['*', 'arn:aws:iam::111122223333:root'] } }] });
    const a = check([{ source: 's', template: t }]);
    expect(check([{ source: 's', template: JSON.parse(JSON.stringify(t)) }])).toEqual(a);
    for (const f of a.findings) expect(f.findingId).not.toMatch(/::|arn:/);
  });
});

describe('check never throws', () => {
  test('on arbitrary JSON templates', () => {
    fc.assert(fc.property(fc.jsonValue(), (template) => {
      const r = check([{ source: 'fuzz', template }]);
      expect(Array.isArray(r.findings)).toBe(true);
    }), { numRuns: 300 });
  });

  test('on arbitrary values planted anywhere inside a real template', () => {
    const base = roleTemplate({ Statement: [statement({ StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } })] }, {
      Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/x' }] } }],
      MaxSessionDuration: 3600,
    });
    const paths: Array<Array<string | number>> = [];
    const walk = (n: unknown, p: Array<string | number>) => {
      paths.push(p);
      if (n && typeof n === 'object') for (const [k, v] of Object.entries(n)) walk(v, [...p, Array.isArray(n) ? Number(k) : k]);
    };
    walk(base, []);
    const intrinsic = fc.oneof(
      fc.jsonValue(),
      fc.record({ 'Fn::If': fc.tuple(fc.string(), fc.jsonValue(), fc.jsonValue()) }),
      fc.record({ 'Fn::Sub': fc.string() }),
      fc.record({ Ref: fc.constantFrom('ExternalId', 'AWS::NoValue', 'Role', 'Nope') }),
      fc.record({ 'Fn::Select': fc.tuple(fc.integer(), fc.jsonValue()) }),
      fc.record({ 'Fn::Split': fc.tuple(fc.string(), fc.jsonValue()) }),
      fc.record({ 'Fn::FindInMap': fc.array(fc.jsonValue(), { maxLength: 4 }) }),
    );
    fc.assert(fc.property(fc.constantFrom(...paths), intrinsic, (path, value) => {
      const t = JSON.parse(JSON.stringify(base));
      if (path.length === 0) return;
      let parent = t;
      for (const k of path.slice(0, -1)) parent = parent[k];
      parent[path[path.length - 1]] = value;
      expect(() => check([{ source: 'mut', template: t }])).not.toThrow();
    }), { numRuns: 300 });
  });

  test('template-level problems are errors, and the other templates are still checked', () => {
    const r = check([
      { source: 'list', template: [] },
      { source: 'nores', template: { Resources: 'x' } },
      { source: 'good', template: roleTemplate({ Statement: statement() }) },
    ]);
    expect(r.errors.map((e) => e.source)).toEqual(['list', 'nores']);
    expect(r.errors[1].message).toMatch(/Resources of the template is a string, expected an object/);
    expect(r.findings.some((f) => f.source === 'good' && f.ruleId === 'XAT1')).toBe(true);
  });

  test('a template without Resources has no resources to check, and no error (property: whatever its other sections)', () => {
    const section = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
    const sections = fc.record({ AWSTemplateFormatVersion: fc.constant('2010-09-09'), Parameters: section, Outputs: section, Rules: section }, { requiredKeys: [] });
    fc.assert(fc.property(sections, (template) => {
      const r = check([{ source: 'empty', template }, { source: 'good', template: roleTemplate({ Statement: statement() }) }]);
      expect(r.errors).toEqual([]);
      expect(r.resources).toBe(1);
      expect(r.findings.every((f) => f.source === 'good')).toBe(true);
    }), { numRuns: 100 });
  });

  test('too many conditions on one resource is an error, not a hang', () => {
    const conds = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`C${i}`, { 'Fn::Equals': [{ Ref: 'ExternalId' }, `${i}`] }]));
    let cond: unknown = { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } };
    for (let i = 0; i < 12; i++) cond = { 'Fn::If': [`C${i}`, cond, cond] };
    const t = { ...roleTemplate({ Statement: statement(cond) }), Conditions: conds };
    const r = check([{ source: 't', template: t }]);
    expect(r.errors[0].message).toMatch(/depends on 12 conditions/);
  });

  test('invalid options are reported, not thrown', () => {
    expect(validateOptions({ minExternalIdLength: -1, internalAccounts: ['12'] })).toHaveLength(2);
    expect(check([], { maxSessionDurationSeconds: 0 }).errors[0].message).toMatch(/maxSessionDurationSeconds must be an integer of at least 1, received 0/);
  });
});
