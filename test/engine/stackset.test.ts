import { CfnStackSet } from 'aws-cdk-lib';
import { VENDOR_ACCOUNT, checkOne, ofRule, run, stackSetBody, synth } from '../rules/fixtures';

const INNER = stackSetBody(`arn:aws:iam::${VENDOR_ACCOUNT}:root`);

describe('roles inside a StackSet TemplateBody', () => {
  test('inner findings carry <StackSet>/<Inner> and stop their path at the TemplateBody', () => {
    const result = checkOne((s) => new CfnStackSet(s, 'Onboarding', { stackSetName: 'onboarding', permissionModel: 'SERVICE_MANAGED', templateBody: JSON.stringify(INNER) }));
    const [f] = ofRule(result, 'XAT3');
    expect(f).toMatchObject({ resource: 'Onboarding/Inner', findingId: 'Inner.Statement0.Principal0', path: ['Resources', 'Onboarding', 'Properties', 'TemplateBody'] });
    // XAT7: a StackSet gives every account the same ExternalId parameter value.
    expect(result.findings.map((x) => x.ruleId)).toEqual(['XAT3', 'XAT7']);
    expect(result.resources).toBe(2);
  });

  test('a body that cannot be parsed is an error naming the StackSet; the rest is still checked', () => {
    const t = synth((s) => new CfnStackSet(s, 'Broken', { stackSetName: 'b', permissionModel: 'SELF_MANAGED', templateBody: 'Resources: [' }));
    const result = run([t]);
    expect(result.errors).toEqual([expect.objectContaining({ resource: 'Broken', message: expect.stringMatching(/TemplateBody of StackSet Broken could not be parsed/) })]);
  });

  test('parseTemplateBody reads other formats', () => {
    const t = synth((s) => new CfnStackSet(s, 'Yamlish', { stackSetName: 'y', permissionModel: 'SELF_MANAGED', templateBody: 'inner template' }));
    const result = run([t], { parseTemplateBody: (text) => (text === 'inner template' ? INNER : undefined) });
    expect(result.errors).toEqual([]);
    expect(ofRule(result, 'XAT3').map((f) => f.resource)).toEqual(['Yamlish/Inner']);
  });
});
