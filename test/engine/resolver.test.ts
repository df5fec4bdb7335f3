import * as fc from 'fast-check';
import { INTRINSIC_FUNCTIONS, ParamInfo, Resolver, ResolveScope, RValue, displaySym } from '../../src/engine/values';
import { SHORT_FORMS } from '../../src/template/tags';

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
    expect(strings(r.resolve({ 'Fn::ImportValue': 'Shared' }))).toEqual(['${?Fn::ImportValue Shared, which no template of this check exports}']);
    expect(r.resolve({ 'Fn::Bogus': 1 })).toEqual({ t: 'unknown', reason: 'Fn::Bogus is not evaluated' });
  });

  test('Fn::Base64 is computed for literals and derived from a symbolic input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (text) => {
      expect(strings(r.resolve({ 'Fn::Base64': text }))).toEqual([Buffer.from(text, 'utf8').toString('base64')]);
    }), { numRuns: 50 });
    expect(strings(r.resolve({ 'Fn::Base64': { 'Fn::Sub': 'k-${Account}' } }))).toEqual(['${Fn::Base64(k-${Account})}']);
  });

  test('Fn::ToJsonString, Fn::Length, Fn::Cidr and Fn::GetAZs', () => {
    expect(strings(r.resolve({ 'Fn::ToJsonString': { a: ['b', 1, true] } }))).toEqual(['{"a":["b",1,true]}']);
    expect(strings(r.resolve({ 'Fn::ToJsonString': { a: { Ref: 'Account' } } }))).toEqual(['${Fn::ToJsonString(a, ${Account})}']);
    expect(r.resolve({ 'Fn::Length': ['a', 'b', { Ref: 'Account' }] })).toEqual({ t: 'num', v: 3 });
    expect(strings(r.resolve({ 'Fn::Length': { Ref: 'List' } }))).toEqual(['${Fn::Length(${List})}']);
    expect(r.resolve({ 'Fn::Cidr': ['10.0.0.0/16', 4, 8] })).toMatchObject({ t: 'list', open: true });
    expect(strings(r.resolve({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }))).toEqual(['${Fn::GetAZs(${AWS::Region})}']);
  });

  test('Fn::Select with an index decided at deploy time gives every item', () => {
    expect(strings(r.resolve({ 'Fn::Select': [{ Ref: 'Account' }, ['a', { Ref: 'Account' }]] }))).toEqual(['a', '${Account}']);
  });

  test('every function RULES.md lists as evaluated is evaluated, and every short form the parser reads is listed or a condition function', () => {
    const listed = INTRINSIC_FUNCTIONS.map((f) => f.fn);
    const conditionAndRuleFunctions = ['Condition', 'Fn::Equals', 'Fn::Not', 'Fn::And', 'Fn::Or', 'Fn::Contains', 'Fn::EachMemberEquals',
      'Fn::EachMemberIn', 'Fn::RefAll', 'Fn::ValueOf', 'Fn::ValueOfAll'];
    const notEvaluated = ['Fn::Transform'];
    for (const longForm of Object.values(SHORT_FORMS)) {
      expect([...listed, ...conditionAndRuleFunctions, ...notEvaluated]).toContain(longForm);
    }
    for (const fn of listed.filter((f) => f.startsWith('Fn::'))) {
      expect(JSON.stringify(r.resolve({ [fn]: ['a', 'b'] }))).not.toContain('is not evaluated');
    }
    expect(r.resolve({ 'Fn::Transform': { Name: 'M' } })).toEqual({ t: 'unknown', reason: 'Fn::Transform is not evaluated' });
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
    const cyclicKey: any = { Ref: 'Account' };
    cyclicKey.loop = [cyclicKey, cyclicKey];
    const lookup = { 'Fn::FindInMap': ['Accounts', cyclicKey, 'id'] };
    expect(() => new Resolver(scope()).resolve({ 'Fn::Sub': ['${A}${B}', { A: lookup, B: lookup }] })).not.toThrow();
    let bomb: unknown = ['a'];
    for (let i = 0; i < 40; i++) bomb = [bomb, bomb];
    expect(() => new Resolver(scope()).resolve(bomb)).not.toThrow();
  });

  test('the alternatives of Fn::Join are every distinct combination of independent lookups (property)', () => {
    const choicesArb = fc.array(fc.array(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(choicesArb, (choices) => {
      const mappings = { M: Object.fromEntries(choices.map((c, i) => [`k${i}`, Object.fromEntries(c.map((v, j) => [`v${j}`, v]))])) };
      const rr = new Resolver(scope({ P0: {}, P1: {}, P2: {} }, mappings));
      const items = choices.map((_, i) => ({ 'Fn::FindInMap': ['M', `k${i}`, { Ref: `P${i}` }] }));
      const got = strings(rr.resolve({ 'Fn::Join': ['|', items] })).sort();
      const expected = choices.reduce<string[]>((acc, c) => acc.flatMap((a) => c.map((v) => (a === undefined ? v : `${a}|${v}`))), [undefined as any]);
      expect(got).toEqual([...new Set(expected)].sort());
    }), { numRuns: 100 });
  });

  test('lookups with the same key expression take the same key: only the combinations of one entry (property)', () => {
    const entriesArb = fc.array(fc.array(fc.string({ maxLength: 3 }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 12 });
    fc.assert(fc.property(entriesArb, fc.integer({ min: 2, max: 3 }), (entries, used) => {
      const mappings = { M: Object.fromEntries(entries.map((e, i) => [`k${i}`, { a: e[0], b: e[1], c: e[2] }])) };
      const rr = new Resolver(scope({ Site: {} }, mappings));
      const lookups = ['a', 'b', 'c'].slice(0, used).map((col) => ({ 'Fn::FindInMap': ['M', { Ref: 'Site' }, col] }));
      const got = strings(rr.resolve({ 'Fn::Join': ['|', lookups] })).sort();
      expect(got).toEqual([...new Set(entries.map((e) => e.slice(0, used).join('|')))].sort());
    }), { numRuns: 100 });
  });

  test('paired lookups inside the Fn::If branches the assignment takes, and lookups with a DefaultValue', () => {
    const rr = new Resolver(scope({ Site: {}, CustomAccount: {}, CustomSuffix: {} }, {
      Env: { us: { Account: '111111111111', Suffix: 'us1' }, eu: { Account: '222222222222', Suffix: 'eu1' } },
      Extra: { us: { Suffix: 'x' } },
    }));
    const lookup = (map: string, column: string, extra: unknown[] = []) => ({ 'Fn::FindInMap': [map, { Ref: 'Site' }, column, ...extra] });
    const sub = (cond: string) => ({
      'Fn::Sub': ['${A}/${S}', {
        A: { 'Fn::If': [cond, { Ref: 'CustomAccount' }, lookup('Env', 'Account')] },
        S: { 'Fn::If': [cond, { Ref: 'CustomSuffix' }, lookup('Env', 'Suffix')] },
      }],
    });
    expect(strings(rr.resolve(sub('No'))).sort()).toEqual(['111111111111/us1', '222222222222/eu1']);
    expect(strings(rr.resolve(sub('Yes')))).toEqual(['${CustomAccount}/${CustomSuffix}']);
    // Without a DefaultValue, Extra restricts Site to "us"; with one, eu falls back to the default.
    expect(strings(rr.resolve({ 'Fn::Join': ['/', [lookup('Env', 'Account'), lookup('Extra', 'Suffix')]] }))).toEqual(['111111111111/x']);
    expect(strings(rr.resolve({ 'Fn::Join': ['/', [lookup('Env', 'Account'), lookup('Extra', 'Suffix', [{ DefaultValue: 'd' }])]] })).sort())
      .toEqual(['111111111111/x', '222222222222/d']);
    const both = [lookup('Env', 'Account', [{ DefaultValue: '000000000000' }]), lookup('Extra', 'Suffix', [{ DefaultValue: 'd' }])];
    expect(strings(rr.resolve({ 'Fn::Join': ['/', both] })).sort()).toEqual(['111111111111/x', '222222222222/d']);
  });
});
