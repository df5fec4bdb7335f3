import { CfnOutput, CfnParameter, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { VENDOR_ROLE, checkOne, goodRole, ofRule, run, synth } from './fixtures';
import { parseTemplate } from '../../src/template/parse';

describe('XAT4: ExternalId parameter without NoEcho', () => {
  test('a plain String parameter', () => {
    const result = checkOne((s) => goodRole(s, 'Role', new CfnParameter(s, 'ExternalId', {
      type: 'String', minLength: 32, maxLength: 1224, allowedPattern: '[\\w+=,.@:/-]*',
    })));
    const f = ofRule(result, 'XAT4');
    expect(f).toHaveLength(1);
    expect(f[0].findingId).toBe('Parameter-ExternalId');
    expect(f[0].path).toEqual(['Parameters', 'ExternalId']);
    expect(f[0].message).toContain('Add "NoEcho": true to parameter ExternalId');
    expect(ofRule(result, 'XAT5')).toEqual([]);
  });

  test('NoEcho as the string "true" counts', () => {
    // YAML templates often quote booleans.
    const t = synth((s) => goodRole(s, 'Role', new CfnParameter(s, 'ExternalId', {
      type: 'String', minLength: 32, maxLength: 1224, allowedPattern: '[\\w+=,.@:/-]*',
    })));
    t.Parameters.ExternalId.NoEcho = 'true';
    expect(run([t]).findings).toEqual([]);
  });

  test('an Fn::Sub mixing the parameter with literals is judged by the parameter', () => {
    const result = checkOne((s) => {
      new CfnParameter(s, 'ExternalId', { type: 'String', minLength: 32, maxLength: 1224, allowedPattern: '[\\w+=,.@:/-]*' });
      new iam.Role(s, 'Role', { assumedBy: new iam.ArnPrincipal(VENDOR_ROLE), externalIds: [Fn.sub('vendor-${ExternalId}')] });
    });
    expect(ofRule(result, 'XAT4').map((f) => f.findingId)).toEqual(['Parameter-ExternalId']);
    expect(ofRule(result, 'XAT6')).toEqual([]);
  });
});

describe('XAT4 and XAT5 judge an ExternalId computed by a deterministic function by its source', () => {
  /** The shape of a real vendor template: the ExternalId is the Base64 encoding of a plain parameter. */
  const TENANT_KEY_TEMPLATE = `
Parameters:
  TenantKey:
    Type: String
    Description: The tenant key shown in the vendor console
Resources:
  TenantRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::111122223333:role/TenantReader
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId:
                  Fn::Base64: !Ref TenantKey
`;

  test('Fn::Base64 of a parameter without NoEcho or constraints is XAT4 and XAT5 on that parameter, not "could not be resolved"', () => {
    const result = run([parseTemplate(TENANT_KEY_TEMPLATE).template as Record<string, any>]);
    expect(result.findings.map((f) => [f.ruleId, f.findingId])).toEqual([['XAT4', 'Parameter-TenantKey'], ['XAT5', 'Parameter-TenantKey']]);
    expect(ofRule(result, 'XAT4')[0].message).toContain('comes from parameter TenantKey (through Fn::Base64), which is not NoEcho');
    expect(ofRule(result, 'XAT5')[0].message).toMatch(/it has no MinLength\. Declare it with no Default, "MinLength": 32 and "MaxLength": 918\./);
    expect(ofRule(result, 'XAT4')[0].path).toEqual(['Parameters', 'TenantKey']);
  });

  const hardened = (maxLength: number, extra: Record<string, unknown> = {}) => ({
    Parameters: { TenantKey: { Type: 'String', NoEcho: true, MinLength: 32, MaxLength: maxLength, ...extra } },
    Resources: {
      TenantRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [{
              Effect: 'Allow',
              Principal: { AWS: VENDOR_ROLE },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'sts:ExternalId': { 'Fn::Base64': { Ref: 'TenantKey' } } } },
            }],
          },
        },
      },
    },
  });

  test('a hardened parameter under Fn::Base64 needs no AllowedPattern, and at most 918 characters', () => {
    expect(run([hardened(918)]).findings).toEqual([]);
    const [f] = ofRule(run([hardened(1224)]), 'XAT5');
    expect(f.message).toContain('its MaxLength 1224 is above 918, whose Base64 encoding reaches the STS limit of 1224');
  });

  test('Fn::Base64 of a literal is the literal it computes (XAT6)', () => {
    const t = hardened(918);
    t.Resources.TenantRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals['sts:ExternalId'] = { 'Fn::Base64': 'acme' } as any;
    const [f] = ofRule(run([t]), 'XAT6');
    expect(f.message).toContain(`a literal of ${Buffer.from('acme').toString('base64').length} characters`);
  });

  test('Fn::ToJsonString over a parameter is judged by the parameter; over literals it is a literal', () => {
    const t = hardened(918);
    const condition = t.Resources.TenantRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals as Record<string, unknown>;
    condition['sts:ExternalId'] = { 'Fn::ToJsonString': { key: { Ref: 'TenantKey' } } };
    (t.Parameters.TenantKey as Record<string, unknown>).NoEcho = false;
    expect(ofRule(run([t]), 'XAT4')[0].message).toContain('(through Fn::ToJsonString)');
    condition['sts:ExternalId'] = { 'Fn::ToJsonString': { key: 'value' } };
    expect(ofRule(run([t]), 'XAT6')[0].message).toContain(`a literal of ${JSON.stringify({ key: 'value' }).length} characters`);
  });

  /** Wraps a value in deterministic functions whose result depends on it. */
  const wrapper = fc.constantFrom<(v: unknown) => unknown>(
    (v) => ({ 'Fn::Base64': v }),
  (v) => ({ 'Fn::Join': ['-', ['vendor', v]] }),
  (v) => ({ 'Fn::Sub': ['prefix-${Inner}', { Inner: v }] }),
  (v) => ({ 'Fn::Select': [0, [v, 'other']] }),
  (v) => ({ 'Fn::Select': [{ Ref: 'Index' }, [v, 'other']] }),
  (v) => ({ 'Fn::ToJsonString': [v] }),
  (v) => ({ 'Fn::FindInMap': ['Keys', 'tenant', 'key', { DefaultValue: v }] }),
  (v) => ({ 'Fn::If': ['Always', v, v] }),
  );

  test('property: any nesting of deterministic functions around the parameter is judged by the parameter, never "could not be resolved"', () => {
    fc.assert(fc.property(fc.array(wrapper, { minLength: 1, maxLength: 5 }), fc.boolean(), (wrappers, noEcho) => {
      const value = wrappers.reduce<unknown>((v, wrap) => wrap(v), { Ref: 'TenantKey' });
      const t: Record<string, any> = {
        Parameters: { TenantKey: { Type: 'String', NoEcho: noEcho }, Index: { Type: 'Number' }, Mode: { Type: 'String' } },
        Conditions: { Always: { 'Fn::Equals': [{ Ref: 'Mode' }, 'on'] } },
        Mappings: { Keys: { other: { key: 'x' } } },
        Resources: {
          TenantRole: {
            Type: 'AWS::IAM::Role',
            Properties: {
              AssumeRolePolicyDocument: {
                Statement: [{ Effect: 'Allow', Principal: { AWS: VENDOR_ROLE }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': value } } }],
              },
            },
          },
        },
      };
      const result = run([t]);
      expect(ofRule(result, 'XAT4').map((f) => f.findingId)).toEqual(noEcho ? [] : ['Parameter-TenantKey']);
      expect(ofRule(result, 'XAT5').map((f) => f.findingId)).toEqual(['Parameter-TenantKey']);
      expect(result.findings.map((f) => f.message).join('\n')).not.toContain('could not be resolved');
    }), { numRuns: 80 });
  });
});

describe('XAT4: a masked ExternalId echoed in Outputs', () => {
  /** A hardened customer role whose template outputs `outputs` (YAML, indented under Outputs). */
  const withOutputs = (outputs: string) => parseTemplate(`
Parameters:
  ExternalId:
    Type: String
    NoEcho: true
    MinLength: 32
    MaxLength: 1224
    AllowedPattern: '[\\w+=,.@:/-]*'
Resources:
  CustomerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:role/VendorDeputy }
            Action: sts:AssumeRole
            Condition: { StringEquals: { sts:ExternalId: !Ref ExternalId } }
Outputs:
${outputs}
`).template as Record<string, any>;

  test.each([
    ['as it is', '  Echo:\n    Value: !Ref ExternalId'],
    ['inside Fn::Sub', '  Echo:\n    Value: !Sub "external id: ${ExternalId}"'],
    ['inside Fn::Join', '  Echo:\n    Value: !Join [":", [!GetAtt CustomerRole.Arn, !Ref ExternalId]]'],
    ['Base64-encoded', '  Echo:\n    Value: !Base64 { Ref: ExternalId }'],
  ])('%s: one XAT4 finding on the role, pointing at the output', (_name, outputs) => {
    const result = run([withOutputs(outputs)]);
    expect(result.findings.map((f) => [f.ruleId, f.resource, f.findingId])).toEqual([['XAT4', 'CustomerRole', 'Output-Echo']]);
    expect(result.findings[0].path).toEqual(['Outputs', 'Echo', 'Value']);
    expect(result.findings[0].message).toContain('Output Echo shows the ExternalId of CustomerRole (NoEcho parameter ExternalId): CloudFormation does not mask Outputs');
  });

  test('an exported output says that ListExports and importers show it too', () => {
    const [f] = run([withOutputs('  Echo:\n    Value: !Ref ExternalId\n    Export: { Name: customer-external-id }')]).findings;
    expect(f.message).toContain('Output Echo, which is exported, shows the ExternalId');
    expect(f.message).toContain('ListExports and every stack that imports it');
  });

  test('outputs that do not hold the ExternalId are fine', () => {
    expect(run([withOutputs('  RoleArn:\n    Value: !GetAtt CustomerRole.Arn\n  Name:\n    Value: !Sub "${AWS::StackName}-role"')]).findings).toEqual([]);
  });

  test('the Ref of a custom resource that generates the ExternalId is its physical id, which the console lists anyway: not an echo', () => {
    const t = withOutputs('  Echo:\n    Value: !Ref Generator');
    t.Resources.Generator = { Type: 'Custom::ExternalIdGenerator', Properties: { ServiceToken: 'arn:aws:lambda:eu-west-1:444455556666:function:gen' } };
    t.Resources.CustomerRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals['sts:ExternalId'] = { Ref: 'Generator' };
    expect(run([t]).findings).toEqual([]);
  });

  test('through the pack: a CfnOutput of the ExternalId parameter fails synth on the role', () => {
    const result = checkOne((s) => {
      const p = new CfnParameter(s, 'ExternalId', { type: 'String', noEcho: true, minLength: 32, maxLength: 1224, allowedPattern: '[\\w+=,.@:/-]*' });
      goodRole(s, 'Role', p);
      new CfnOutput(s, 'ExternalIdEcho', { value: `id-${p.valueAsString}` });
    });
    expect(result.findings.map((f) => [f.ruleId, f.findingId])).toEqual([['XAT4', 'Output-ExternalIdEcho']]);
  });

  test('property: the parameter wrapped in any deterministic functions in an output is one XAT4 finding', () => {
    const wrap = fc.constantFrom<(v: unknown) => unknown>(
      (v) => ({ 'Fn::Sub': ['a-${X}-b', { X: v }] }),
    (v) => ({ 'Fn::Join': ['/', ['x', v]] }),
    (v) => ({ 'Fn::Base64': v }),
    (v) => ({ 'Fn::Select': [1, ['x', v]] }),
    (v) => ({ 'Fn::ToJsonString': { key: v } }),
    );
    fc.assert(fc.property(fc.array(wrap, { maxLength: 4 }), fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,20}$/), fc.boolean(), (wrappers, name, exported) => {
      const t = withOutputs('  Placeholder:\n    Value: x');
      t.Outputs = { [name]: { Value: wrappers.reduce<unknown>((v, w) => w(v), { Ref: 'ExternalId' }), ...(exported ? { Export: { Name: 'e' } } : {}) } };
      const result = run([t]);
      expect(result.findings.map((f) => [f.ruleId, f.findingId])).toEqual([['XAT4', `Output-${name}`]]);
    }), { numRuns: 60 });
  });
});
