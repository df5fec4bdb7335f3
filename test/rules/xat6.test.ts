import { Aws, CfnResource, CustomResource, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { VENDOR_ACCOUNT, VENDOR_ROLE, checkOne, ofRule } from './fixtures';
import { check } from '../../src/engine';
import { ExternalId } from '../../src/external-id';

function roleWithExternalId(externalId: string) {
  return checkOne((s) => new iam.Role(s, 'Role', { assumedBy: new iam.ArnPrincipal(VENDOR_ROLE), externalIds: [externalId] }));
}

describe('XAT6: literal or predictable ExternalId', () => {
  test('a literal in the template', () => {
    const f = ofRule(roleWithExternalId('Z3hQ9mVt7LkP2wXr8NcB5yDf4GsJ6aHe'), 'XAT6');
    expect(f).toHaveLength(1);
    expect(f[0].findingId).toBe('Statement0');
    expect(f[0].message).toMatch(/literal of 32 characters/);
    expect(f[0].message).not.toContain('Z3hQ9mVt7LkP2wXr8NcB5yDf4GsJ6aHe');
  });

  test('a one-character literal is named in the singular', () => {
    expect(ofRule(roleWithExternalId('x'), 'XAT6')[0].message).toMatch(/a literal of 1 character written in the template/);
  });

  test('the message judges a literal with the ExternalId.validate estimator and the configured minimum', () => {
    const strong = ofRule(roleWithExternalId('Z3hQ9mVt7LkP2wXr8NcB5yDf4GsJ6aHe'), 'XAT6')[0];
    expect(strong.message).toMatch(/even though its estimated entropy of \d+ bits would make it hard to guess/);
    const weak = ofRule(roleWithExternalId('acme-external-id-2024-customer-00'), 'XAT6')[0];
    expect(weak.message).toMatch(/its estimated entropy of \d+ bits is below the minimum of 112, so it can also be guessed/);
    const demanding = ofRule(checkOne((s) => new iam.Role(s, 'Role', {
      assumedBy: new iam.ArnPrincipal(VENDOR_ROLE), externalIds: ['Z3hQ9mVt7LkP2wXr8NcB5yDf4GsJ6aHe'],
    }), { minExternalIdEntropyBits: 400 }), 'XAT6')[0];
    expect(demanding.message).toMatch(/below the minimum of 400/);
  });

  test('a literal held by several templates and variants of one check is judged the same everywhere, as ExternalId.estimateEntropyBits does', () => {
    const value = 'acme-external-id-2024-customer-00';
    const template = {
      Conditions: { InEurope: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] } },
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: [{
                Effect: 'Allow',
                Principal: { AWS: { 'Fn::If': ['InEurope', VENDOR_ROLE, `arn:aws:iam::${VENDOR_ACCOUNT}:role/Other`] } },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'sts:ExternalId': value } },
              }],
            },
          },
        },
      },
    };
    const bits = ExternalId.estimateEntropyBits(value);
    for (const minExternalIdEntropyBits of [bits, bits + 1]) {
      const result = check(['a.json', 'b.json', 'c.json'].map((source) => ({ source, template })), { minExternalIdEntropyBits });
      const messages = ofRule(result, 'XAT6').map((f) => f.message);
      expect(messages).toHaveLength(3);
      for (const m of messages) {
        expect(m).toContain(minExternalIdEntropyBits > bits
          ? `its estimated entropy of ${bits} bits is below the minimum of ${minExternalIdEntropyBits}`
          : `even though its estimated entropy of ${bits} bits would make it hard to guess`);
      }
    }
  });

  test.each([
    ['AWS::AccountId', Aws.ACCOUNT_ID],
    ['AWS::StackName', Fn.sub('${AWS::StackName}-vendor')],
    ['AWS::StackId', Fn.select(2, Fn.split('/', Aws.STACK_ID))],
    ['AWS::Region', Fn.join('-', ['ext', Aws.REGION])],
  ])('derived from %s', (pseudo, value) => {
    const f = ofRule(roleWithExternalId(value), 'XAT6');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain(`derives from ${pseudo}`);
  });

  test('derived from the trusted account id', () => {
    const f = ofRule(roleWithExternalId(`${VENDOR_ACCOUNT}-${Aws.STACK_NAME}`), 'XAT6');
    expect(f[0].message).toContain(`the trusted account id ${VENDOR_ACCOUNT}`);
  });

  test('a custom resource attribute and a dynamic reference are fine', () => {
    const result = checkOne((s) => {
      const gen = new CustomResource(s, 'Generator', { serviceToken: 'arn:aws:lambda:eu-west-1:444455556666:function:gen' });
      new iam.Role(s, 'Role', { assumedBy: new iam.ArnPrincipal(VENDOR_ROLE), externalIds: [gen.getAttString('ExternalId')] });
      new iam.Role(s, 'Other', { assumedBy: new iam.ArnPrincipal(VENDOR_ROLE), externalIds: ['{{resolve:secretsmanager:vendor-external-id}}'] });
    });
    expect(result.findings).toEqual([]);
  });

  test('the Ref of an ordinary resource is a name, not a random value', () => {
    const result = checkOne((s) => {
      const topic = new CfnResource(s, 'Topic', { type: 'AWS::SNS::Topic' });
      new iam.Role(s, 'Role', { assumedBy: new iam.ArnPrincipal(VENDOR_ROLE), externalIds: [topic.ref] });
    });
    expect(ofRule(result, 'XAT6')[0].message).toMatch(/Ref of Topic \(AWS::SNS::Topic\)/);
  });

  test('unresolvable: an ExternalId from an unknown intrinsic', () => {
    const f = ofRule(roleWithExternalId(Fn.importValue('SharedExternalId')), 'XAT6');
    expect(f[0].message).toMatch(/could not be resolved \(Fn::ImportValue SharedExternalId, which no template of this check exports\).*CrossAccountTrust-XAT6\[Statement0\]/);
  });
});
