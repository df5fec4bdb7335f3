import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { VENDOR_ACCOUNT } from './harness';
import { CustomerRoleTemplateOptions, VendorDeputyRole } from '../../src';

// The vendor's deputy role and its onboarding templates, synthesized, for the loopback STS + IAM
// (test/runtime/local-aws.ts): the verifier's scenario tests and its benchmark deploy these.

export const CUSTOMER_ROLE_NAME = 'AcmeScannerAccess';
export const DEPUTY_NAME = 'AcmeScannerDeputy';
export const DEPUTY_ARN = `arn:aws:iam::${VENDOR_ACCOUNT}:role/${DEPUTY_NAME}`;

export interface OnboardingFixtures<K extends string> {
  /** The vendor's stack with the deputy role. */
  readonly vendorTemplate: any;
  /** One onboarding template per variant. */
  readonly templates: Record<K, any>;
}

/**
 * The vendor's stack and one onboarding template per variant of options, all synthesized from one app (every stack
 * is added before the app is synthesized once). The role's permissions are a policy statement, since the endpoint
 * holds no managed policy documents.
 */
export function onboardingFixtures<K extends string>(variants: Record<K, Partial<CustomerRoleTemplateOptions>>): OnboardingFixtures<K> {
  const app = new App();
  const vendor = new Stack(app, 'AcmeVendor', { env: { account: VENDOR_ACCOUNT, region: 'eu-west-1' } });
  const deputy = new VendorDeputyRole(vendor, 'Deputy', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    roleName: DEPUTY_NAME,
    customerRoleName: CUSTOMER_ROLE_NAME,
  });
  const stacks = Object.entries<Partial<CustomerRoleTemplateOptions>>(variants).map(([name, options], i) => [name, deputy.customerRoleTemplate(app, `Onboarding${i}`, {
    policyStatements: [new iam.PolicyStatement({ actions: ['s3:GetBucketPolicyStatus'], resources: ['*'] })],
    ...options,
  })] as const);
  return {
    vendorTemplate: Template.fromStack(vendor).toJSON(),
    templates: Object.fromEntries(stacks.map(([name, stack]) => [name, Template.fromStack(stack).toJSON()])) as Record<K, any>,
  };
}

/** A copy of an onboarding template with its one trust statement edited, as a customer might edit it. */
export function withTrustStatement(template: any, edit: (statement: Record<string, any>) => void): any {
  const copy = JSON.parse(JSON.stringify(template));
  const roles = Object.values<any>(copy.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
  const statements = roles.length === 1 ? roles[0].Properties.AssumeRolePolicyDocument.Statement : [];
  if (statements.length !== 1) {
    throw new Error(`expected an onboarding template with one role of one trust statement, found ${roles.length} roles`);
  }
  edit(statements[0]);
  return copy;
}
