import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { check } from '../../src/engine';
import { CheckOptions, CheckResult, Finding } from '../../src/engine/types';

export const VENDOR_ACCOUNT = '111122223333';
export const OWN_ACCOUNT = '444455556666';
export const VENDOR_ROLE = `arn:aws:iam::${VENDOR_ACCOUNT}:role/VendorDeputy`;

/** Synthesizes one stack built by `build` and returns its template JSON. */
export function synth(build: (stack: Stack) => void, account = OWN_ACCOUNT): Record<string, any> {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account, region: 'eu-west-1' } });
  build(stack);
  return Template.fromStack(stack).toJSON();
}

export function run(templates: Array<Record<string, any>>, options?: CheckOptions): CheckResult {
  return check(templates.map((template, i) => ({ source: `stack${i}.json`, template, account: OWN_ACCOUNT })), options);
}

export function checkOne(build: (stack: Stack) => void, options?: CheckOptions): CheckResult {
  return run([synth(build)], options);
}

export function ofRule(result: CheckResult, ruleId: string): Finding[] {
  return result.findings.filter((f) => f.ruleId === ruleId);
}

/** A NoEcho ExternalId parameter that meets XAT5. */
export function goodExternalIdParameter(stack: Stack, id = 'ExternalId'): CfnParameter {
  return new CfnParameter(stack, id, {
    type: 'String',
    noEcho: true,
    minLength: 32,
    maxLength: 1224,
    allowedPattern: '[\\w+=,.@:/-]*',
  });
}

/** The compliant customer role: trusts one vendor role, plain StringEquals on a good NoEcho parameter. */
export function goodRole(stack: Stack, id = 'VendorRole', param?: CfnParameter): iam.Role {
  const p = param ?? goodExternalIdParameter(stack, `${id}ExternalId`);
  return new iam.Role(stack, id, {
    assumedBy: new iam.ArnPrincipal(VENDOR_ROLE),
    externalIds: [p.valueAsString],
  });
}

/** A trust policy statement for an L1 role. */
export function trustDoc(...statements: unknown[]): unknown {
  return { Version: '2012-10-17', Statement: statements };
}

export function logicalIds(template: Record<string, any>, type: string): string[] {
  return Object.entries(template.Resources).filter(([, r]: [string, any]) => r.Type === type).map(([id]) => id);
}

/** The body of a StackSet: one role `Inner` trusting `principal` with a NoEcho ExternalId parameter that meets XAT5. */
export function stackSetBody(principal: string): Record<string, unknown> {
  return {
    Parameters: { ExternalId: { Type: 'String', NoEcho: true, MinLength: 32, MaxLength: 1224, AllowedPattern: '[\\w+=,.@:/-]*' } },
    Resources: {
      Inner: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: principal }, Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } } },
          },
        },
      },
    },
  };
}
