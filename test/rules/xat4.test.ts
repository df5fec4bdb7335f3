import { CfnParameter, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { VENDOR_ROLE, checkOne, goodRole, ofRule, run, synth } from './fixtures';

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
