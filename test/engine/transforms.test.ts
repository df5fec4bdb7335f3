import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { check } from '../../src/engine';
import { CrossAccountTrustChecks } from '../../src/nag/cross-account-trust-checks';
import { parseTemplate, parseTemplateBody } from '../../src/template/parse';
import { checkJson, cli } from '../cli/helpers';

const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = (name: string): any => parseTemplate(fs.readFileSync(path.join(FIXTURES, name), 'utf8')).template;
const checkTemplate = (template: unknown) => check([{ source: 't.yaml', template }], { parseTemplateBody });
const findingKeys = (findings: ReadonlyArray<{ ruleId: string; resource: string; findingId: string }>) =>
  findings.map((f) => `${f.resource} ${f.ruleId}[${f.findingId}]`).sort();

describe('Fn::ForEach (AWS::LanguageExtensions) is expanded as CloudFormation expands it', () => {
  test('nested loops over literal lists: every role they create is checked, named as CloudFormation names it', () => {
    const result = checkTemplate(fixture('foreach-roles.yaml'));
    expect(result.errors).toEqual([]);
    expect(result.notices).toEqual([]);
    // &{Vendor} drops the non-alphanumeric characters of "acme-eu"; ${Vendor} keeps them; !Ref Vendor is the item itself.
    expect(findingKeys(result.findings)).toEqual([
      'AcmeDevRole XAT1[Sid-TrustAcme]', 'AcmeDevRole XAT3[Sid-TrustAcme.Principal0]',
      'AcmeProdRole XAT1[Sid-TrustAcme]', 'AcmeProdRole XAT3[Sid-TrustAcme.Principal0]',
      'acmeeuDevRole XAT1[Sid-Trustacmeeu]', 'acmeeuDevRole XAT3[Sid-Trustacmeeu.Principal0]',
      'acmeeuProdRole XAT1[Sid-Trustacmeeu]', 'acmeeuProdRole XAT3[Sid-Trustacmeeu.Principal0]',
    ]);
    expect(result.findings.find((f) => f.resource === 'acmeeuProdRole' && f.ruleId === 'XAT3')!.message).toMatch(/arn:aws:iam::777788889999:root/);
  });

  test('a loop inside resource properties', () => {
    const template = {
      Transform: 'AWS::LanguageExtensions',
      Resources: {
        Deputy: {
          Type: 'AWS::IAM::Role',
          Properties: {
            'AssumeRolePolicyDocument': { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
            'Fn::ForEach::Extras': ['Key', ['MaxSessionDuration'], { '${Key}': 43200 }],
            'Policies': [{ PolicyName: 'assume', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } }],
          },
        },
      },
    };
    expect(findingKeys(checkTemplate(template).findings)).toEqual(['Deputy XAT8[Policy-assume.Statement0]', 'Deputy XAT9[Policy-assume.Statement0]']);
  });

  test('a collection from a list parameter is expanded with its Default, and a notice says so', () => {
    const template = fixture('foreach-unsupported.yaml');
    template.Parameters.VendorAccounts.Default = '111122223333, 777788889999';
    const result = checkTemplate(template);
    expect(result.errors).toEqual([]);
    expect(findingKeys(result.findings).filter((k) => k.includes('XAT3'))).toEqual([
      'Vendor111122223333Role XAT3[Statement0.Principal0]', 'Vendor777788889999Role XAT3[Statement0.Principal0]',
    ]);
    expect(result.notices).toEqual([{
      source: 't.yaml',
      path: ['Resources', 'Fn::ForEach::Vendors', 1],
      message: expect.stringMatching(/^Fn::ForEach::Vendors iterates over parameter VendorAccounts, so it was checked with the parameter's Default \(111122223333, 777788889999\)/),
    }]);
  });

  test.each([
    ['a list parameter without a Default', (t: any) => t, /its Collection is parameter VendorAccounts, which has no Default: its items are chosen at deploy time/],
    ['an intrinsic function', (t: any) => {
      t.Resources['Fn::ForEach::Vendors'][1] = { 'Fn::Split': [',', { Ref: 'VendorAccounts' }] };
      return t;
    }, /its Collection is \{"Fn::Split":.*\}; only literal lists and Refs to list parameters are expanded/],
    ['a list item decided at deploy time', (t: any) => {
      t.Resources['Fn::ForEach::Vendors'][1] = ['111122223333', { Ref: 'AWS::AccountId' }];
      return t;
    }, /item 1 of its Collection is \{"Ref":"AWS::AccountId"\}, which is decided at deploy time/],
    ['a malformed loop', (t: any) => {
      t.Resources['Fn::ForEach::Vendors'] = ['Account', ['1']];
      return t;
    }, /it is not a list of three values/],
    ['two copies with the same key', (t: any) => {
      t.Resources['Fn::ForEach::Vendors'][1] = ['a-1', 'a.1'];
      t.Resources['Fn::ForEach::Vendors'][2] = { 'Vendor&{Account}Role': t.Resources['Fn::ForEach::Vendors'][2]['Vendor${Account}Role'] };
      return t;
    }, /it gives Resources the key "Vendora1Role" twice/],
  ])('a loop that cannot be expanded (%s) is an error naming it, never a silent pass', (_name, change, message) => {
    const result = checkTemplate(change(fixture('foreach-unsupported.yaml')));
    expect(result.errors).toEqual([{ source: 't.yaml', path: ['Resources', 'Fn::ForEach::Vendors'], message: expect.stringMatching(message) }]);
    expect(result.errors[0].message).toMatch(/^Fn::ForEach::Vendors at Resources could not be expanded: .*; the resources, conditions or outputs it creates were not checked/);
  });

  test('the CLI exits 2 on a loop it cannot expand, with its line', () => {
    const { code, report } = checkJson(['foreach-unsupported.yaml'], { cwd: FIXTURES });
    expect(code).toBe(2);
    expect(report.errors).toEqual([expect.objectContaining({ file: 'foreach-unsupported.yaml', line: 8, message: expect.stringMatching(/^Fn::ForEach::Vendors/) })]);
  });

  test('property-based: a loop gives the findings of the same resources written out', () => {
    const item = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,8}$/);
    const account = fc.constantFrom('111122223333', '777788889999', '444455556666');
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(item, account), { minLength: 1, maxLength: 4, selector: ([i]) => i.replace(/[^A-Za-z0-9]/g, '') }),
      fc.boolean(), fc.constantFrom('${Id}', '&{Id}'), (items, externalId, keyForm) => {
        const role = (sidName: string, accountRef: unknown) => ({
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: [{
                Sid: `Trust${sidName}`,
                Effect: 'Allow',
                Action: 'sts:AssumeRole',
                Principal: { AWS: { 'Fn::Sub': ['arn:aws:iam::${A}:root', { A: accountRef }] } },
                ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': { 'Fn::Sub': 'ext-${Id}-0123456789' } } } } : {}),
              }],
            },
          },
        });
        const mappings = { Accounts: Object.fromEntries(items.map(([i, a]) => [i, { Id: a }])) };
        const looped = {
          Transform: 'AWS::LanguageExtensions',
          Mappings: mappings,
          Resources: { 'Fn::ForEach::Roles': ['Id', items.map(([i]) => i), { [`Role${keyForm}`]: role('&{Id}', { 'Fn::FindInMap': ['Accounts', { Ref: 'Id' }, 'Id'] }) }] },
        };
        const written = {
          Mappings: mappings,
          Resources: Object.fromEntries(items.map(([i]) => {
            const r = role(i.replace(/[^A-Za-z0-9]/g, ''), { 'Fn::FindInMap': ['Accounts', i, 'Id'] }) as any;
            if (externalId) r.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals['sts:ExternalId'] = { 'Fn::Sub': `ext-${i}-0123456789` };
            return [`Role${keyForm === '${Id}' ? i : i.replace(/[^A-Za-z0-9]/g, '')}`, r];
          })),
        };
        const a = checkTemplate(looped);
        const b = checkTemplate(written);
        expect(a.errors).toEqual([]);
        const summary = (r: typeof a) => r.findings.map((f) => [f.resource, f.ruleId, f.findingId, f.message]);
        expect(summary(a)).toEqual(summary(b));
      }), { numRuns: 80 });
  });
});

describe('macros, AWS::Include and other transforms: a notice that the deployed template may differ', () => {
  test('a macro in Transform and an AWS::Include snippet are notices; the rest of the template is checked', () => {
    const result = checkTemplate(fixture('macro.yaml'));
    expect(result.errors).toEqual([]);
    expect(result.resources).toBe(1);
    expect(result.notices).toEqual([
      { source: 't.yaml', path: ['Transform', 0], message: expect.stringMatching(/^the template declares Transform AcmeRoleMacro, a macro or transform this check does not run: what was checked is the template before AcmeRoleMacro processes it, and the template CloudFormation deploys may differ/) },
      { source: 't.yaml', path: ['Resources', 'Fn::Transform'], message: expect.stringMatching(/^Fn::Transform AWS::Include at Resources inserts a template snippet from s3:\/\/acme-templates\/vendor-roles\.yaml that is not in this file/) },
    ]);
  });

  test('SAM and AWS::LanguageExtensions are understood: no notice', () => {
    expect(checkTemplate(fixture('sam-function.yaml')).notices).toEqual([]);
    expect(checkTemplate(fixture('foreach-roles.yaml')).notices).toEqual([]);
  });

  test('a SAM resource whose roles this check does not read is named', () => {
    const template = fixture('sam-function.yaml');
    template.Resources.Nested = { Type: 'AWS::Serverless::Application', Properties: { Location: 'https://example.com/app.yaml' } };
    expect(checkTemplate(template).notices.map((n) => n.message)).toEqual([expect.stringMatching(/^Nested \(AWS::Serverless::Application\) deploys a nested application whose template is not in this file/)]);
  });

  test('a macro inside a StackSet body is a notice on the StackSet', () => {
    const body = JSON.stringify({ Transform: 'AcmeRoleMacro', Resources: {} });
    const result = checkTemplate({ Resources: { Onboarding: { Type: 'AWS::CloudFormation::StackSet', Properties: { TemplateBody: body } } } });
    expect(result.notices).toEqual([{
      source: 't.yaml',
      resource: 'Onboarding',
      path: ['Resources', 'Onboarding', 'Properties', 'TemplateBody'],
      message: expect.stringMatching(/^in the TemplateBody of StackSet Onboarding: the template declares Transform AcmeRoleMacro/),
    }]);
  });

  test('the CLI prints notices, with their lines, and they do not change the exit code', () => {
    const text = cli(['check', 'macro.yaml'], { cwd: FIXTURES });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^macro\.yaml:\d+:\d+: notice the template declares Transform AcmeRoleMacro/m);
    expect(text.stdout).toMatch(/Checked 1 template \(1 resource\): no findings; 2 notices\.\n$/);
    const { report } = checkJson(['macro.yaml'], { cwd: FIXTURES });
    expect(report.notices.map((n: any) => [n.file, n.line])).toEqual([['macro.yaml', 3], ['macro.yaml', 13]]);
    const sarif = JSON.parse(cli(['check', '--format', 'sarif', 'macro.yaml'], { cwd: FIXTURES }).stdout);
    expect(sarif.runs[0].invocations[0]).toMatchObject({ executionSuccessful: true, toolExecutionNotifications: [{ level: 'note' }, { level: 'note' }] });
  });

  test('the rule pack puts notices in its report\'s metadata', () => {
    const app = new App();
    const stack = new Stack(app, 'Macro', { env: { account: '444455556666', region: 'eu-west-1' } });
    stack.addTransform('AcmeRoleMacro');
    new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new CfnParameter(stack, 'Unused');
    const report = new CrossAccountTrustChecks(app).validateScope(app);
    expect(report.success).toBe(true);
    expect(report.metadata).toEqual({ 'notice 1': expect.stringMatching(/^Macro: the template declares Transform AcmeRoleMacro/) });
  });
});
