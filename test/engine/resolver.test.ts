import * as fc from 'fast-check';
import { ParamInfo, Resolver, ResolveScope, RValue, displaySym } from '../../src/engine/values';

function scope(params: Record<string, Partial<ParamInfo>> = {}, mappings: unknown = {}): ResolveScope {
  return {
    parameters: new Map(Object.entries(params).map(([name, p]) => [name, { name, type: 'String', noEcho: false, isList: false, ...p }])),
    resourceTypes: new Map([['Gen', 'Custom::Gen'], ['Role', 'AWS::IAM::Role']]),
    mappings,
    conditionValue: (name) => (name === 'Yes' ? true : name === 'No' ? false : undefined),
    budget: { steps: 100_000 },
  };
}

function strings(v: RValue): string[] {
  if (v.t !== 'str') throw new Error(`expected a string, got ${JSON.stringify(v)}`);
  return v.alts.map(displaySym);
}

describe('intrinsic resolution', () => {
  const r = new Resolver(scope({ Account: {}, List: { type: 'CommaDelimitedList', isList: true } }, {
    Accounts: { prod: { id: '111122223333' }, dev: { id: '444455556666' } },
  }));

  test('Fn::Sub in both forms, with pseudo parameters, attributes and ${!Literal}', () => {
    expect(strings(r.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${Account}:role/${Role.Arn}-${!Keep}' })))
      .toEqual(['arn:${AWS::Partition}:iam::${Account}:role/${Role.Arn}-${Keep}']);
    expect(strings(r.resolve({ 'Fn::Sub': ['x-${V}', { V: { Ref: 'AWS::AccountId' } }] }))).toEqual(['x-${AWS::AccountId}']);
  });

  test('Fn::Join, Fn::Select over Fn::Split of a literal', () => {
    expect(strings(r.resolve({ 'Fn::Join': [':', ['a', { Ref: 'Account' }, 'c']] }))).toEqual(['a:${Account}:c']);
    expect(strings(r.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }))).toEqual(['b']);
  });

  test('Fn::Select over Fn::Split of AWS::StackId keeps the pseudo parameter', () => {
    expect(strings(r.resolve({ 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }))).toEqual(['${AWS::StackId}']);
  });

  test('Fn::FindInMap with literal keys, and all values with a computed key', () => {
    expect(strings(r.resolve({ 'Fn::FindInMap': ['Accounts', 'prod', 'id'] }))).toEqual(['111122223333']);
    expect(strings(r.resolve({ 'Fn::FindInMap': ['Accounts', { Ref: 'Account' }, 'id'] })).sort()).toEqual(['111122223333', '444455556666']);
  });

  test('Fn::If follows the assignment; Ref AWS::NoValue drops the entry', () => {
    expect(r.resolve({ a: { 'Fn::If': ['No', 1, { Ref: 'AWS::NoValue' }] }, b: { 'Fn::If': ['Yes', 'x', 'y'] } }))
      .toEqual({ t: 'obj', entries: [['b', { t: 'str', alts: [{ parts: [{ kind: 'lit', text: 'x' }] }] }]] });
    expect(r.resolve({ 'Fn::If': ['Maybe', 1, 2] }).t).toBe('unknown');
  });

  test('Fn::ImportValue and unknown intrinsics resolve to unknowns that say why', () => {
    expect(strings(r.resolve({ 'Fn::ImportValue': 'Shared' }))).toEqual(['${?Fn::ImportValue Shared}']);
    expect(r.resolve({ 'Fn::Bogus': 1 })).toEqual({ t: 'unknown', reason: 'Fn::Bogus is not evaluated' });
  });

  test('a list parameter is an open list', () => {
    expect(r.resolve({ Ref: 'List' })).toMatchObject({ t: 'list', open: true });
  });

  test('deep nesting and shared sub-trees are bounded, not a hang or a crash', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 5000; i++) deep = { 'Fn::Join': ['', [deep]] };
    expect(r.resolve(deep).t).toBe('str');
    const cyclic: any = { a: 1 };
    cyclic.self = cyclic;
    expect(() => new Resolver(scope()).resolve(cyclic)).not.toThrow();
    let bomb: unknown = ['a'];
    for (let i = 0; i < 40; i++) bomb = [bomb, bomb];
    expect(() => new Resolver(scope()).resolve(bomb)).not.toThrow();
  });

  test('the alternatives of Fn::Join are every combination (property)', () => {
    const choicesArb = fc.array(fc.array(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(choicesArb, (choices) => {
      const mappings = { M: Object.fromEntries(choices.map((c, i) => [`k${i}`, Object.fromEntries(c.map((v, j) => [`v${j}`, v]))])) };
      const rr = new Resolver(scope({ P: {} }, mappings));
      const items = choices.map((_, i) => ({ 'Fn::FindInMap': ['M', `k${i}`, { Ref: 'P' }] }));
      const got = strings(rr.resolve({ 'Fn::Join': ['|', items] })).sort();
      const expected = choices.reduce<string[]>((acc, c) => acc.flatMap((a) => c.map((v) => (a === undefined ? v : `${a}|${v}`))), [undefined as any]).sort();
      expect(got).toEqual(expected);
    }), { numRuns: 100 });
  });
});
