import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { VENDOR_ROLE, checkOne, goodExternalIdParameter, goodRole, ofRule } from './fixtures';
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

  test('one parameter guarding two roles in one template', () => {
    const result = checkOne((s) => {
      const p = goodExternalIdParameter(s);
      goodRole(s, 'RoleA', p);
      goodRole(s, 'RoleB', p);
    });
    expect(ofRule(result, 'XAT7')).toHaveLength(2);
    expect(ofRule(result, 'XAT7')[0].message).toContain('parameter ExternalId');
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
