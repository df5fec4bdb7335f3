import { App, CfnCondition, CfnMapping, CfnParameter, CfnStackSet, Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { VENDOR_ROLE, checkOne, goodExternalIdParameter, goodRole, ofRule, stackSetBody } from './fixtures';
import { check } from '../../src/engine';

describe('XAT7: one ExternalId protecting several roles or principals', () => {
  test('the same literal on two roles across two stacks of one app', () => {
    const app = new App();
    const stacks = ['A', 'B'].map((id) => {
      const stack = new Stack(app, id);
      new iam.Role(stack, 'Role', { assumedBy: new iam.ArnPrincipal(VENDOR_ROLE), externalIds: ['Z3hQ9mVt7LkP2wXr8NcB5yDf4GsJ6aHe'] });
      return stack;
    });
    const templates = stacks.map((stack) => ({ source: stack.stackName, template: Template.fromStack(stack).toJSON() }));
    const f = ofRule(check(templates), 'XAT7');
    expect(f.map((x) => x.source)).toEqual(['A', 'B']);
    expect(f[0].message).toMatch(/\(a literal\) also protects the role B: Role/);
    expect(f[1].message).toMatch(/also protects the role A: Role/);
    // Each stack alone is not sharing anything.
    expect(ofRule(check([templates[0]]), 'XAT7')).toEqual([]);
  });

  test('the same parameter Default in two templates', () => {
    const make = () => {
      const app = new App();
      const stack = new Stack(app, 'S');
      goodRole(stack, 'Role', new CfnParameter(stack, 'ExternalId', { type: 'String', noEcho: true, default: 'x'.repeat(40) }));
      return Template.fromStack(stack).toJSON();
    };
    const f = ofRule(check([{ source: 'one.json', template: make() }, { source: 'two.json', template: make() }]), 'XAT7');
    expect(f).toHaveLength(2);
    expect(f[0].message).toContain('the Default of parameter ExternalId');
  });

  test('one parameter guarding two roles that trust the same vendor role is fine: one account, one vendor, one ExternalId', () => {
    const result = checkOne((s) => {
      const p = goodExternalIdParameter(s);
      goodRole(s, 'RoleA', p);
      goodRole(s, 'RoleB', p);
    });
    expect(result.findings).toEqual([]);
  });

  test('one parameter guarding roles that trust different vendor roles', () => {
    const result = checkOne((s) => {
      const p = goodExternalIdParameter(s);
      goodRole(s, 'RoleA', p);
      new iam.Role(s, 'RoleB', { assumedBy: new iam.ArnPrincipal('arn:aws:iam::777788889999:role/Other'), externalIds: [p.valueAsString] });
    });
    const f = ofRule(result, 'XAT7');
    expect(f.map((x) => x.resource).sort()).toEqual([expect.stringMatching(/^RoleA/), expect.stringMatching(/^RoleB/)]);
    expect(f[0].message).toMatch(/\(parameter ExternalId\) also protects the principals .*777788889999:role\/Other.* of the roles/);
  });

  test('a parameter of a StackSet body is one value for every account the StackSet deploys to', () => {
    const body = stackSetBody(VENDOR_ROLE);
    const result = checkOne((s) => new CfnStackSet(s, 'Onboarding', { stackSetName: 'onboarding', permissionModel: 'SERVICE_MANAGED', templateBody: JSON.stringify(body) }));
    expect(result.findings.map((f) => [f.ruleId, f.resource])).toEqual([['XAT7', 'Onboarding/Inner']]);
    expect(result.findings[0].message).toMatch(/the same in every account StackSet Onboarding deploys this role to/);
  });

  test('one statement trusting two vendor principals with one ExternalId', () => {
    const result = checkOne((s) => {
      const p = goodExternalIdParameter(s);
      new iam.Role(s, 'Role', {
        assumedBy: new iam.CompositePrincipal(new iam.ArnPrincipal(VENDOR_ROLE), new iam.ArnPrincipal('arn:aws:iam::777788889999:role/Other')),
        externalIds: [p.valueAsString],
      });
    });
    expect(ofRule(result, 'XAT7').length).toBeGreaterThan(0);
  });

  test('distinct parameters on two roles are fine', () => {
    const result = checkOne((s) => {
      goodRole(s, 'RoleA');
      goodRole(s, 'RoleB');
    });
    expect(result.findings).toEqual([]);
  });
});

describe('XAT7: alternatives of one principal are not sharing', () => {
  const trustWith = (principal: unknown) => (s: Stack) => {
    const p = goodExternalIdParameter(s);
    new iam.CfnRole(s, 'Role', {
      assumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: principal }, Condition: { StringEquals: { 'sts:ExternalId': p.valueAsString } } }],
      },
    });
  };
  const isGov = (s: Stack) => new CfnCondition(s, 'IsGov', { expression: Fn.conditionEquals(new CfnParameter(s, 'Gov').valueAsString, 'yes') });
  const siteAccount = (s: Stack, accounts: Record<string, string>) => {
    const map = new CfnMapping(s, 'AccountBySite', { mapping: Object.fromEntries(Object.entries(accounts).map(([k, v]) => [k, { Account: v }])) });
    return map.findInMap(new CfnParameter(s, 'Site').valueAsString, 'Account');
  };

  test('the branches of an Fn::If: only one is ever deployed', () => {
    const result = checkOne((s) => trustWith(Fn.conditionIf(isGov(s).logicalId, 'arn:aws:iam::111111111111:role/Gov', 'arn:aws:iam::222222222222:role/Com'))(s));
    expect(ofRule(result, 'XAT7')).toEqual([]);
    expect(result.findings).toEqual([]);
  });

  test('the entries of an Fn::FindInMap whose key is a parameter', () => {
    const result = checkOne((s) => trustWith(Fn.sub('arn:aws:iam::${A}:role/Deputy', { A: siteAccount(s, { us: '111111111111', eu: '222222222222' }) }))(s));
    expect(result.findings).toEqual([]);
  });

  test('two statements trusting the same lookup trust one principal per deployment', () => {
    const result = checkOne((s) => {
      const p = goodExternalIdParameter(s);
      const principal = Fn.sub('arn:aws:iam::${A}:role/Deputy', { A: siteAccount(s, { us: '111111111111', eu: '222222222222' }) });
      const statement = (action: string) => ({ Effect: 'Allow', Action: action, Principal: { AWS: principal }, Condition: { StringEquals: { 'sts:ExternalId': p.valueAsString } } });
      new iam.CfnRole(s, 'Role', { assumeRolePolicyDocument: { Statement: [statement('sts:AssumeRole'), statement('sts:*')] } });
    });
    expect(result.findings).toEqual([]);
  });

  test('a second principal beside the alternatives still shares the ExternalId', () => {
    const result = checkOne((s) => trustWith([
      Fn.sub('arn:aws:iam::${A}:role/Deputy', { A: siteAccount(s, { us: '111111111111', eu: '222222222222' }) }),
      'arn:aws:iam::333333333333:role/Other',
    ])(s));
    const f = ofRule(result, 'XAT7');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('(arn:aws:iam::111111111111:role/Deputy or arn:aws:iam::222222222222:role/Deputy), arn:aws:iam::333333333333:role/Other together');
  });

  test('a branch that trusts two principals shares the ExternalId in that branch only', () => {
    const result = checkOne((s) => trustWith(Fn.conditionIf(isGov(s).logicalId,
      ['arn:aws:iam::111111111111:role/Gov', 'arn:aws:iam::333333333333:role/Other'], 'arn:aws:iam::222222222222:role/Com'))(s));
    const f = ofRule(result, 'XAT7');
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/111111111111:role\/Gov, arn:aws:iam::333333333333:role\/Other together.*This holds when condition IsGov is true/);
    expect(f[0].message).not.toContain('222222222222');
  });

  test('two roles trusting the same alternatives may share a deploy-time value; a shared Default they may not', () => {
    const build = (withDefault: boolean) => checkOne((s) => {
      const p = withDefault
        ? new CfnParameter(s, 'ExternalId', { type: 'String', noEcho: true, default: 'Z3hQ9mVt7LkP2wXr8NcB5yDf4GsJ6aHe' })
        : goodExternalIdParameter(s);
      const principal = Fn.conditionIf(isGov(s).logicalId, 'arn:aws:iam::111111111111:role/Gov', 'arn:aws:iam::222222222222:role/Com');
      for (const id of ['RoleA', 'RoleB']) {
        new iam.CfnRole(s, id, {
          assumeRolePolicyDocument: {
            Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: principal }, Condition: { StringEquals: { 'sts:ExternalId': p.valueAsString } } }],
          },
        });
      }
    });
    expect(ofRule(build(false), 'XAT7')).toEqual([]);
    expect(ofRule(build(true), 'XAT7').map((f) => f.resource)).toEqual(['RoleA', 'RoleB']);
  });

});
