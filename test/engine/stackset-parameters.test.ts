import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { check } from '../../src/engine';
import { parseTemplate, parseTemplateBody } from '../../src/template/parse';
import { cli } from '../cli/helpers';

const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = (name: string): any => parseTemplate(fs.readFileSync(path.join(FIXTURES, name), 'utf8')).template;
const checkTemplate = (template: unknown) => check([{ source: 't.yaml', template }], { parseTemplateBody });
const ruleIds = (findings: ReadonlyArray<{ ruleId: string; findingId: string }>) => findings.map((f) => `${f.ruleId}[${f.findingId}]`);

/** The fixture's StackSet, with its body parsed so that tests can change it. */
function stackSet(): { template: any; body: any; props: any } {
  const template = fixture('stackset-parameters.yaml');
  const props = template.Resources.Onboarding.Properties;
  return { template, body: parseTemplateBody(props.TemplateBody), props };
}

describe('a StackSet\'s Parameters fix the values of its TemplateBody\'s parameters', () => {
  test('a literal ExternalId given there is a literal ExternalId (XAT6), and a role ARN given as the principal is resolved', () => {
    const result = checkTemplate(fixture('stackset-parameters.yaml'));
    expect(result.errors).toEqual([]);
    expect(ruleIds(result.findings)).toEqual(['XAT6[VendorRole.Statement0]']);
    expect(result.findings[0].message).toMatch(/it is a literal of 4 characters written in the template/);
  });

  test('without them, the same body is a weak NoEcho parameter and an unresolved principal', () => {
    const { template, props } = stackSet();
    delete props.Parameters;
    expect(ruleIds(checkTemplate(template).findings)).toEqual(['XAT3[VendorRole.Statement0.Principal0]', 'XAT5[VendorRole.Parameter-ExternalId]', 'XAT7[VendorRole.Statement0]']);
  });

  test('ParameterOverrides of stack instances are alternatives beside the StackSet\'s own value', () => {
    const { template, props } = stackSet();
    props.StackInstancesGroup = [{ DeploymentTargets: { Accounts: ['777788889999'] }, Regions: ['eu-west-1'], ParameterOverrides: [{ ParameterKey: 'VendorPrincipal', ParameterValue: 'arn:aws:iam::111122223333:root' }] }];
    const result = checkTemplate(template);
    expect(ruleIds(result.findings)).toEqual(['XAT3[VendorRole.Statement0.Principal1]', 'XAT6[VendorRole.Statement0]']);
    expect(result.findings[0].message).toMatch(/arn:aws:iam::111122223333:root/);
  });

  test('a parameter of the outer template passed through is judged as that parameter, where it is declared', () => {
    const { template, props } = stackSet();
    template.Parameters = { CustomerExternalId: { Type: 'String', MinLength: 32, MaxLength: 64, AllowedPattern: '[\\w+=,.@:/-]*' } };
    props.Parameters[0].ParameterValue = { Ref: 'CustomerExternalId' };
    const result = checkTemplate(template);
    const xat4 = result.findings.find((f) => f.ruleId === 'XAT4')!;
    expect(xat4.message).toMatch(/parameter CustomerExternalId, which is not NoEcho/);
    expect(xat4.path).toEqual(['Parameters', 'CustomerExternalId']);
    // One value for every account the StackSet deploys to.
    expect(result.findings.map((f) => f.ruleId)).toEqual(['XAT4', 'XAT7']);
  });

  test('the administrator account\'s own id is not the target account\'s: it stays unresolved, never "own account"', () => {
    const { template, props } = stackSet();
    props.Parameters[1].ParameterValue = { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:root' };
    const result = checkTemplate(template);
    const xat3 = result.findings.find((f) => f.ruleId === 'XAT3')!;
    expect(xat3.message).toMatch(/StackSet Onboarding gives parameter VendorPrincipal the value arn:aws:iam::\$\{AWS::AccountId\}:root of the template that deploys the StackSet/);
  });

  test('property-based: a StackSet\'s literal Parameters give the findings of the same values written into the body', () => {
    const externalId = fc.oneof(fc.constantFrom('acme', 'x'.repeat(40)), fc.stringMatching(/^[\w+=,.@:/-]{2,48}$/));
    const principal = fc.constantFrom('arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:role/AcmeDeputy', '*', '111122223333',
      'arn:aws:iam::444455556666:user/ci');
    fc.assert(fc.property(externalId, principal, (id, p) => {
      const { template, body } = stackSet();
      template.Resources.Onboarding.Properties.Parameters = [{ ParameterKey: 'ExternalId', ParameterValue: id }, { ParameterKey: 'VendorPrincipal', ParameterValue: p }];
      const inlined = structuredClone(body);
      const statement = inlined.Resources.VendorRole.Properties.AssumeRolePolicyDocument.Statement[0];
      statement.Principal.AWS = p;
      statement.Condition.StringEquals['sts:ExternalId'] = id;
      delete inlined.Parameters;
      const viaParameters = checkTemplate(template);
      const viaBody = checkTemplate({ Resources: { Onboarding: { Type: 'AWS::CloudFormation::StackSet', Properties: { TemplateBody: JSON.stringify(inlined) } } } });
      expect(viaParameters.errors).toEqual([]);
      const summary = (r: typeof viaBody) => r.findings.map((f) => [f.ruleId, f.findingId, f.message]);
      expect(summary(viaParameters)).toEqual(summary(viaBody));
    }), { numRuns: 60 });
  });
});

describe('a StackSet whose template cannot be read is an error that fails the run, never "no findings"', () => {
  test('TemplateURL', () => {
    const result = checkTemplate(fixture('stackset-url.yaml'));
    expect(result.findings).toEqual([]);
    expect(result.errors).toEqual([{
      source: 't.yaml',
      resource: 'Onboarding',
      message: expect.stringMatching(/^StackSet Onboarding deploys the template at TemplateURL https:\/\/acme-onboarding\.s3\.amazonaws\.com\/customer-role\.yaml, which is outside this template, so the roles it deploys were not checked; check that template itself/),
    }]);
  });

  test('the CLI exits 2 and names the StackSet and its line', () => {
    const r = cli(['check', '--format', 'json', 'stackset-url.yaml'], { cwd: FIXTURES });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).errors).toEqual([expect.objectContaining({ file: 'stackset-url.yaml', resource: 'Onboarding', line: 4, message: expect.stringMatching(/TemplateURL/) })]);
  });

  test('neither TemplateBody nor TemplateURL', () => {
    const template = fixture('stackset-url.yaml');
    delete template.Resources.Onboarding.Properties.TemplateURL;
    expect(checkTemplate(template).errors[0].message).toMatch(/StackSet Onboarding has neither TemplateBody nor TemplateURL, so the roles it deploys could not be checked/);
  });

  test('a TemplateURL under one condition: that variant is reported, the TemplateBody of the other is checked', () => {
    const { template, props } = stackSet();
    template.Parameters = { Hosted: { Type: 'String' } };
    template.Conditions = { UseHosted: { 'Fn::Equals': [{ Ref: 'Hosted' }, 'yes'] } };
    props.TemplateURL = { 'Fn::If': ['UseHosted', 'https://example.com/t.yaml', { Ref: 'AWS::NoValue' }] };
    props.TemplateBody = { 'Fn::If': ['UseHosted', { Ref: 'AWS::NoValue' }, props.TemplateBody] };
    const result = checkTemplate(template);
    expect(result.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^StackSet Onboarding \(when condition UseHosted is true\) deploys the template at TemplateURL https:\/\/example\.com\/t\.yaml/)]);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['XAT6']);
  });
});
