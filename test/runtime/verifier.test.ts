import { randomBytes } from 'crypto';
import { STSClient, STSServiceException } from '@aws-sdk/client-sts';
import {
  Answer, assumeDenied, assumed, awsError, callerIdentity, cannedIam, cannedSts, role, SeenRequest,
} from './canned-aws';
import { DynamoDbServer, VENDOR_ACCOUNT } from './harness';
import { ExternalId } from '../../src';
import { check } from '../../src/engine';
import { TrustPolicyProver } from '../../src/prover';
import {
  AccountRegistry, InvalidVerifierOptionsError, NotRegisteredError, VerificationLogEntry, VerificationResult, verifyAccount, verifyAll,
  VerifyAccountOptions, VerifyAllOptions,
} from '../../src/runtime';
import { decodeTrustPolicy, EXTERNAL_ID_MARK, limitReason, livePolicyFindings, proofProblem, scrubExternalId } from '../../src/runtime/live-policy';

// The verifier's own behaviour: its options, what it sends to STS and IAM in which order, how it classifies each
// answer, what it records in the registry (dynalite) and what it logs. STS and IAM here are the real SDK clients with
// a handler that answers each request as the test says (test/runtime/canned-aws.ts); which trust policies real STS
// allows or denies is the loopback STS + IAM's part (test/runtime/local-aws.ts and its scenario tests).

const CUSTOMER = '444455556666';
const OTHER_CUSTOMER = '555566667777';
const DEPUTY_ARN = `arn:aws:iam::${VENDOR_ACCOUNT}:role/AcmeDeputy`;
const DEPUTY_SESSION = `arn:aws:sts::${VENDOR_ACCOUNT}:assumed-role/AcmeDeputy/worker`;
const ROLE_NAME = 'AcmeScannerAccess';
const roleArnOf = (account: string) => `arn:aws:iam::${account}:role/${ROLE_NAME}`;

/** A recognisable ExternalId (it passes ExternalId.validate), searched for in every output of the verifier. */
const canary = () => `CANARYxid${randomBytes(30).toString('base64url')}`;

/** The trust policy the onboarding template gives the role (CustomerRoleTemplate's shape), with an ExternalId. */
const safePolicy = (externalId: string, principal: unknown = DEPUTY_ARN) => ({
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { AWS: principal },
    Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
    Condition: { StringEquals: { 'sts:ExternalId': externalId } },
  }],
});
const withCondition = (condition: unknown) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: DEPUTY_ARN }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Condition: condition }],
});

let server: DynamoDbServer;
beforeAll(async () => {
  server = await DynamoDbServer.start();
});
afterAll(async () => {
  await server.stop();
});

async function freshRegistry(): Promise<AccountRegistry> {
  const tableName = await server.createRegistryTable();
  return new AccountRegistry({ tableName, dynamoDb: server.client, vendorAccountId: VENDOR_ACCOUNT });
}

/**
 * STS answering as a role whose trust policy has the given behaviour: `without`, `wrong` and `right` say whether
 * AssumeRole without an ExternalId, with another one and with `externalId` succeeds.
 */
function stsFor(externalId: string, allow: { without?: boolean; wrong?: boolean; right?: boolean }): Answer {
  return (request) => {
    if (request.action === 'GetCallerIdentity') return callerIdentity(DEPUTY_SESSION);
    const given = request.params.ExternalId;
    const allowed = given === undefined ? allow.without : given === externalId ? allow.right : allow.wrong;
    return allowed
      ? assumed(request.params.RoleArn, request.params.RoleSessionName, request.params.SourceIdentity)
      : assumeDenied(DEPUTY_SESSION, request.params.RoleArn);
  };
}

/** Everything the verifier let out: log entries, results, errors (message and stack) and the recorded reasons. */
class Outputs {
  public readonly entries: VerificationLogEntry[] = [];
  public readonly texts: string[] = [];
  public readonly log = (entry: VerificationLogEntry) => {
    this.entries.push(entry);
    this.texts.push(JSON.stringify(entry));
  };
  public add(value: unknown): void {
    this.texts.push(value instanceof Error ? `${value.name} ${value.message} ${value.stack}` : JSON.stringify(value));
  }
}

describe('verifyAccount', () => {
  test('ACTIVE: sends the three assumes in order, reads the role with the session, records the outcome, and logs it', async () => {
    const registry = await freshRegistry();
    const externalId = canary();
    const registration = await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
    const { sts, seen } = cannedSts(stsFor(externalId, { right: true }));
    const iamCalls: Array<{ credentials: unknown; seen: SeenRequest[] }> = [];
    const outputs = new Outputs();

    const result = await verifyAccount({
      registry,
      sts,
      accountId: CUSTOMER,
      roleName: ROLE_NAME,
      prove: false,
      log: outputs.log,
      iamClient: (credentials) => {
        // A copy: the SDK client adds its own bookkeeping to the object it is given.
        const given = { ...credentials };
        const { iam, seen: iamSeen } = cannedIam(() => role(roleArnOf(CUSTOMER), safePolicy(externalId)), credentials);
        iamCalls.push({ credentials: given, seen: iamSeen });
        return iam;
      },
    });

    expect(seen).toEqual([
      { action: 'AssumeRole', params: { RoleArn: roleArnOf(CUSTOMER), RoleSessionName: 'cross-account-trust-verifier', DurationSeconds: '900' } },
      { action: 'AssumeRole', params: { RoleArn: roleArnOf(CUSTOMER), RoleSessionName: 'cross-account-trust-verifier', DurationSeconds: '900', ExternalId: expect.any(String) } },
      {
        action: 'AssumeRole',
        params: { RoleArn: roleArnOf(CUSTOMER), RoleSessionName: 'cross-account-trust-verifier', DurationSeconds: '900', ExternalId: externalId, SourceIdentity: 'tenant-7' },
      },
    ]);
    const wrong = seen[1].params.ExternalId;
    expect(wrong).not.toBe(externalId);
    expect(ExternalId.validate(wrong).valid).toBe(true);
    // The IAM client was made from the session of the right assume, and asked for the role itself.
    expect(iamCalls).toHaveLength(1);
    expect(iamCalls[0].credentials).toEqual({
      accessKeyId: expect.stringMatching(/^ASIASESSION/), secretAccessKey: 'session-secret', sessionToken: 'session-token', expiration: expect.any(Date),
    });
    expect(iamCalls[0].seen).toEqual([{ action: 'GetRole', params: { RoleName: ROLE_NAME } }]);

    expect(result).toEqual({
      accountId: CUSTOMER,
      tenantId: 'tenant-7',
      registrationId: registration.registrationId,
      roleArn: roleArnOf(CUSTOMER),
      outcome: 'ACTIVE',
      reason: expect.stringContaining('passes XAT1, XAT2, XAT3'),
      verifiedAt: expect.any(String),
      checks: { withoutExternalId: 'denied', wrongExternalId: 'denied', rightExternalId: 'allowed', liveTrustPolicyRead: true, findings: [] },
    });
    const recorded = await registry.getRegistration(CUSTOMER);
    expect(recorded).toMatchObject({
      status: 'ACTIVE',
      roleArn: roleArnOf(CUSTOMER),
      lastVerificationOutcome: 'ACTIVE',
      lastVerificationReason: result.reason,
      lastVerificationAt: result.verifiedAt,
    });
    expect(outputs.entries).toEqual([{
      time: expect.any(String),
      level: 'info',
      event: 'account.verified',
      accountId: CUSTOMER,
      tenantId: 'tenant-7',
      roleArn: roleArnOf(CUSTOMER),
      outcome: 'ACTIVE',
      reason: result.reason,
      checks: result.checks,
    }]);
    expect(outputs.texts.join('\n')).not.toMatch(/session-secret|session-token|deputy-secret/);
  });

  test.each([
    ['without an ExternalId', { without: true }, 1, { withoutExternalId: 'allowed' }, /can be assumed without an ExternalId/],
    ['with a wrong ExternalId', { wrong: true }, 2, { withoutExternalId: 'denied', wrongExternalId: 'allowed' }, /can be assumed with a wrong ExternalId/],
  ])('UNSAFE at once when the role can be assumed %s: no further request, the credentials unused', async (_, allow, requests, checks, reason) => {
    const registry = await freshRegistry();
    const externalId = canary();
    await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
    const { sts, seen } = cannedSts(stsFor(externalId, { ...allow, right: true }));
    const result = await verifyAccount({
      registry,
      sts,
      accountId: CUSTOMER,
      roleName: ROLE_NAME,
      prove: false,
      log: () => undefined,
      iamClient: () => {
        throw new Error('no IAM client is made after a forbidden assume succeeded');
      },
    });
    expect(seen).toHaveLength(requests);
    expect(result).toMatchObject({ outcome: 'UNSAFE', checks, reason: expect.stringMatching(reason) });
    expect(await registry.getRegistration(CUSTOMER)).toMatchObject({ status: 'UNSAFE', lastVerificationOutcome: 'UNSAFE' });
    expect((await registry.getRegistration(CUSTOMER))!.roleArn).toBeUndefined();
  });

  test('UNREACHABLE when the right assume is denied too (AccessDenied, the real SDK\'s STSServiceException)', async () => {
    const registry = await freshRegistry();
    const externalId = canary();
    await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
    const { sts, seen } = cannedSts(stsFor(externalId, {}));
    const result = await verifyAccount({ registry, sts, accountId: CUSTOMER, roleName: ROLE_NAME, prove: false, log: () => undefined });
    expect(seen).toHaveLength(3);
    expect(result).toMatchObject({
      outcome: 'UNREACHABLE',
      checks: { withoutExternalId: 'denied', wrongExternalId: 'denied', rightExternalId: 'denied' },
      reason: expect.stringMatching(/could not be assumed with the account's ExternalId and SourceIdentity tenant-7/),
    });
    expect(await registry.getRegistration(CUSTOMER)).toMatchObject({ status: 'UNREACHABLE' });
  });

  test('UNSAFE when the session may not read the role (GetRole AccessDenied): what it trusts cannot be proven', async () => {
    const registry = await freshRegistry();
    const externalId = canary();
    await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
    const { sts } = cannedSts(stsFor(externalId, { right: true }));
    const result = await verifyAccount({
      registry,
      sts,
      accountId: CUSTOMER,
      roleName: ROLE_NAME,
      prove: false,
      log: () => undefined,
      iamClient: (credentials) => cannedIam(() => awsError('iam', 403, 'AccessDenied',
        `User: arn:aws:sts::${CUSTOMER}:assumed-role/${ROLE_NAME}/cross-account-trust-verifier is not authorized to perform: iam:GetRole`), credentials).iam,
    });
    expect(result).toMatchObject({
      outcome: 'UNSAFE',
      checks: { rightExternalId: 'allowed', liveTrustPolicyRead: false },
      reason: expect.stringMatching(/iam:GetRole denied.*allowVerification/),
    });
  });

  test.each([
    ['no ExternalId condition', () => withCondition(undefined), 'XAT1'],
    ['StringLike on the ExternalId', (x: string) => withCondition({ StringLike: { 'sts:ExternalId': `${x}*` } }), 'XAT2'],
    ['StringEqualsIfExists', (x: string) => withCondition({ StringEqualsIfExists: { 'sts:ExternalId': x } }), 'XAT2'],
    ['the vendor account root', (x: string) => safePolicy(x, `arn:aws:iam::${VENDOR_ACCOUNT}:root`), 'XAT3'],
  ])('UNSAFE when the live trust policy has %s (rule findings), even though STS denied both attacks', async (_, policy, ruleId) => {
    const registry = await freshRegistry();
    const externalId = canary();
    await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
    const { sts } = cannedSts(stsFor(externalId, { right: true }));
    const outputs = new Outputs();
    const result = await verifyAccount({
      registry,
      sts,
      accountId: CUSTOMER,
      roleName: ROLE_NAME,
      prove: false,
      log: outputs.log,
      iamClient: (credentials) => cannedIam(() => role(roleArnOf(CUSTOMER), policy(externalId)), credentials).iam,
    });
    outputs.add(result);
    outputs.add(await registry.getRegistration(CUSTOMER).then((r) => r?.lastVerificationReason));
    expect(result.outcome).toBe('UNSAFE');
    expect(result.checks.findings!.map((f) => f.ruleId)).toEqual([ruleId]);
    expect(result.reason).toMatch(new RegExp(`^the role ${roleArnOf(CUSTOMER)} is assumed only with its ExternalId, but the live trust policy has findings: ${ruleId}: `));
    expect(result.reason.length).toBeLessThanOrEqual(1000);
    expect(outputs.texts.join('\n')).not.toContain(externalId);
  });

  test('with the prover: an attackable live policy is UNSAFE naming the attacks; the deputy ARN comes from GetCallerIdentity', async () => {
    const registry = await freshRegistry();
    const externalId = canary();
    await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
    const { sts, seen } = cannedSts(stsFor(externalId, { right: true }));
    const policy = safePolicy(externalId, `arn:aws:iam::${VENDOR_ACCOUNT}:root`);
    const result = await verifyAccount({
      registry,
      sts,
      accountId: CUSTOMER,
      roleName: ROLE_NAME,
      prove: true,
      log: () => undefined,
      iamClient: (credentials) => cannedIam(() => role(roleArnOf(CUSTOMER), policy), credentials).iam,
    });
    expect(seen[0].action).toBe('GetCallerIdentity');
    expect(seen.filter((r) => r.action === 'GetCallerIdentity')).toHaveLength(1);
    expect(result.checks.proofVerdict).toBe('attackable');
    expect(result.reason).toMatch(/the attack prover found the live trust policy attackable: it allows another role of the vendor's account/);
    expect(result.reason).not.toContain(externalId);
  });

  test('with the prover and a safe live policy: ACTIVE, verdict safe, and vendorRoleArn given saves the GetCallerIdentity', async () => {
    const registry = await freshRegistry();
    const externalId = canary();
    await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
    const { sts, seen } = cannedSts(stsFor(externalId, { right: true }));
    const result = await verifyAccount({
      registry,
      sts,
      accountId: CUSTOMER,
      roleName: ROLE_NAME,
      vendorRoleArn: DEPUTY_ARN,
      log: () => undefined,
      iamClient: (credentials) => cannedIam(() => role(roleArnOf(CUSTOMER), safePolicy(externalId)), credentials).iam,
    });
    expect(seen.map((r) => r.action)).toEqual(['AssumeRole', 'AssumeRole', 'AssumeRole']);
    expect(result).toMatchObject({ outcome: 'ACTIVE', checks: { proofVerdict: 'safe' }, reason: expect.stringMatching(/verdict is safe$/) });
  });

  test('the prover needs the deputy role: a caller identity that is no assumed role is refused, naming vendorRoleArn', async () => {
    const registry = await freshRegistry();
    const { sts } = cannedSts(() => callerIdentity(`arn:aws:iam::${VENDOR_ACCOUNT}:user/ci`));
    await expect(verifyAccount({ registry, sts, accountId: CUSTOMER, roleName: ROLE_NAME, prove: true, log: () => undefined }))
      .rejects.toThrow(new InvalidVerifierOptionsError('verifyAccount: invalid vendorRoleArn (none given): expected the ARN of the deputy role: the sts client\'s '
        + `identity "arn:aws:iam::${VENDOR_ACCOUNT}:user/ci" is not an assumed role, so the prover cannot name the role that attacks are made as`));
  });

  test.each([
    ['Throttling that outlived the SDK\'s retry', awsError('sts', 400, 'Throttling', 'Rate exceeded'), 'Throttling', 2],
    ['expired deputy credentials', awsError('sts', 400, 'ExpiredToken', 'The security token included in the request is expired'), 'ExpiredToken', 1],
    ['an invalid client token', awsError('sts', 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.'), 'InvalidClientTokenId', 1],
  ])('%s is thrown, never an outcome, and nothing is recorded', async (_, answer, name, attempts) => {
    const registry = await freshRegistry();
    const externalId = canary();
    await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
    const { sts, seen } = cannedSts(() => answer);
    const outputs = new Outputs();
    const error = await verifyAccount({ registry, sts, accountId: CUSTOMER, roleName: ROLE_NAME, prove: false, log: outputs.log })
      .then(() => undefined, (e) => e);
    expect(error).toBeInstanceOf(STSServiceException);
    expect(error.name).toBe(name);
    expect(seen).toHaveLength(attempts);
    expect(await registry.getRegistration(CUSTOMER)).toMatchObject({ status: 'PENDING' });
    expect(outputs.entries).toEqual([{ time: expect.any(String), level: 'error', event: 'account.failed', accountId: CUSTOMER, error: expect.stringContaining(name) }]);
  });

  test('a GetRole error other than AccessDenied is thrown (the role deleted between the assume and the read)', async () => {
    const registry = await freshRegistry();
    const externalId = canary();
    await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
    const { sts } = cannedSts(stsFor(externalId, { right: true }));
    await expect(verifyAccount({
      registry,
      sts,
      accountId: CUSTOMER,
      roleName: ROLE_NAME,
      prove: false,
      log: () => undefined,
      iamClient: (credentials) => cannedIam(() => awsError('iam', 404, 'NoSuchEntity', `The role with name ${ROLE_NAME} cannot be found.`), credentials).iam,
    })).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    expect(await registry.getRegistration(CUSTOMER)).toMatchObject({ status: 'PENDING' });
  });

  test('an unregistered account is NotRegisteredError, before any STS request', async () => {
    const registry = await freshRegistry();
    const { sts, seen } = cannedSts(() => {
      throw new Error('no request');
    });
    await expect(verifyAccount({ registry, sts, accountId: CUSTOMER, roleName: ROLE_NAME, prove: false, log: () => undefined }))
      .rejects.toThrow(new NotRegisteredError(`verify: account ${CUSTOMER} is not registered`));
    expect(seen).toEqual([]);
  });

  test('roleArn instead of roleName: the role is assumed and read by that ARN', async () => {
    const registry = await freshRegistry();
    const externalId = canary();
    await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
    const arn = `arn:aws:iam::${CUSTOMER}:role/vendors/Acme`;
    const { sts, seen } = cannedSts(stsFor(externalId, { right: true }));
    let getRole: SeenRequest[] = [];
    const result = await verifyAccount({
      registry,
      sts,
      accountId: CUSTOMER,
      roleArn: arn,
      prove: false,
      log: () => undefined,
      iamClient: (credentials) => {
        const canned = cannedIam(() => role(arn, safePolicy(externalId)), credentials);
        getRole = canned.seen;
        return canned.iam;
      },
    });
    expect(seen.map((r) => r.params.RoleArn)).toEqual([arn, arn, arn]);
    expect(getRole).toEqual([{ action: 'GetRole', params: { RoleName: 'Acme' } }]);
    expect(result).toMatchObject({ outcome: 'ACTIVE', roleArn: arn });
    expect(await registry.getRegistration(CUSTOMER)).toMatchObject({ roleArn: arn });
  });

  test('the default log writes one JSON line per entry on console.log', async () => {
    const registry = await freshRegistry();
    const externalId = canary();
    await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
    const { sts } = cannedSts(stsFor(externalId, {}));
    const lines: unknown[][] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((...args) => void lines.push(args));
    try {
      await verifyAccount({ registry, sts, accountId: CUSTOMER, roleName: ROLE_NAME, prove: false });
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0][0] as string)).toMatchObject({ event: 'account.verified', outcome: 'UNREACHABLE', accountId: CUSTOMER });
  });
});

describe('verifyAll', () => {
  test('verifies every registered account, counts the outcomes, and counts an account that throws as failed without recording it', async () => {
    const registry = await freshRegistry();
    const ids = { active: '200000000001', unsafe: '200000000002', unreachable: '200000000003', throttled: '200000000004' };
    const externalIds: Record<string, string> = {};
    for (const [tenant, accountId] of Object.entries(ids)) {
      externalIds[accountId] = canary();
      await registry.register({ tenantId: `tenant-${tenant}`, accountId, externalId: externalIds[accountId] });
    }
    const accountOf = (arn: string) => /::(\d{12}):/.exec(arn)![1];
    const { sts } = cannedSts((request) => {
      const accountId = accountOf(request.params.RoleArn);
      const externalId = externalIds[accountId];
      if (accountId === ids.throttled) return awsError('sts', 400, 'Throttling', 'Rate exceeded');
      return stsFor(externalId, { right: accountId !== ids.unreachable, wrong: accountId === ids.unsafe })(request);
    });
    const results: VerificationResult[] = [];
    const outputs = new Outputs();
    const summary = await verifyAll({
      registry,
      sts,
      roleName: ROLE_NAME,
      prove: false,
      log: outputs.log,
      concurrency: 2,
      onResult: (result) => results.push(result),
      iamClient: (credentials) => cannedIam(() => role(roleArnOf(ids.active), safePolicy(externalIds[ids.active])), credentials).iam,
    });
    outputs.add(summary);
    outputs.add(results);

    expect(summary).toEqual({
      total: 4,
      active: 1,
      unsafe: 1,
      unreachable: 1,
      failed: 1,
      failures: [{ accountId: ids.throttled, error: 'Throttling: Rate exceeded' }],
    });
    expect(results.map((r) => [r.accountId, r.outcome]).sort()).toEqual([[ids.active, 'ACTIVE'], [ids.unsafe, 'UNSAFE'], [ids.unreachable, 'UNREACHABLE']]);
    expect(await registry.getRegistration(ids.throttled)).toMatchObject({ status: 'PENDING' });
    expect(outputs.entries[0]).toEqual({ time: expect.any(String), level: 'info', event: 'verification.started', concurrency: 2 });
    expect(outputs.entries.at(-1)).toEqual({
      time: expect.any(String), level: 'info', event: 'verification.finished', summary: { total: 4, active: 1, unsafe: 1, unreachable: 1, failed: 1 },
    });
    expect(outputs.entries.filter((e) => e.event === 'account.failed')).toEqual([
      { time: expect.any(String), level: 'error', event: 'account.failed', accountId: ids.throttled, error: 'Throttling: Rate exceeded' },
    ]);
    const all = outputs.texts.join('\n');
    for (const externalId of Object.values(externalIds)) expect(all).not.toContain(externalId);
  });

  test('pulls ids from the stream as workers free up: never more than `concurrency` in flight, and the stream is read lazily', async () => {
    const registry = await freshRegistry();
    let inFlight = 0;
    let maxInFlight = 0;
    let pulled = 0;
    let pulledAtFirstResult = -1;
    // Unregistered accounts of a long stream: each fails at its registry read, which is enough to see the scheduling.
    async function* ids(): AsyncIterable<string> {
      for (let i = 0; i < 200; i++) {
        pulled++;
        yield String(300000000000 + i);
      }
    }
    const realGet = registry.getRegistration.bind(registry);
    registry.getRegistration = async (accountId: string) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await realGet(accountId);
      } finally {
        inFlight--;
      }
    };
    const { sts } = cannedSts(() => {
      throw new Error('no request');
    });
    const summary = await verifyAll({
      registry,
      sts,
      roleName: ROLE_NAME,
      prove: false,
      concurrency: 3,
      accountIds: ids(),
      log: (entry) => {
        if (entry.event === 'account.failed' && pulledAtFirstResult < 0) pulledAtFirstResult = pulled;
      },
    });
    expect(summary).toMatchObject({ total: 200, failed: 200, active: 0 });
    expect(summary.failures).toHaveLength(100);
    expect(summary.failures[0]).toEqual({ accountId: expect.stringMatching(/^3000000000\d\d$/), error: expect.stringMatching(/^NotRegisteredError: verify: account \d{12} is not registered$/) });
    expect(maxInFlight).toBe(3);
    expect(pulledAtFirstResult).toBeLessThanOrEqual(4);
  });

  test('takes a plain iterable; an id that is not 12 digits is a failure of its own', async () => {
    const registry = await freshRegistry();
    const externalId = canary();
    await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
    const { sts } = cannedSts(stsFor(externalId, {}));
    const summary = await verifyAll({ registry, sts, roleName: ROLE_NAME, prove: false, log: () => undefined, accountIds: [CUSTOMER, '1234'] });
    expect(summary).toEqual({
      total: 2,
      active: 0,
      unsafe: 0,
      unreachable: 1,
      failed: 1,
      failures: [{ accountId: '1234', error: 'InvalidVerifierOptionsError: verifyAll: invalid account id from accountIds "1234": expected an AWS account id, a string of exactly 12 digits' }],
    });
  });

  test('onResult throwing stops the run: the accounts in flight finish, and the error is thrown', async () => {
    const registry = await freshRegistry();
    const externalIds = [canary(), canary()];
    await registry.register({ tenantId: 'tenant-a', accountId: CUSTOMER, externalId: externalIds[0] });
    await registry.register({ tenantId: 'tenant-b', accountId: OTHER_CUSTOMER, externalId: externalIds[1] });
    const { sts, seen } = cannedSts((r) => stsFor(r.params.RoleArn.includes(CUSTOMER) ? externalIds[0] : externalIds[1], {})(r));
    let called = 0;
    await expect(verifyAll({
      registry,
      sts,
      roleName: ROLE_NAME,
      prove: false,
      log: () => undefined,
      concurrency: 1,
      accountIds: [CUSTOMER, OTHER_CUSTOMER],
      onResult: () => {
        called++;
        throw new Error('the caller\'s queue is full');
      },
    })).rejects.toThrow('the caller\'s queue is full');
    expect(called).toBe(1);
    expect(seen).toHaveLength(3);
  });
});

describe('no output of the verifier ever holds the ExternalId', () => {
  test('logs, results, recorded reasons and errors, across every outcome and failure', async () => {
    const outputs = new Outputs();
    interface Scenario {
      readonly allow: { without?: boolean; wrong?: boolean; right?: boolean };
      readonly policy?: (x: string) => unknown;
      readonly iamError?: string;
      readonly stsError?: string;
    }
    const scenarios: Scenario[] = [
      { allow: { right: true }, policy: (x) => safePolicy(x) },
      { allow: { right: true }, policy: (x) => withCondition({ StringLike: { 'sts:ExternalId': `${x}*` } }) },
      { allow: { right: true }, policy: (x) => withCondition({ StringEquals: { 'sts:ExternalId': [x, `${x}-old`] } }) },
      { allow: { without: true } },
      { allow: { wrong: true } },
      { allow: {} },
      { allow: { right: true }, iamError: 'AccessDenied' },
      { allow: { right: true }, iamError: 'ServiceFailure' },
      { allow: {}, stsError: 'Throttling' },
    ];
    const externalIds: string[] = [];
    for (const scenario of scenarios) {
      const registry = await freshRegistry();
      const externalId = canary();
      externalIds.push(externalId);
      await registry.register({ tenantId: 'tenant-7', accountId: CUSTOMER, externalId });
      // Error messages from AWS that quote the request's ExternalId: the verifier must not pass them on.
      const { sts } = cannedSts((request) => scenario.stsError && request.params.ExternalId === externalId
        ? awsError('sts', 400, scenario.stsError, `Rate exceeded for ExternalId ${request.params.ExternalId}`)
        : stsFor(externalId, scenario.allow)(request));
      const options = {
        registry,
        sts,
        roleName: ROLE_NAME,
        log: outputs.log,
        vendorRoleArn: DEPUTY_ARN,
        iamClient: (credentials: any) => cannedIam(() => scenario.iamError
          ? awsError('iam', 500, scenario.iamError, `failed on a policy with ${externalId}`)
          : role(roleArnOf(CUSTOMER), scenario.policy!(externalId)), credentials).iam,
      };
      await verifyAccount({ ...options, accountId: CUSTOMER }).then((r) => outputs.add(r), (e) => outputs.add(e));
      await verifyAll({ ...options, onResult: (r) => outputs.add(r) }).then((s) => outputs.add(s), (e) => outputs.add(e));
      outputs.add(await registry.getRegistration(CUSTOMER).then((r) => r && { ...r, externalId: undefined }));
    }
    const all = outputs.texts.join('\n');
    // The search is real: the outputs hold the outcomes, and the mark where a message quoted the value.
    expect(all).toContain('"outcome":"ACTIVE"');
    expect(all).toContain('"outcome":"UNSAFE"');
    expect(all).toContain('"outcome":"UNREACHABLE"');
    expect(all).toContain(EXTERNAL_ID_MARK);
    expect(all).toContain('ServiceFailure');
    for (const externalId of externalIds) expect(all).not.toContain(externalId);
    expect(all).not.toMatch(/CANARYxid/);
  });
});

describe('options are checked before any request', () => {
  const base = async (): Promise<VerifyAccountOptions & VerifyAllOptions> => ({
    registry: await freshRegistry(),
    sts: new STSClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9' }),
    accountId: CUSTOMER,
    roleName: ROLE_NAME,
  });
  const both = (fn: 'verifyAccount' | 'verifyAll') => (options: any) => fn === 'verifyAccount' ? verifyAccount(options) : verifyAll(options);

  test.each([
    ['registry', { registry: {} }, 'invalid registry an object: expected an AccountRegistry of cdk-cross-account-trust/runtime'],
    ['sts', { sts: 'sts' }, 'invalid sts "sts": expected an STSClient of the AWS SDK v3 (@aws-sdk/client-sts) with the deputy role\'s credentials'],
    ['roleName', { roleName: 'Acme Access' }, 'invalid roleName "Acme Access": expected an IAM role name: 1 to 64 of letters, digits and _+=,.@-'],
    ['rolePath', { rolePath: 'vendors' }, 'invalid rolePath "vendors": expected "/" or a path that starts and ends with "/"'],
    ['partition', { partition: 'aws-mars' }, 'invalid partition "aws-mars": expected an AWS partition: one of aws, aws-cn,'],
    ['rolePath without roleName', { roleName: undefined, rolePath: '/x/' }, 'invalid rolePath "/x/": expected nothing without roleName'],
    ['vendorRoleArn', { vendorRoleArn: `arn:aws:iam::${VENDOR_ACCOUNT}:root` }, `invalid vendorRoleArn "arn:aws:iam::${VENDOR_ACCOUNT}:root": it is the account root`],
    ['iamClient', { iamClient: 'iam' }, 'invalid iamClient "iam": expected a function that makes an IAMClient from session credentials'],
    ['prove', { prove: 'yes' }, 'invalid prove "yes": expected true (run the prover), false (never) or nothing'],
    ['log', { log: 'console' }, 'invalid log "console": expected a function called with each VerificationLogEntry'],
  ])('%s (both functions)', async (_, change, message) => {
    for (const fn of ['verifyAccount', 'verifyAll'] as const) {
      const error = await both(fn)({ ...await base(), ...change }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidVerifierOptionsError);
      expect((error as Error).message).toContain(`${fn}: ${message}`);
    }
  });

  test.each([
    ['accountId', { accountId: '4444-5555-6666' }, 'verifyAccount: invalid accountId "4444-5555-6666": expected an AWS account id, a string of exactly 12 digits'],
    ['roleArn of another account', { roleName: undefined, roleArn: `arn:aws:iam::${OTHER_CUSTOMER}:role/Acme` },
      `verifyAccount: invalid roleArn "arn:aws:iam::${OTHER_CUSTOMER}:role/Acme": it is a role of account ${OTHER_CUSTOMER}, not of accountId ${CUSTOMER}; `
      + `expected the ARN of the customer role in account ${CUSTOMER}`],
    ['roleArn with roleName', { roleArn: `arn:aws:iam::${CUSTOMER}:role/Acme` }, `verifyAccount: invalid roleName "${ROLE_NAME}": expected nothing when roleArn is given `
      + '(give either roleArn, or roleName with rolePath and partition)'],
    ['neither', { roleName: undefined }, 'verifyAccount: invalid roleName (none given): expected the name of the customer role (VendorDeputyRole.customerRoleName), or roleArn'],
  ])('verifyAccount: %s', async (_, change, message) => {
    await expect(verifyAccount({ ...await base(), ...change } as VerifyAccountOptions)).rejects.toThrow(new InvalidVerifierOptionsError(message));
  });

  test.each([
    ['concurrency 0', { concurrency: 0 }, 'verifyAll: invalid concurrency the number 0: expected an integer from 1 to 100'],
    ['concurrency 101', { concurrency: 101 }, 'verifyAll: invalid concurrency the number 101: expected an integer from 1 to 100'],
    ['concurrency 2.5', { concurrency: 2.5 }, 'verifyAll: invalid concurrency the number 2.5: expected an integer from 1 to 100'],
    ['onResult', { onResult: [] }, 'verifyAll: invalid onResult an array: expected a function called with each VerificationResult'],
    ['accountIds as one string', { accountIds: CUSTOMER }, `verifyAll: invalid accountIds "${CUSTOMER}": expected an Iterable or AsyncIterable of 12-digit account ids (not a string)`],
    ['no roleName', { roleName: undefined }, 'verifyAll: invalid roleName (none given): expected the name of the customer role, the same in every account'],
  ])('verifyAll: %s', async (_, change, message) => {
    const error = await verifyAll({ ...await base(), ...change } as VerifyAllOptions).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidVerifierOptionsError);
    expect((error as Error).message).toContain(message);
  });

  test('options that are no object', async () => {
    await expect(verifyAccount(null as any)).rejects.toThrow(new InvalidVerifierOptionsError(
      'verifyAccount: invalid options null: expected an object with registry, sts and roleName'));
  });
});

describe('the live trust policy (src/runtime/live-policy.ts)', () => {
  const externalId = canary();

  test('decodeTrustPolicy reads the URL-encoded JSON of GetRole; anything else is refused without quoting the document', () => {
    const policy = safePolicy(externalId);
    expect(decodeTrustPolicy(encodeURIComponent(JSON.stringify(policy)))).toEqual(policy);
    for (const document of [`{"Statement": "${externalId}"`, encodeURIComponent(JSON.stringify([externalId])), `%E0%A4%A${externalId}`]) {
      const error = (() => {
        try {
          decodeTrustPolicy(document);
          return undefined;
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error?.message).toMatch(/^GetRole returned an AssumeRolePolicyDocument that is not (URL-encoded JSON|a JSON object) .*the document is not shown, as it holds the ExternalId\)$/);
      expect(error?.message).not.toContain(externalId);
    }
  });

  test('scrubExternalId replaces the value as it is, URL-encoded and JSON-escaped', () => {
    const withSpecials = 'a:b/c+d=e,f@g';
    expect(scrubExternalId(`x ${externalId} y ${externalId}`, externalId)).toBe(`x ${EXTERNAL_ID_MARK} y ${EXTERNAL_ID_MARK}`);
    expect(scrubExternalId(`q=${encodeURIComponent(withSpecials)}&r=${withSpecials}`, withSpecials)).toBe(`q=${EXTERNAL_ID_MARK}&r=${EXTERNAL_ID_MARK}`);
  });

  test('limitReason keeps at most 1,000 characters', () => {
    expect(limitReason('x'.repeat(1000))).toBe('x'.repeat(1000));
    expect(limitReason('x'.repeat(1001))).toBe(`${'x'.repeat(997)}...`);
  });

  test('the safe policy has no findings; each unsafe one the rule that says why', () => {
    const findings = (policy: unknown) => livePolicyFindings({ policy, accountId: CUSTOMER, externalId }).map((f) => f.ruleId);
    expect(findings(safePolicy(externalId))).toEqual([]);
    expect(findings(withCondition(undefined))).toEqual(['XAT1']);
    expect(findings(withCondition({ StringNotEquals: { 'sts:ExternalId': externalId } }))).toEqual(['XAT2']);
    expect(findings(safePolicy(externalId, '*'))).toEqual(['XAT3']);
    // A principal of the customer's own account is not cross-account trust: no finding without a condition.
    expect(findings({ ...withCondition(undefined), Statement: [{ ...withCondition(undefined).Statement[0], Principal: { AWS: `arn:aws:iam::${CUSTOMER}:role/Admin` } }] })).toEqual([]);
    // Template-only rules are not run: a long session (XAT10) is no reason to stop using a role.
    expect(livePolicyFindings({ policy: safePolicy(externalId), maxSessionDuration: 43200, accountId: CUSTOMER, externalId })).toEqual([]);
  });

  test('a finding that quotes the ExternalId comes out with the mark instead', () => {
    const policy = withCondition({ StringLike: { 'sts:ExternalId': `${externalId}*` } });
    const raw = check([{ source: 's', template: { Resources: { R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: policy } } } }, account: CUSTOMER }],
      { rules: ['XAT2'] }).findings[0].message;
    expect(raw).toContain(externalId);
    const [finding] = livePolicyFindings({ policy, accountId: CUSTOMER, externalId });
    expect(finding.message).toBe(raw.split(externalId).join(EXTERNAL_ID_MARK));
  });

  test('a policy the engine cannot read is a finding, never compliant', () => {
    expect(livePolicyFindings({ policy: { Version: '2012-10-17', Statement: 'everyone' }, accountId: CUSTOMER, externalId }).length).toBeGreaterThan(0);
  });

  test('proofProblem: attackable names the allowed attacks; safe, unusable and undecided are no problem', async () => {
    const prover = new TrustPolicyProver();
    const roleArn = roleArnOf(CUSTOMER);
    const attackable = await prover.proveTrust({ policy: safePolicy(externalId, `arn:aws:iam::${VENDOR_ACCOUNT}:root`), roleArn, vendorRoleArn: DEPUTY_ARN, externalId });
    expect(attackable.verdict).toBe('attackable');
    expect(proofProblem(attackable, externalId)).toBe('the attack prover found the live trust policy attackable: it allows '
      + 'another role of the vendor\'s account, with the right ExternalId (attack 3, by statement 0); an IAM user of the vendor\'s account, '
      + 'with the right ExternalId (attack 4, by statement 0)');
    const safe = await prover.proveTrust({ policy: safePolicy(externalId), roleArn, vendorRoleArn: DEPUTY_ARN, externalId });
    expect(safe.verdict).toBe('safe');
    expect(proofProblem(safe, externalId)).toBeUndefined();
    const unusable = await prover.proveTrust({ policy: safePolicy(externalId), roleArn, vendorRoleArn: DEPUTY_ARN, externalId: canary() });
    expect(unusable.verdict).toBe('unusable');
    expect(proofProblem(unusable, externalId)).toBeUndefined();
    const undecided = await prover.proveTrust({
      policy: withCondition({ StringEquals: { 'sts:ExternalId': externalId }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }),
      roleArn,
      vendorRoleArn: DEPUTY_ARN,
      externalId,
    });
    expect(undecided.verdict).toBe('undecided');
    expect(proofProblem(undecided, externalId)).toBeUndefined();
  });
});
