import { GetRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { LocalAws, LocalCredentials } from './local-aws';

// The loopback STS + IAM itself: what it refuses to deploy (rather than deploying something else), and that its
// answers are AWS-shaped for the real SDK clients. Which trust policies it allows is the evaluator's part, exercised
// by test/runtime/verifier-scenarios.test.ts.

const VENDOR = '111122223333';
const trust = (condition?: unknown, principal = `arn:aws:iam::${VENDOR}:role/Deputy`) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
});
const roleTemplate = (properties: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
  ...more,
  Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'Customer', AssumeRolePolicyDocument: trust(), ...properties } } },
});
const DEPUTY_TEMPLATE = roleTemplate({
  RoleName: 'Deputy',
  AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  Policies: [{
    PolicyName: 'Assume',
    PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/Customer' } }] },
  }],
});

let local: LocalAws;
let deputy: LocalCredentials;
let account = 444455556667;
beforeAll(async () => {
  local = await LocalAws.start();
  await local.deploy(DEPUTY_TEMPLATE, { accountId: VENDOR });
  deputy = local.sessionOf(`arn:aws:iam::${VENDOR}:role/Deputy`, 'worker');
});
afterAll(() => local.stop());

test('resolves Ref, Fn::Join and Fn::Sub against parameters and pseudo parameters', async () => {
  const accountId = String(account++);
  const [arn] = await local.deploy(roleTemplate({
    RoleName: { 'Fn::Join': ['-', ['Customer', { Ref: 'Suffix' }]] },
    AssumeRolePolicyDocument: trust({ StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } }),
    Description: { 'Fn::Sub': 'in ${AWS::AccountId}, literal ${!Kept}' },
  }, { Parameters: { ExternalId: { Type: 'String', MinLength: 4 }, Suffix: { Type: 'String', Default: 'x' } } }),
  { accountId, parameters: { ExternalId: 'abcd' } });
  expect(arn).toBe(`arn:aws:iam::${accountId}:role/Customer-x`);
  expect(local.role(arn)!.trustPolicy).toEqual(trust({ StringEquals: { 'sts:ExternalId': 'abcd' } }));
});

test.each([
  ['a parameter value outside its constraints', roleTemplate({}, { Parameters: { P: { Type: 'String', MinLength: 8, ConstraintDescription: 'too short' } } }),
    { P: 'abc' }, /Parameter 'P' too short/],
  ['a parameter without a value', roleTemplate({}, { Parameters: { P: { Type: 'String' } } }), {}, /\[P\] must have values/],
  ['an undeclared parameter', roleTemplate({}), { Q: 'x' }, /\[Q\] do not exist/],
  ['a managed policy (the endpoint holds no documents)', roleTemplate({ ManagedPolicyArns: ['arn:aws:iam::aws:policy/SecurityAudit'] }), {},
    /holds no managed policy documents/],
  ['a permissions boundary', roleTemplate({ PermissionsBoundary: 'arn:aws:iam::aws:policy/X' }), {}, /cannot honour Role's PermissionsBoundary/],
  ['an intrinsic it does not resolve', roleTemplate({ RoleName: { 'Fn::ImportValue': 'x' } }), {}, /does not resolve Fn::ImportValue/],
  ['another resource type', { Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } }, {}, /IAM roles only; Bucket is a AWS::S3::Bucket/],
  ['a template condition', roleTemplate({}, { Conditions: { C: { 'Fn::Equals': ['a', 'b'] } } }), {}, /does not evaluate template Conditions/],
  ['a malformed trust policy', roleTemplate({ AssumeRolePolicyDocument: { Statement: [{ Effect: 'Maybe' }] } }), {}, /MalformedPolicyDocument/],
])('refuses %s', async (_name, template, parameters, message) => {
  const accountId = String(account++);
  await expect(local.deploy(template, { accountId, parameters })).rejects.toThrow(message);
  expect(local.role(`arn:aws:iam::${accountId}:role/Customer`)).toBeUndefined();
});

test('refuses a role name already taken in the account', async () => {
  const accountId = String(account++);
  await local.deploy(roleTemplate({}), { accountId });
  await expect(local.deploy(roleTemplate({}), { accountId })).rejects.toThrow(/EntityAlreadyExists/);
});

test('answers the real SDK clients as STS and IAM do', async () => {
  const accountId = String(account++);
  const [arn] = await local.deploy(roleTemplate({ AssumeRolePolicyDocument: trust({ StringEquals: { 'sts:ExternalId': 'right-id' } }) }), { accountId });
  const sts = local.sts(deputy, 1);
  try {
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${VENDOR}:assumed-role/Deputy/worker`);
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's1' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
      message: `User: arn:aws:sts::${VENDOR}:assumed-role/Deputy/worker is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
    });
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's1', ExternalId: 'x' })))
      .rejects.toMatchObject({ name: 'ValidationError' });
    const { Credentials, AssumedRoleUser } = await sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's1', ExternalId: 'right-id' }));
    expect(AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${accountId}:assumed-role/Customer/s1`);
    // The customer role grants its session nothing: GetRole is denied, and a made-up token is refused.
    const { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: sessionToken } = Credentials!;
    const session = { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, sessionToken: sessionToken! };
    const iam = local.iam(session, 1);
    await expect(iam.send(new GetRoleCommand({ RoleName: 'Customer' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    iam.destroy();
    const forged = local.iam({ accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: 'x', sessionToken: 'forged' }, 1);
    await expect(forged.send(new GetRoleCommand({ RoleName: 'Customer' }))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    forged.destroy();
  } finally {
    sts.destroy();
  }
});

test('a role deleted is denied to AssumeRole (not NoSuchEntity, as STS does)', async () => {
  const accountId = String(account++);
  const [arn] = await local.deploy(roleTemplate({}), { accountId });
  local.deleteRole(arn);
  const sts = local.sts(deputy, 1);
  await expect(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's1' }))).rejects.toMatchObject({ name: 'AccessDenied' });
  sts.destroy();
});
