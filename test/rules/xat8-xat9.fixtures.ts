import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

export const DENY_OWN_ACCOUNT = new iam.PolicyStatement({
  sid: 'DenyOwnAccount',
  effect: iam.Effect.DENY,
  actions: ['sts:AssumeRole'],
  resources: ['*'],
  conditions: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
});

/** A vendor deputy: a role that the vendor's workload assumes, with an identity policy on what it may assume. */
export function deputy(stack: Stack, resources: string[], withDeny: boolean): iam.Role {
  const role = new iam.Role(stack, 'Deputy', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ sid: 'AssumeCustomerRoles', actions: ['sts:AssumeRole'], resources }));
  if (withDeny) role.addToPolicy(DENY_OWN_ACCOUNT);
  return role;
}
