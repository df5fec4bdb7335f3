import { CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { OWN_ACCOUNT, VENDOR_ACCOUNT, VENDOR_ROLE, checkOne, goodExternalIdParameter, goodRole, ofRule, synth, run, logicalIds } from './fixtures';
import { parseTemplate } from '../../src/template/parse';

function trusting(principal: unknown, extraCondition: Record<string, unknown> = {}) {
  return (s: Stack) => {
    const p = goodExternalIdParameter(s);
    new iam.CfnRole(s, 'Role', {
      assumeRolePolicyDocument: {
        Statement: [{
          Sid: 'Vendor',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: principal },
          Condition: { StringEquals: { 'sts:ExternalId': p.valueAsString }, ...extraCondition },
        }],
      },
    });
  };
}

describe('XAT3: trusted principal is not exactly one role', () => {
  test.each([
    ['account root', `arn:aws:iam::${VENDOR_ACCOUNT}:root`, /account root .*whole account/],
    ['bare account id', VENDOR_ACCOUNT, /bare account id 111122223333/],
    ['bare account id as a YAML integer', 11122223333, /bare account id 011122223333/],
    ['*', '*', /every AWS principal/],
    ['IAM user', `arn:aws:iam::${VENDOR_ACCOUNT}:user/deployer`, /IAM user .*access keys/],
    ['role wildcard', `arn:aws:iam::${VENDOR_ACCOUNT}:role/*`, /every role matching/],
  ])('%s', (_name, principal, why) => {
    const result = checkOne(trusting(principal));
    const f = ofRule(result, 'XAT3');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ resource: 'Role', findingId: 'Sid-Vendor.Principal0' });
    expect(f[0].findingId).not.toContain('::');
    expect(f[0].message).toMatch(why);
    expect(f[0].message).toContain('"Principal": {"AWS": "arn:aws:iam::');
    expect(f[0].message).toContain('"ArnEquals": {"aws:PrincipalArn"');
  });

  test('L2 AccountPrincipal with externalIds is an account root', () => {
    const t = synth((s) => new iam.Role(s, 'Role', { assumedBy: new iam.AccountPrincipal(VENDOR_ACCOUNT), externalIds: [goodExternalIdParameter(s).valueAsString] }));
    const f = ofRule(run([t]), 'XAT3');
    expect(f.map((x) => x.resource)).toEqual(logicalIds(t, 'AWS::IAM::Role'));
    expect(f[0].message).toContain('role/<name>');
  });

  test('aws:PrincipalArn narrowing to one role with ArnEquals is compliant', () => {
    const result = checkOne(trusting(`arn:aws:iam::${VENDOR_ACCOUNT}:root`, { ArnEquals: { 'aws:PrincipalArn': VENDOR_ROLE } }));
    expect(result.findings).toEqual([]);
  });

  test('aws:PrincipalArn with ArnLike and a wildcard does not narrow', () => {
    const result = checkOne(trusting(`arn:aws:iam::${VENDOR_ACCOUNT}:root`, { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${VENDOR_ACCOUNT}:role/*` } }));
    expect(ofRule(result, 'XAT3')).toHaveLength(1);
  });

  test('a principal that an exact aws:PrincipalArn condition excludes is not trusted by the statement', () => {
    // The vendor account's root narrowed to a role of another account admits nobody; "*" narrowed to a role of the own
    // account admits only that role: neither is cross-account trust, so neither needs an ExternalId.
    const noExternalId = (principal: string, arn: string) => checkOne((s) => new iam.CfnRole(s, 'Role', {
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: principal }, Condition: { ArnEquals: { 'aws:PrincipalArn': arn } } }] },
    }));
    expect(noExternalId(`arn:aws:iam::${VENDOR_ACCOUNT}:root`, 'arn:aws:iam::999988887777:role/Other').findings).toEqual([]);
    expect(noExternalId('*', `arn:aws:iam::${OWN_ACCOUNT}:role/Admin`).findings).toEqual([]);
    const admitted = noExternalId('*', VENDOR_ROLE);
    expect(ofRule(admitted, 'XAT1')).toHaveLength(1);
    expect(ofRule(admitted, 'XAT3')).toEqual([]);
    // A role name from a parameter may be the narrowing role's: it stays trusted.
    const named = checkOne((s) => {
      const name = new CfnParameter(s, 'VendorRoleName', { type: 'String' });
      new iam.CfnRole(s, 'Role', {
        assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: Fn.sub(`arn:aws:iam::${VENDOR_ACCOUNT}:role/\${Name}`, { Name: name.valueAsString }) }, Condition: { ArnEquals: { 'aws:PrincipalArn': VENDOR_ROLE } } }] },
      });
    });
    expect(ofRule(named, 'XAT1')).toHaveLength(1);
  });

  test('under StringEquals, a narrowing value holding * or ? admits no principal (no IAM name holds them)', () => {
    const literal = checkOne(trusting(`arn:aws:iam::${VENDOR_ACCOUNT}:root`, { StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${VENDOR_ACCOUNT}:role/*` } }));
    expect(literal.findings).toEqual([]);
    const beside = checkOne(trusting(`arn:aws:iam::${VENDOR_ACCOUNT}:root`, { StringEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${VENDOR_ACCOUNT}:role/*`, `arn:aws:iam::${VENDOR_ACCOUNT}:user/u`] } }));
    expect(ofRule(beside, 'XAT3')[0].message).toMatch(/user\/u is not exactly one role ARN/);
  });

  test('a role ARN built from parameters is a role ARN', () => {
    const result = checkOne((s) => {
      const account = new CfnParameter(s, 'VendorAccount', { type: 'String' });
      const name = new CfnParameter(s, 'VendorRoleName', { type: 'String' });
      trusting(Fn.sub('arn:${AWS::Partition}:iam::${VendorAccount}:role/${VendorRoleName}', {}))(s);
      void account;
      void name;
    });
    expect(result.findings).toEqual([]);
  });

  test('a parameter for the whole principal needs a role-ARN AllowedPattern', () => {
    const open = checkOne((s) => {
      const p = new CfnParameter(s, 'VendorPrincipal', { type: 'String' });
      trusting(p.valueAsString)(s);
    });
    expect(ofRule(open, 'XAT3')[0].message).toMatch(/parameter VendorPrincipal, whose AllowedPattern does not confine it to a role ARN.*acknowledge/);
    const confined = checkOne((s) => {
      const p = new CfnParameter(s, 'VendorPrincipal', { type: 'String', allowedPattern: 'arn:aws:iam::\\d{12}:role/[\\w+=,.@-]+' });
      trusting(p.valueAsString)(s);
    });
    expect(confined.findings).toEqual([]);
  });

  test('an Fn::If between a role and an account root flags the root branch', () => {
    const t = synth((s) => {
      const p = new CfnParameter(s, 'Mode', { type: 'String' });
      const useRole = new CfnCondition(s, 'UseRole', { expression: Fn.conditionEquals(p.valueAsString, 'role') });
      trusting(Fn.conditionIf(useRole.logicalId, VENDOR_ROLE, `arn:aws:iam::${VENDOR_ACCOUNT}:root`))(s);
    });
    const [f] = ofRule(run([t]), 'XAT3');
    expect(f.message).toContain('when condition UseRole is false');
  });

  test('unresolvable: a principal from Fn::ImportValue', () => {
    const result = checkOne(trusting(Fn.importValue('VendorPrincipal')));
    const [f] = ofRule(result, 'XAT3');
    expect(f.message).toMatch(/could not be resolved.*Fn::ImportValue VendorPrincipal/);
    expect(f.message).toContain('CrossAccountTrust-XAT3[Sid-Vendor.Principal0]');
  });

  test('a principal inside the own account (the stack account) is out of scope', () => {
    const result = checkOne((s) => goodRole(s, 'Role').assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'], principals: [new iam.AccountRootPrincipal()],
    })));
    expect(result.findings).toEqual([]);
  });
});

describe('XAT3: aws:PrincipalArn under ArnLike or StringLike', () => {
  /** The issue's shape: the vendor account root narrowed to one role, with a hardened ExternalId parameter. */
  const narrowed = (operator: string, value: string, parameters = '') => parseTemplate(`
Parameters:
  ExternalId:
    Type: String
    NoEcho: true
    MinLength: 32
    MaxLength: 1224
    AllowedPattern: '[\\w+=,.@:/-]*'
${parameters}
Resources:
  CustomerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::111122223333:root
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: !Ref ExternalId${operator === 'StringEquals' ? '' : `
              ${operator}:`}
                aws:PrincipalArn: ${value}
`).template as Record<string, any>;

  test.each(['ArnLike', 'StringLike', 'ArnEquals', 'StringEquals'])('%s naming one role without a wildcard narrows the account root to it', (operator) => {
    expect(run([narrowed(operator, 'arn:aws:iam::111122223333:role/AcmeDeputy')]).findings).toEqual([]);
  });

  test.each([
    ['ArnLike', 'arn:aws:iam::111122223333:role/Acme*'],
    ['StringLike', 'arn:aws:iam::111122223333:role/AcmeDeput?'],
    ['ArnEquals', '"arn:aws:iam::*:role/AcmeDeputy"'],
  ])('%s with the wildcard value %s keeps XAT3 and says why', (operator, value) => {
    const [f, ...rest] = ofRule(run([narrowed(operator, value)]), 'XAT3');
    expect(rest).toEqual([]);
    expect(f.message).toContain(`its ${operator} condition on aws:PrincipalArn does not narrow it to one role`);
    expect(f.message).toMatch(/contains the wildcard "[*?]"/);
  });

  test('a parameter under ArnLike narrows only when its AllowedPattern keeps wildcards out', () => {
    const open = run([narrowed('ArnLike', '!Ref DeputyArn', '  DeputyArn:\n    Type: String\n    AllowedPattern: arn:aws:iam::\\d{12}:role/.+')]);
    expect(ofRule(open, 'XAT3')[0].message).toContain('parameter DeputyArn may be given a value with wildcards');
    const confined = run([narrowed('ArnLike', '!Ref DeputyArn', '  DeputyArn:\n    Type: String\n    AllowedPattern: arn:aws:iam::\\d{12}:role/[\\w+=,.@-]+')]);
    expect(confined.findings).toEqual([]);
  });

  test('property: under ArnLike, StringLike and ArnEquals a narrowing value keeps XAT3 exactly when it holds a wildcard', () => {
    const nameChar = fc.constantFrom(...'abcXYZ019_+=,.@-');
    const wildcard = fc.option(fc.record({ char: fc.constantFrom('*', '?'), inAccount: fc.boolean(), at: fc.nat() }), { nil: undefined });
    fc.assert(fc.property(fc.constantFrom('ArnLike', 'StringLike', 'ArnEquals'), fc.array(nameChar, { minLength: 1, maxLength: 20 }), wildcard,
      (operator, chars, w) => {
        let account = '111122223333';
        let name = chars.join('');
        if (w && w.inAccount) account = w.char === '*' ? '*' : `${account.slice(0, 11)}?`;
        if (w && !w.inAccount) name = `${name.slice(0, w.at % (name.length + 1))}${w.char}${name.slice(w.at % (name.length + 1))}`;
        const result = run([narrowed(operator, JSON.stringify(`arn:aws:iam::${account}:role/${name}`))]);
        expect(ofRule(result, 'XAT3')).toHaveLength(w ? 1 : 0);
      }), { numRuns: 60 });
  });
});
