import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { VENDOR_ROLE, checkOne, goodExternalIdParameter, ofRule, run } from './fixtures';

function roleWithCondition(condition: Record<string, unknown>) {
  return (s: Stack) => {
    const p = goodExternalIdParameter(s);
    const resolved = JSON.parse(JSON.stringify(condition).replace(/"<P>"/g, JSON.stringify({ Ref: p.logicalId })));
    new iam.CfnRole(s, 'Role', {
      assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'Vendor', Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: VENDOR_ROLE }, Condition: resolved }] },
    });
  };
}

describe('XAT2: bypassable operator on sts:ExternalId', () => {
  test.each([
    ['ForAllValues:StringEquals', /no ExternalId at all/],
    ['ForAnyValue:StringLike', /as a set/],
    ['StringLike', /as soon as it holds a wildcard/],
    ['StringEqualsIfExists', /without an ExternalId/],
    ['StringNotEquals', /every value except/],
    ['StringEqualsIgnoreCase', /ignores case/],
  ])('%s', (operator, why) => {
    const result = checkOne(roleWithCondition({ [operator]: { 'sts:ExternalId': '<P>' } }));
    const f = ofRule(result, 'XAT2');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ resource: 'Role', findingId: 'Sid-Vendor' });
    expect(f[0].message).toContain(operator);
    expect(f[0].message).toMatch(why);
    expect(f[0].message).toContain('Write "Condition": {"StringEquals": {"sts:ExternalId": "<value>"}} instead');
    expect(ofRule(result, 'XAT1')).toEqual([]);
  });

  test('Null alone is weak, Null beside a plain StringEquals is harmless', () => {
    const alone = checkOne(roleWithCondition({ Null: { 'sts:ExternalId': 'false' } }));
    expect(ofRule(alone, 'XAT2')[0].message).toMatch(/Null only checks whether an ExternalId is present/);
    const both = checkOne(roleWithCondition({ Null: { 'sts:ExternalId': 'false' }, StringEquals: { 'sts:ExternalId': '<P>' } }));
    expect(both.findings).toEqual([]);
  });

  test('beside "Null": "false", a StringEquals that compares only a present ExternalId enforces it', () => {
    for (const operator of ['StringEqualsIfExists', 'ForAllValues:StringEquals', 'ForAllValues:StringEqualsIfExists']) {
      const alone = checkOne(roleWithCondition({ [operator]: { 'sts:ExternalId': '<P>' } }));
      expect(ofRule(alone, 'XAT2')).toHaveLength(1);
      expect(checkOne(roleWithCondition({ [operator]: { 'sts:ExternalId': '<P>' }, Null: { 'sts:ExternalId': 'false' } })).findings).toEqual([]);
    }
    // Null "true" asks for no ExternalId; ForAnyValue stays a set operator on a single-valued key, whatever is beside it.
    expect(ofRule(checkOne(roleWithCondition({ StringEqualsIfExists: { 'sts:ExternalId': '<P>' }, Null: { 'sts:ExternalId': 'true' } })), 'XAT2')).toHaveLength(1);
    expect(ofRule(checkOne(roleWithCondition({ 'ForAnyValue:StringEquals': { 'sts:ExternalId': '<P>' }, 'Null': { 'sts:ExternalId': 'false' } })), 'XAT2')).toHaveLength(1);
  });

  test('an L2 PolicyStatement with StringLike on the trust policy', () => {
    const result = checkOne((s) => {
      const p = goodExternalIdParameter(s);
      new iam.Role(s, 'Role', {
        assumedBy: new iam.ArnPrincipal(VENDOR_ROLE).withConditions({ StringLike: { 'sts:ExternalId': p.valueAsString } }),
      });
    });
    expect(ofRule(result, 'XAT2')).toHaveLength(1);
  });

  test('condition keys and operators match whatever their case', () => {
    const caseOf = fc.array(fc.boolean(), { minLength: 14, maxLength: 14 });
    fc.assert(fc.property(caseOf, fc.boolean(), (flags, weak) => {
      const key = [...'sts:externalid'].map((c, i) => (flags[i] ? c.toUpperCase() : c)).join('');
      const result = checkOne(roleWithCondition({ [weak ? 'StringLike' : 'StringEquals']: { [key]: '<P>' } }));
      expect(ofRule(result, 'XAT2')).toHaveLength(weak ? 1 : 0);
      expect(ofRule(result, 'XAT1')).toHaveLength(0);
    }), { numRuns: 40 });
  });
});

describe('XAT2 is about the operator only', () => {
  const role = (condition: unknown) => ({
    Parameters: {
      Org: { Type: 'String' },
      ExternalId: { Type: 'String', NoEcho: true, MinLength: 32, MaxLength: 1224, AllowedPattern: '[\\w+=,.@:/-]*' },
    },
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::111111111111:role/Deputy' }, Condition: condition }],
          },
        },
      },
    },
  });

  test('a plain StringEquals on a value that cannot be resolved is XAT6\'s, not XAT2\'s', () => {
    const result = run([role({ StringEquals: { 'sts:ExternalId': { 'Fn::Transform': { Name: 'Macro' } } } })]);
    expect(ofRule(result, 'XAT2')).toEqual([]);
    expect(ofRule(result, 'XAT1')).toEqual([]);
    const [f] = ofRule(result, 'XAT6');
    expect(f.message).toMatch(/could not be resolved \(Fn::Transform is not evaluated\)/);
  });

  test('beside such a StringEquals, a weak operator is named alone', () => {
    const result = run([role({ StringEquals: { 'sts:ExternalId': { 'Fn::Transform': { Name: 'Macro' } } }, StringLike: { 'sts:ExternalId': { Ref: 'ExternalId' } } })]);
    const [f] = ofRule(result, 'XAT2');
    expect(f.message).toContain('checks sts:ExternalId only with StringLike: StringLike reads its value as a pattern, which accepts more than one value as soon as it holds a wildcard (* or ?).');
    expect(f.message).not.toMatch(/only with StringEquals/);
  });

  test('an operator that is not known is reported', () => {
    const [f] = ofRule(run([role({ StringEqualz: { 'sts:ExternalId': { Ref: 'ExternalId' } } })]), 'XAT2');
    expect(f.message).toContain('StringEqualz is not an exact string comparison');
  });
});

describe('XAT2: a wildcard pattern is not an ExternalId', () => {
  const withCondition = (condition: unknown) => run([{
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [{ Sid: 'Vendor', Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: VENDOR_ROLE }, Condition: condition }],
          },
        },
      },
    },
  }]);

  test('StringLike "*" is XAT2 alone, saying it matches every ExternalId', () => {
    const result = withCondition({ StringLike: { 'sts:ExternalId': '*' } });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['XAT2']);
    expect(result.findings[0].message).toContain('StringLike "*" matches every ExternalId, so any request passes');
    expect(result.findings[0].message).not.toMatch(/literal|bits/);
  });

  test('a negated operator lists values a request must not carry: XAT2 alone', () => {
    const result = withCondition({ StringNotEquals: { 'sts:ExternalId': 'not-this-one' } });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['XAT2']);
  });

  test('property: a StringLike value with a wildcard is one XAT2 finding, quoting the pattern, and no XAT6', () => {
    const piece = fc.stringMatching(/^[\w+=,.@:/-]{0,12}$/);
    fc.assert(fc.property(piece, fc.constantFrom('*', '?', '**'), piece, (before, wildcard, after) => {
      const pattern = `${before}${wildcard}${after}`;
      const result = withCondition({ StringLike: { 'sts:ExternalId': pattern } });
      expect(result.findings.map((f) => f.ruleId)).toEqual(['XAT2']);
      expect(result.findings[0].message).toMatch(/"\*" matches every ExternalId|accepts any value matching/);
    }), { numRuns: 60 });
  });

  test('property: a StringLike literal without a wildcard is a literal ExternalId (XAT6) under a weak operator (XAT2)', () => {
    fc.assert(fc.property(fc.stringMatching(/^[\w+=,.@:/-]{2,40}$/), (value) => {
      const result = withCondition({ StringLike: { 'sts:ExternalId': value } });
      expect(result.findings.map((f) => f.ruleId)).toEqual(['XAT2', 'XAT6']);
      expect(ofRule(result, 'XAT6')[0].message).toContain(`a literal of ${value.length} characters`);
    }), { numRuns: 40 });
  });
});
