import { DynamoDbServer, VENDOR_ACCOUNT } from './harness';
import { LocalAws, LocalCredentials } from './local-aws';
import { CUSTOMER_ROLE_NAME, DEPUTY_ARN, onboardingFixtures, withTrustStatement } from './onboarding-fixtures';
import { VendorTrust } from '../../src';
import { AccountRegistry, VerificationLogEntry, VerificationResult, verifyAccount, verifyAll, VerifyAllOptions } from '../../src/runtime';

// The verifier end to end on real components: the real STSClient and IAMClient against a loopback STS + IAM
// (test/runtime/local-aws.ts) that holds the roles the synthesized templates create and decides each request with the
// IAM policy evaluator, the run-time AccountRegistry on dynalite, and the prover. The unsafe roles are the synthesized
// onboarding template with one deliberate edit each, as a customer might make it; nothing here says which assume is
// allowed: the trust policy and the evaluator do.

const ROLE_NAME = CUSTOMER_ROLE_NAME;
const FIXTURES = onboardingFixtures({
  safe: {},
  narrowedRoot: { trust: VendorTrust.ACCOUNT_ROOT_NARROWED_TO_ROLE },
  withoutVerification: { allowVerification: false },
});
const VENDOR_TEMPLATE = FIXTURES.vendorTemplate;
const { safe: SAFE, narrowedRoot: NARROWED_ROOT, withoutVerification: WITHOUT_VERIFICATION } = FIXTURES.templates;
const edited = withTrustStatement;
const externalIdCondition = (operator: string, value: unknown = { Ref: 'ExternalId' }) => ({ [operator]: { 'sts:ExternalId': value } });

let local: LocalAws;
let dynamo: DynamoDbServer;
let deputyCredentials: LocalCredentials;
let registry: AccountRegistry;
let nextAccount = 444400000000;

beforeAll(async () => {
  [local, dynamo] = await Promise.all([LocalAws.start(), DynamoDbServer.start()]);
  await local.deploy(VENDOR_TEMPLATE, { accountId: VENDOR_ACCOUNT, stackName: 'AcmeVendor' });
  // What AWS Lambda hands the verifier's worker: a session of its execution role, the deputy.
  deputyCredentials = local.sessionOf(DEPUTY_ARN, 'worker');
  const tableName = await dynamo.createRegistryTable();
  registry = new AccountRegistry({ tableName, dynamoDb: dynamo.client, vendorAccountId: VENDOR_ACCOUNT });
});
afterAll(async () => {
  await Promise.all([local.stop(), dynamo.stop()]);
});

/** Registers a fresh account and deploys `template` in it with the account's ExternalId, as the customer does. */
async function onboard(template: any, tenantId = 'tenant-a'): Promise<{ accountId: string; externalId: string; roleArn: string }> {
  const accountId = String(nextAccount++);
  const { externalId } = await registry.register({ tenantId, accountId });
  const [roleArn] = await local.deploy(template, { accountId, parameters: { ExternalId: externalId } });
  return { accountId, externalId, roleArn };
}

/** verifyAccount as the worker calls it, with every log entry kept, checked never to hold the ExternalId. */
async function verify(accountId: string, externalId: string, maxAttempts = 3): Promise<VerificationResult> {
  const entries: VerificationLogEntry[] = [];
  const sts = local.sts(deputyCredentials, maxAttempts);
  try {
    const result = await verifyAccount({
      registry,
      sts,
      accountId,
      roleName: ROLE_NAME,
      iamClient: (credentials) => local.iam(credentials),
      log: (entry) => entries.push(entry),
    });
    expect(JSON.stringify([result, entries])).not.toContain(externalId);
    return result;
  } finally {
    expect(JSON.stringify(entries)).not.toContain(externalId);
    sts.destroy();
  }
}

describe('verifier against the loopback STS + IAM', () => {
  test('the onboarding template as synthesized: ACTIVE, and the registry marks the role usable', async () => {
    const { accountId, externalId, roleArn } = await onboard(SAFE);
    const result = await verify(accountId, externalId);
    expect(result).toMatchObject({
      outcome: 'ACTIVE',
      roleArn,
      checks: { withoutExternalId: 'denied', wrongExternalId: 'denied', rightExternalId: 'allowed', liveTrustPolicyRead: true, findings: [], proofVerdict: 'safe' },
    });
    expect(await registry.getRegistration(accountId)).toMatchObject({ status: 'ACTIVE', roleArn, lastVerificationOutcome: 'ACTIVE' });
  });

  test('the account root narrowed to the deputy with ArnEquals aws:PrincipalArn: ACTIVE', async () => {
    const { accountId, externalId } = await onboard(NARROWED_ROOT);
    expect((await verify(accountId, externalId)).outcome).toBe('ACTIVE');
  });

  test('a role that does not let the session read it (allowVerification false): UNSAFE, not provable', async () => {
    const { accountId, externalId } = await onboard(WITHOUT_VERIFICATION);
    const result = await verify(accountId, externalId);
    expect(result).toMatchObject({ outcome: 'UNSAFE', checks: { rightExternalId: 'allowed', liveTrustPolicyRead: false } });
    expect(result.reason).toMatch(/iam:GetRole denied/);
    expect(await registry.getRegistration(accountId)).toMatchObject({ status: 'UNSAFE' });
    expect((await registry.getRegistration(accountId))?.roleArn).toBeUndefined();
  });

  test.each([
    ['no ExternalId condition', (s: Record<string, any>) => delete s.Condition, /without an ExternalId/, { withoutExternalId: 'allowed' }],
    ['StringEqualsIfExists (passes when the key is absent)', (s: Record<string, any>) => (s.Condition = externalIdCondition('StringEqualsIfExists')),
      /without an ExternalId/, { withoutExternalId: 'allowed' }],
    ['StringLike with a wildcard', (s: Record<string, any>) => (s.Condition = externalIdCondition('StringLike', '*')),
      /with a wrong ExternalId/, { withoutExternalId: 'denied', wrongExternalId: 'allowed' }],
    ['StringLike on the exact value', (s: Record<string, any>) => (s.Condition = externalIdCondition('StringLike')),
      /XAT2/, { withoutExternalId: 'denied', wrongExternalId: 'denied', rightExternalId: 'allowed' }],
    ['the whole vendor account trusted (root, not narrowed to the deputy)', (s: Record<string, any>) => {
      s.Principal = { AWS: `arn:aws:iam::${VENDOR_ACCOUNT}:root` };
    }, /XAT3/, { withoutExternalId: 'denied', wrongExternalId: 'denied', rightExternalId: 'allowed' }],
  ])('%s: UNSAFE with the reason', async (_name, edit, reason, checks) => {
    const { accountId, externalId, roleArn } = await onboard(edited(SAFE, edit));
    const result = await verify(accountId, externalId);
    expect(result).toMatchObject({ outcome: 'UNSAFE', roleArn, checks });
    expect(result.reason).toMatch(reason);
    const registration = await registry.getRegistration(accountId);
    expect(registration).toMatchObject({ status: 'UNSAFE', lastVerificationOutcome: 'UNSAFE', lastVerificationReason: result.reason });
    expect(registration?.roleArn).toBeUndefined();
  });

  test('a trust policy edited after activation to drop the condition: ACTIVE, then UNSAFE', async () => {
    const { accountId, externalId, roleArn } = await onboard(SAFE);
    expect((await verify(accountId, externalId)).outcome).toBe('ACTIVE');
    const { Condition: _dropped, ...statement } = (local.role(roleArn)!.trustPolicy.Statement as any[])[0];
    await local.updateTrustPolicy(roleArn, { Version: '2012-10-17', Statement: [statement] });
    const result = await verify(accountId, externalId);
    expect(result).toMatchObject({ outcome: 'UNSAFE', checks: { withoutExternalId: 'allowed' } });
    expect(result.reason).toMatch(/without an ExternalId/);
    expect(await registry.getRegistration(accountId)).toMatchObject({ status: 'UNSAFE' });
  });

  test('the role deleted: UNREACHABLE', async () => {
    const { accountId, externalId, roleArn } = await onboard(SAFE);
    local.deleteRole(roleArn);
    const result = await verify(accountId, externalId);
    expect(result).toMatchObject({ outcome: 'UNREACHABLE', checks: { withoutExternalId: 'denied', wrongExternalId: 'denied', rightExternalId: 'denied' } });
    expect(await registry.getRegistration(accountId)).toMatchObject({ status: 'UNREACHABLE' });
  });

  test('a trust policy without sts:SetSourceIdentity: the right assume is denied with SourceIdentity, UNREACHABLE', async () => {
    const { accountId, externalId } = await onboard(edited(SAFE, (s) => (s.Action = 'sts:AssumeRole')));
    const result = await verify(accountId, externalId);
    expect(result.outcome).toBe('UNREACHABLE');
    expect(result.reason).toMatch(/sts:SetSourceIdentity/);
  });

  test('a role onboarded with another account\'s ExternalId: UNREACHABLE', async () => {
    const other = await onboard(SAFE);
    const accountId = String(nextAccount++);
    const { externalId } = await registry.register({ tenantId: 'tenant-b', accountId });
    await local.deploy(SAFE, { accountId, parameters: { ExternalId: other.externalId } });
    expect((await verify(accountId, externalId)).outcome).toBe('UNREACHABLE');
  });

  test('throttling is retried by the SDK, not taken for a denial', async () => {
    const { accountId, externalId } = await onboard(SAFE);
    const before = local.throttled;
    local.throttle({ action: 'AssumeRole', times: 2 });
    local.throttle({ action: 'GetRole', times: 1 });
    expect((await verify(accountId, externalId)).outcome).toBe('ACTIVE');
    expect(local.throttled - before).toBe(3);
  });

  test('throttling beyond the retries is thrown; nothing is recorded', async () => {
    const { accountId, externalId } = await onboard(SAFE);
    local.throttle({ action: 'AssumeRole', times: 2 });
    await expect(verify(accountId, externalId, 2)).rejects.toMatchObject({ name: 'Throttling', message: 'Rate exceeded' });
    expect(await registry.getRegistration(accountId)).toMatchObject({ status: 'PENDING' });
    expect((await registry.getRegistration(accountId))?.lastVerificationOutcome).toBeUndefined();
  });

  test('verifyAll over a mix of accounts records each outcome', async () => {
    const table = await dynamo.createRegistryTable();
    const own = new AccountRegistry({ tableName: table, dynamoDb: dynamo.client, vendorAccountId: VENDOR_ACCOUNT });
    const expected = new Map<string, string>();
    const plan: Array<[any, string]> = [
      [SAFE, 'ACTIVE'], [NARROWED_ROOT, 'ACTIVE'], [SAFE, 'ACTIVE'],
      [edited(SAFE, (s) => delete s.Condition), 'UNSAFE'], [WITHOUT_VERIFICATION, 'UNSAFE'],
      [undefined, 'UNREACHABLE'],
    ];
    for (const [template, outcome] of plan) {
      const accountId = String(nextAccount++);
      const { externalId } = await own.register({ tenantId: `tenant-${accountId}`, accountId });
      if (template) await local.deploy(template, { accountId, parameters: { ExternalId: externalId } });
      expected.set(accountId, outcome);
    }
    const results: VerificationResult[] = [];
    const sts = local.sts(deputyCredentials);
    const options: VerifyAllOptions = {
      registry: own,
      sts,
      roleName: ROLE_NAME,
      concurrency: 4,
      iamClient: (c) => local.iam(c),
      log: () => undefined,
      onResult: (r) => results.push(r),
    };
    const summary = await verifyAll(options);
    sts.destroy();
    expect(summary).toMatchObject({ total: 6, active: 3, unsafe: 2, unreachable: 1, failed: 0 });
    expect(new Map(results.map((r) => [r.accountId, r.outcome]))).toEqual(expected);
    for (const [accountId, outcome] of expected) {
      expect((await own.getRegistration(accountId))?.status).toBe(outcome);
    }
  });
});
