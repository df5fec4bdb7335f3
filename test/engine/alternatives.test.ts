/**
 * Principals with several possible values in one template: the branches of an Fn::If (variants of the resource)
 * and the entries of an Fn::FindInMap with a deploy-time key (alternatives of one value). Shapes taken from
 * vendor onboarding templates.
 */
import { check } from '../../src/engine';

const EXTERNAL_ID = { Type: 'String', NoEcho: true, MinLength: 32, MaxLength: 1224, AllowedPattern: '[\\w+=,.@:/-]*' };

function roleTrusting(principalAws: unknown, condition: unknown = { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } }) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: principalAws }, Condition: condition }],
      },
    },
  };
}

function findings(template: unknown, ruleId?: string) {
  const result = check([{ source: 'vendor.yaml', template }]);
  expect(result.errors).toEqual([]);
  return result.findings.filter((f) => ruleId === undefined || f.ruleId === ruleId);
}

const govTemplate = {
  Parameters: { Gov: { Type: 'String' }, ExternalId: EXTERNAL_ID },
  Conditions: { IsGov: { 'Fn::Equals': [{ Ref: 'Gov' }, 'yes'] } },
  Resources: {
    R: roleTrusting({ 'Fn::If': ['IsGov', 'arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:root'] }),
  },
};

describe('a principal under Fn::If', () => {
  test('the finding names the principal of every branch, each with the condition under which it holds', () => {
    const f = findings(govTemplate, 'XAT3');
    expect(f).toHaveLength(1);
    expect(f[0].findingId).toBe('Statement0.Principal0');
    expect(f[0].message).toMatch(/222222222222:root[^]*This holds when condition IsGov is false/);
    expect(f[0].message).toMatch(/111111111111:root[^]*This holds when condition IsGov is true/);
    // Each account is qualified by its own branch, not by the other one.
    const [first, second] = f[0].message.split(/(?<=gets the unsafe branch\.) /);
    expect(first).toContain('222222222222');
    expect(first).not.toContain('111111111111');
    expect(second).toContain('111111111111');
    expect(second).toMatch(/IsGov is true/);
  });

  test('a message that holds in every branch is not qualified, and is not repeated', () => {
    const t = { ...govTemplate, Resources: { R: roleTrusting({ 'Fn::If': ['IsGov', 'arn:aws:iam::111111111111:root', 'arn:aws:iam::111111111111:root'] }) } };
    const [f] = findings(t, 'XAT3');
    expect(f.message).not.toContain('This holds');
    expect(f.message.match(/111111111111:root,/g)).toHaveLength(1);
  });

  test('a finding that holds when either of two conditions is false says so', () => {
    const t = {
      Parameters: { A: { Type: 'String' }, B: { Type: 'String' }, ExternalId: EXTERNAL_ID },
      Conditions: { CondA: { 'Fn::Equals': [{ Ref: 'A' }, 'y'] }, CondB: { 'Fn::Equals': [{ Ref: 'B' }, 'y'] } },
      Resources: {
        R: roleTrusting({
          'Fn::If': ['CondA', { 'Fn::If': ['CondB', 'arn:aws:iam::111111111111:role/Deputy', 'arn:aws:iam::111111111111:root'] }, 'arn:aws:iam::111111111111:root'],
        }),
      },
    };
    const [f] = findings(t, 'XAT3');
    expect(f.message).toContain('This holds when condition CondA is false, or when condition CondB is false:');
  });
});

describe('Fn::FindInMap with a key from a parameter', () => {
  const site = (mapping: Record<string, Record<string, string>>, principal: unknown) => ({
    Parameters: { Site: { Type: 'String' }, ExternalId: EXTERNAL_ID },
    Mappings: { AccountBySite: mapping },
    Resources: { R: roleTrusting(principal) },
  });
  const accountOfSite = { 'Fn::FindInMap': ['AccountBySite', { Ref: 'Site' }, 'Account'] };

  test('entries with the same value are one principal, reported once', () => {
    const t = site({ us: { Account: '111111111111' }, eu: { Account: '111111111111' } }, { 'Fn::Sub': ['arn:aws:iam::${A}:root', { A: accountOfSite }] });
    const f = findings(t, 'XAT3');
    expect(f.map((x) => x.findingId)).toEqual(['Statement0.Principal0']);
  });

  test('entries with different values are each reported', () => {
    const t = site({ us: { Account: '111111111111' }, eu: { Account: '222222222222' } }, { 'Fn::Sub': ['arn:aws:iam::${A}:root', { A: accountOfSite }] });
    const f = findings(t, 'XAT3');
    expect(f.map((x) => x.findingId)).toEqual(['Statement0.Principal0', 'Statement0.Principal1']);
    expect(f.map((x) => /(\d{12}):root/.exec(x.message)![1])).toEqual(['111111111111', '222222222222']);
  });

  test('lookups of one entry in one Fn::Sub stay paired: the account and the role name of the same site', () => {
    // Ten sites: combined independently, 10 accounts x 10 suffixes would exceed the bound of alternatives.
    const mapping = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`site${i}`, { Account: `10000000000${i}`, Suffix: `s${i}` }]));
    const t = site(mapping, {
      'Fn::Sub': ['arn:aws:iam::${A}:role/ingestion-${S}', {
        A: accountOfSite,
        S: { 'Fn::FindInMap': ['AccountBySite', { Ref: 'Site' }, 'Suffix'] },
      }],
    });
    const all = findings(t);
    // Every alternative is an exact role ARN: nothing to report, and one ExternalId per deployed principal.
    expect(all).toEqual([]);
    const unsafe = { ...t, Resources: { R: roleTrusting({ 'Fn::Sub': ['arn:aws:iam::${A}:user/ingestion-${S}', { A: accountOfSite, S: { 'Fn::FindInMap': ['AccountBySite', { Ref: 'Site' }, 'Suffix'] } }] }) } };
    const users = findings(unsafe, 'XAT3');
    expect(users).toHaveLength(10);
    expect(users.map((f) => /iam::(\d{12}):user\/ingestion-(s\d)/.exec(f.message)!.slice(1).join(' '))).toEqual(
      Array.from({ length: 10 }, (_, i) => `10000000000${i} s${i}`));
  });

  test('a key shared by two maps takes only the values both maps hold', () => {
    const t = {
      Parameters: { Site: { Type: 'String' }, ExternalId: EXTERNAL_ID },
      Mappings: {
        Accounts: { us: { Id: '111111111111' }, eu: { Id: '222222222222' }, gov: { Id: '333333333333' } },
        Names: { us: { Role: 'user/us' }, eu: { Role: 'user/eu' } },
      },
      Resources: {
        R: roleTrusting({ 'Fn::Join': ['', ['arn:aws:iam::', { 'Fn::FindInMap': ['Accounts', { Ref: 'Site' }, 'Id'] }, ':', { 'Fn::FindInMap': ['Names', { Ref: 'Site' }, 'Role'] }]] }),
      },
    };
    const texts = findings(t, 'XAT3').map((f) => /arn:aws:iam::[^,\s]+/.exec(f.message)![0]);
    expect(texts).toEqual(['arn:aws:iam::111111111111:user/us', 'arn:aws:iam::222222222222:user/eu']);
  });
});
