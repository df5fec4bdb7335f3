/**
 * A CDK app whose workers are granted sts:AssumeRole on roles of the same account with `grantAssumeRole`: in the
 * same stack (an Fn::GetAtt of the role) and across stacks of the app (an Fn::ImportValue of the other stack's
 * export). Both grants are exactly the narrow grant the rules ask for, so neither the pack nor the CLI may report them.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

const ENV = { account: '444455556666', region: 'eu-west-1' };

export function ownAccountGrantsApp(outdir: string, env: { account?: string; region?: string } | undefined = ENV): App {
  const app = new App({ outdir });
  const targets = new Stack(app, 'Targets', { env });
  const workers = new Stack(app, 'Workers', { env });
  const remote = new iam.Role(targets, 'Remote', { assumedBy: new iam.AccountRootPrincipal() });
  const local = new iam.Role(workers, 'Local', { assumedBy: new iam.AccountRootPrincipal() });
  const worker = new iam.Role(workers, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  local.grantAssumeRole(worker);
  remote.grantAssumeRole(worker);
  return app;
}
