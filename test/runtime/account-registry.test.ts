import { createHash } from 'crypto';
import { AttributeValue, BatchWriteItemCommand, DeleteItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import * as fc from 'fast-check';
import { DynamoDbServer, FORBIDDEN_ACCOUNT, VENDOR_ACCOUNT } from './harness';
import { ExternalId } from '../../src';
import { REGISTRY_SCHEMA } from '../../src/private/registry-schema';
import {
  AccountAlreadyRegisteredError, AccountRegistry, AccountRegistryError, ExternalIdMismatchError, ExternalIdReusedError, ForbiddenAccountError,
  InvalidAccountIdError, InvalidRegistryItemError, InvalidRegistryOptionsError, InvalidTenantIdError, InvalidVerificationError,
  NotRegisteredError, RegisterResult, WeakExternalIdError,
} from '../../src/runtime';

let server: DynamoDbServer;
beforeAll(async () => {
  server = await DynamoDbServer.start();
});
afterAll(async () => {
  await server.stop();
});

/** A registry over a fresh table created from the synthesized construct. */
async function freshRegistry(): Promise<{ registry: AccountRegistry; tableName: string }> {
  const tableName = await server.createRegistryTable();
  const registry = new AccountRegistry({
    tableName, dynamoDb: server.client, vendorAccountId: VENDOR_ACCOUNT, forbiddenAccounts: [VENDOR_ACCOUNT, FORBIDDEN_ACCOUNT],
  });
  return { registry, tableName };
}

const ACCOUNT = '444455556666';
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const pk = (item: Record<string, AttributeValue>) => item[REGISTRY_SCHEMA.partitionKey].S!;
const accountItems = (items: Array<Record<string, AttributeValue>>) => items.filter((i) => pk(i).startsWith(REGISTRY_SCHEMA.accountItemPrefix));
const reservations = (items: Array<Record<string, AttributeValue>>) => items.filter((i) => pk(i).startsWith(REGISTRY_SCHEMA.externalIdItemPrefix));

/** The outcome of a promise, as the error's name or 'ok'. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  }
}

describe('register', () => {
  test('writes the account item and the reservation of its ExternalId, in the layout the construct and the contract share', async () => {
    const { registry, tableName } = await freshRegistry();
    const registration = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });

    expect(registration).toEqual({
      tenantId: 'tenant-a',
      accountId: ACCOUNT,
      externalId: expect.any(String),
      status: 'PENDING',
      registrationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      createdAt: expect.any(String),
      updatedAt: registration.createdAt,
    });
    expect(new Date(registration.createdAt).toISOString()).toBe(registration.createdAt);
    expect(ExternalId.validate(registration.externalId).valid).toBe(true);

    const items = await server.scan(tableName);
    expect(accountItems(items)).toEqual([{
      pk: { S: `ACCOUNT#${ACCOUNT}` },
      tenantId: { S: 'tenant-a' },
      accountId: { S: ACCOUNT },
      externalId: { S: registration.externalId },
      status: { S: 'PENDING' },
      registrationId: { S: registration.registrationId },
      createdAt: { S: registration.createdAt },
      updatedAt: { S: registration.createdAt },
    }]);
    // The reservation holds the digest, never the value.
    expect(reservations(items)).toEqual([{
      pk: { S: `EXTERNAL_ID#${sha256(registration.externalId)}` },
      registrationId: { S: registration.registrationId },
      reservedAt: { S: registration.createdAt },
    }]);
  });

  test('is idempotent for the same tenant: the existing registration comes back, nothing more is written', async () => {
    const { registry, tableName } = await freshRegistry();
    const first = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    const before = await server.scan(tableName);
    await expect(registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT })).resolves.toEqual(first);
    await expect(registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT, externalId: first.externalId })).resolves.toEqual(first);
    expect(await server.scan(tableName)).toEqual(before);
  });

  test('refuses a supplied ExternalId that differs from the one the tenant\'s registration holds, and changes nothing', async () => {
    const { registry, tableName } = await freshRegistry();
    const first = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    const before = await server.scan(tableName);
    const other = ExternalId.generate();
    const attempt = registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT, externalId: other });
    await expect(attempt).rejects.toThrow(ExternalIdMismatchError);
    await expect(attempt).rejects.toThrow(/already registered to tenant tenant-a with another ExternalId than the one supplied \(values not shown\)/);
    expect(await server.scan(tableName)).toEqual(before);
    await expect(registry.describe({ tenantId: 'tenant-a', accountId: ACCOUNT })).resolves.toEqual(first);
  });

  test('another tenant gets AccountAlreadyRegisteredError, whose message says nothing about the holder', async () => {
    const { registry, tableName } = await freshRegistry();
    await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    const before = await server.scan(tableName);
    const error = await registry.register({ tenantId: 'tenant-b', accountId: ACCOUNT }).catch((e) => e);
    expect(error).toBeInstanceOf(AccountAlreadyRegisteredError);
    expect(error.name).toBe('AccountAlreadyRegisteredError');
    expect(error.message).toBe(`register: account ${ACCOUNT} is already registered on this platform, and an AWS account can be registered only once; `
      + 'if it belongs to this tenant, the registration that holds it must be deregistered first');
    expect(error.message).not.toContain('tenant-a');
    expect(await server.scan(tableName)).toEqual(before);
  });

  test('a supplied ExternalId that passes ExternalId.validate is stored as given', async () => {
    const { registry } = await freshRegistry();
    const externalId = `acme_${ExternalId.generate()}`;
    await expect(registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT, externalId })).resolves.toMatchObject({ externalId });
  });
});

describe('concurrency (dynalite serialises conditional writes per item, as DynamoDB does)', () => {
  test('50 tenants register one account at once: one wins, 49 get AccountAlreadyRegisteredError, one account item and one reservation remain', async () => {
    const { registry, tableName } = await freshRegistry();
    const tenants = Array.from({ length: 50 }, (_, i) => `tenant-${i}`);
    const results = await Promise.allSettled(tenants.map((tenantId) => registry.register({ tenantId, accountId: ACCOUNT })));

    const won = results.filter((r): r is PromiseFulfilledResult<RegisterResult> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const r of lost) expect(r.reason).toBeInstanceOf(AccountAlreadyRegisteredError);

    const winner = won[0].value;
    const items = await server.scan(tableName);
    expect(accountItems(items).map((i) => [i.tenantId.S, i.externalId.S])).toEqual([[winner.tenantId, winner.externalId]]);
    // The losers that reserved an ExternalId before losing the commit released it: only the winner's is left.
    expect(reservations(items).map((i) => [pk(i), i.registrationId.S])).toEqual([[`EXTERNAL_ID#${sha256(winner.externalId)}`, winner.registrationId]]);
  });

  test('50 tenants that all read the account as free before anyone writes: one commits, 49 release their reservations', async () => {
    const tableName = await server.createRegistryTable();
    // A real client whose GetItem answers are held until all 50 have read: every call then reserves an ExternalId and
    // tries to commit, so the commit point and the compensation decide, not the first read.
    const client = server.newClient();
    const operations: string[] = [];
    let reads = 0;
    let releaseReads: () => void = () => {};
    const allRead = new Promise<void>((resolve) => { releaseReads = resolve; });
    client.middlewareStack.add((next, context) => async (args) => {
      operations.push(context.commandName!);
      const result = await next(args);
      if (context.commandName === 'GetItemCommand' && reads < 50) {
        if (++reads === 50) releaseReads();
        await allRead;
      }
      return result;
    }, { step: 'initialize' });
    const registry = new AccountRegistry({ tableName, dynamoDb: client, vendorAccountId: VENDOR_ACCOUNT });

    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => registry.register({ tenantId: `tenant-${i}`, accountId: ACCOUNT })));
    client.destroy();
    const won = results.filter((r): r is PromiseFulfilledResult<RegisterResult> => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof AccountAlreadyRegisteredError)).toHaveLength(49);
    // 50 reservations and 50 commit attempts were written; the 49 losers deleted their own reservations.
    expect(operations.filter((o) => o === 'PutItemCommand')).toHaveLength(100);
    expect(operations.filter((o) => o === 'DeleteItemCommand')).toHaveLength(49);
    const items = await server.scan(tableName);
    expect(accountItems(items)).toHaveLength(1);
    expect(reservations(items).map(pk)).toEqual([`EXTERNAL_ID#${sha256(won[0].value.externalId)}`]);
  });

  test('when the registration that won the commit is deregistered before the loser reads it, the loser starts over and registers', async () => {
    const tableName = await server.createRegistryTable();
    const client = server.newClient();
    const first = new AccountRegistry({ tableName, dynamoDb: server.client, vendorAccountId: VENDOR_ACCOUNT });
    let interfered = false;
    // After this client's first read finds the account free, another tenant registers it; after that tenant wins the
    // commit, it deregisters: the loser's re-read finds nothing.
    client.middlewareStack.add((next, context) => async (args) => {
      const input = (args.input ?? {}) as { Item?: Record<string, AttributeValue> };
      if (!interfered && context.commandName === 'PutItemCommand' && input.Item?.pk.S === `ACCOUNT#${ACCOUNT}`) {
        interfered = true;
        await first.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
        const result = await next(args).catch((e) => e);
        await first.deregister({ tenantId: 'tenant-a', accountId: ACCOUNT });
        if (result instanceof Error) throw result;
        return result;
      }
      return next(args);
    }, { step: 'initialize' });
    const registry = new AccountRegistry({ tableName, dynamoDb: client, vendorAccountId: VENDOR_ACCOUNT });
    const registration = await registry.register({ tenantId: 'tenant-b', accountId: ACCOUNT });
    client.destroy();
    expect(interfered).toBe(true);
    expect(registration.tenantId).toBe('tenant-b');
    const items = await server.scan(tableName);
    expect(accountItems(items).map((i) => i.tenantId.S)).toEqual(['tenant-b']);
    // tenant-a's ExternalId was issued (then deregistered) and stays reserved; tenant-b's first attempt was released.
    expect(reservations(items)).toHaveLength(2);
  });

  test('one tenant registering one account 20 times at once gets one registration, 20 times', async () => {
    const { registry, tableName } = await freshRegistry();
    const results = await Promise.all(Array.from({ length: 20 }, () => registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT })));
    expect(new Set(results.map((r) => r.registrationId)).size).toBe(1);
    const items = await server.scan(tableName);
    expect(accountItems(items)).toHaveLength(1);
    expect(reservations(items)).toHaveLength(1);
  });

  test('1,000 accounts: 1,000 distinct ExternalIds, all valid, 1,000 reservations', async () => {
    const { registry, tableName } = await freshRegistry();
    const accounts = Array.from({ length: 1000 }, (_, i) => String(200000000000 + i * 7919));
    const registrations: RegisterResult[] = [];
    // 50 at a time, so the test measures the registry rather than the socket pool.
    for (let i = 0; i < accounts.length; i += 50) {
      registrations.push(...await Promise.all(accounts.slice(i, i + 50).map((accountId) => registry.register({ tenantId: `t${i}`, accountId }))));
    }
    const externalIds = registrations.map((r) => r.externalId);
    expect(new Set(externalIds).size).toBe(1000);
    expect(externalIds.filter((e) => !ExternalId.validate(e).valid)).toEqual([]);
    const items = await server.scan(tableName);
    expect(accountItems(items)).toHaveLength(1000);
    expect(new Set(reservations(items).map(pk))).toEqual(new Set(externalIds.map((e) => `EXTERNAL_ID#${sha256(e)}`)));
  });

  test('20 accounts registered at once with one supplied ExternalId: exactly one wins, 19 get ExternalIdReusedError', async () => {
    const { registry, tableName } = await freshRegistry();
    const externalId = ExternalId.generate();
    const accounts = Array.from({ length: 20 }, (_, i) => String(300000000000 + i));
    const outcomes = await Promise.all(accounts.map((accountId, i) => outcome(registry.register({ tenantId: `tenant-${i}`, accountId, externalId }))));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'ExternalIdReusedError')).toHaveLength(19);
    const items = await server.scan(tableName);
    expect(accountItems(items)).toHaveLength(1);
    expect(accountItems(items)[0].externalId.S).toBe(externalId);
    expect(reservations(items)).toHaveLength(1);
  });
});

describe('bad input: each its typed error, and nothing written', () => {
  const strong = ExternalId.generate();
  const cases: Array<[string, Record<string, unknown>, new (...args: any[]) => Error, RegExp]> = [
    ['11 digits', { accountId: '44445555666' }, InvalidAccountIdError, /invalid accountId "44445555666": expected an AWS account id, a string of exactly 12 digits/],
    ['13 digits', { accountId: '4444555566667' }, InvalidAccountIdError, /invalid accountId "4444555566667"/],
    ['letters', { accountId: '44445555666a' }, InvalidAccountIdError, /invalid accountId "44445555666a"/],
    ['spaces', { accountId: ' 444455556666' }, InvalidAccountIdError, /invalid accountId " 444455556666"/],
    ['inner spaces', { accountId: '4444 5555 6666' }, InvalidAccountIdError, /invalid accountId "4444 5555 6666"/],
    ['hyphens', { accountId: '4444-5555-6666' }, InvalidAccountIdError, /invalid accountId "4444-5555-6666"/],
    ['non-ASCII digits', { accountId: '٤٤٤٤٥٥٥٥٦٦٦٦' }, InvalidAccountIdError, /invalid accountId/],
    ['a number instead of a string', { accountId: 444455556666 }, InvalidAccountIdError, /invalid accountId the number 444455556666: expected/],
    ['no account id', { accountId: undefined }, InvalidAccountIdError, /invalid accountId undefined/],
    ['an empty tenant id', { tenantId: '' }, InvalidTenantIdError, /invalid tenantId "": expected 2 to 64 characters of letters, digits and _\+=,\.@-/],
    ['a one-character tenant id', { tenantId: 'a' }, InvalidTenantIdError, /invalid tenantId "a"/],
    ['a 65-character tenant id', { tenantId: 'a'.repeat(65) }, InvalidTenantIdError, /invalid tenantId/],
    ['a tenant id with a space', { tenantId: 'tenant a' }, InvalidTenantIdError, /invalid tenantId "tenant a"/],
    ['a tenant id in the reserved aws: namespace', { tenantId: 'aws:tenant' }, InvalidTenantIdError, /invalid tenantId "aws:tenant"/],
    ['a number as tenant id', { tenantId: 42 }, InvalidTenantIdError, /invalid tenantId the number 42/],
    ['the vendor\'s own account', { accountId: VENDOR_ACCOUNT }, ForbiddenAccountError, /account 111122223333 cannot be registered: it is the vendor's own account/],
    ['a forbidden account', { accountId: FORBIDDEN_ACCOUNT }, ForbiddenAccountError, /account 111122224444 cannot be registered: it is one of the registry's forbidden accounts/],
    ['a short ExternalId', { externalId: 'x7Gq2' }, WeakExternalIdError, /is not accepted \(value not shown\): The ExternalId is 5 characters long; at least 32 are required/],
    ['an ExternalId made of the account id', { externalId: `customer-${ACCOUNT}-external-id-2024` }, WeakExternalIdError, /estimated entropy is \d+ bits; at least 112/],
    ['an ExternalId with a space', { externalId: `${strong.slice(0, 20)} ${strong.slice(20)}` }, WeakExternalIdError, /contains a space at position 21/],
    ['an ExternalId that is no string', { externalId: 12345 }, WeakExternalIdError, /The ExternalId is a number; expected a string/],
  ];

  test.each(cases)('%s', async (_, change, type, message) => {
    const { registry, tableName } = await freshRegistry();
    const input = { tenantId: 'tenant-a', accountId: ACCOUNT, ...change } as any;
    const attempt = registry.register(input);
    await expect(attempt).rejects.toThrow(type);
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.toHaveProperty('name', type.name);
    expect(await server.scan(tableName)).toEqual([]);
  });

  test('WeakExternalIdError lists the problems', async () => {
    const { registry } = await freshRegistry();
    const error = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT, externalId: 'abc def' }).catch((e) => e);
    expect(error.problems).toEqual(ExternalId.validate('abc def').problems);
    expect(error.problems.length).toBeGreaterThanOrEqual(3);
  });

  test('a reused ExternalId (issued to another account before, even one deregistered since) is refused, and nothing is written', async () => {
    const { registry, tableName } = await freshRegistry();
    const first = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    await registry.deregister({ tenantId: 'tenant-a', accountId: ACCOUNT });
    const before = await server.scan(tableName);
    const attempt = registry.register({ tenantId: 'tenant-b', accountId: '777788889999', externalId: first.externalId });
    await expect(attempt).rejects.toThrow(ExternalIdReusedError);
    await expect(attempt).rejects.toThrow(/the ExternalId supplied for account 777788889999 was issued before \(value not shown\)/);
    expect(await server.scan(tableName)).toEqual(before);
  });
});

describe('deregister and describe', () => {
  test('another tenant and an unknown account both get NotRegisteredError, with messages that differ only in the account id', async () => {
    const { registry, tableName } = await freshRegistry();
    await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    const before = await server.scan(tableName);
    const byOther = await registry.deregister({ tenantId: 'tenant-b', accountId: ACCOUNT }).catch((e) => e);
    const unknown = await registry.deregister({ tenantId: 'tenant-b', accountId: '999988887777' }).catch((e) => e);
    expect(byOther).toBeInstanceOf(NotRegisteredError);
    expect(unknown).toBeInstanceOf(NotRegisteredError);
    expect(byOther.message.replace(ACCOUNT, '<account>')).toBe(unknown.message.replace('999988887777', '<account>'));
    expect(byOther.message).toBe(`deregister: account ${ACCOUNT} is not registered to tenant tenant-b`);
    expect(await server.scan(tableName)).toEqual(before);
  });

  test('describe returns the tenant\'s registration, and undefined for an unknown account and for another tenant\'s', async () => {
    const { registry } = await freshRegistry();
    const registration = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    await expect(registry.describe({ tenantId: 'tenant-a', accountId: ACCOUNT })).resolves.toEqual(registration);
    await expect(registry.describe({ tenantId: 'tenant-b', accountId: ACCOUNT })).resolves.toBeUndefined();
    await expect(registry.describe({ tenantId: 'tenant-a', accountId: '999988887777' })).resolves.toBeUndefined();
    await expect(registry.describe({ tenantId: 'tenant-a', accountId: '9999' })).rejects.toThrow(InvalidAccountIdError);
  });

  test('after deregistering, the account registers again with a new ExternalId; the old one stays reserved and is refused if supplied', async () => {
    const { registry, tableName } = await freshRegistry();
    const first = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    await registry.deregister({ tenantId: 'tenant-a', accountId: ACCOUNT });
    await expect(registry.describe({ tenantId: 'tenant-a', accountId: ACCOUNT })).resolves.toBeUndefined();
    expect(accountItems(await server.scan(tableName))).toEqual([]);

    await expect(registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT, externalId: first.externalId })).rejects.toThrow(ExternalIdReusedError);
    const second = await registry.register({ tenantId: 'tenant-b', accountId: ACCOUNT });
    expect(second.externalId).not.toBe(first.externalId);
    expect(second.registrationId).not.toBe(first.registrationId);
    const items = await server.scan(tableName);
    expect(reservations(items).map(pk).sort()).toEqual([first, second].map((r) => `EXTERNAL_ID#${sha256(r.externalId)}`).sort());
    // The old value itself is gone from the table: only its digest remains.
    expect(JSON.stringify(items)).not.toContain(first.externalId);
  });
});

describe('recordVerification', () => {
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/AcmeVendorAccess`;

  test('PENDING -> ACTIVE keeps the role ARN; -> UNSAFE and -> UNREACHABLE remove it; the outcome, reason and time are recorded', async () => {
    const { registry, tableName } = await freshRegistry();
    const registered = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });

    const active = await registry.recordVerification({ accountId: ACCOUNT, outcome: 'ACTIVE', reason: 'The role enforces the ExternalId.', roleArn });
    expect(active).toEqual({
      ...registered,
      status: 'ACTIVE',
      roleArn,
      updatedAt: active.lastVerificationAt,
      lastVerificationOutcome: 'ACTIVE',
      lastVerificationReason: 'The role enforces the ExternalId.',
      lastVerificationAt: expect.any(String),
    });
    await expect(registry.describe({ tenantId: 'tenant-a', accountId: ACCOUNT })).resolves.toEqual(active);

    const unsafe = await registry.recordVerification({ accountId: ACCOUNT, outcome: 'UNSAFE', reason: 'The role was assumed without an ExternalId.', roleArn });
    expect(unsafe).toMatchObject({ status: 'UNSAFE', lastVerificationOutcome: 'UNSAFE', lastVerificationReason: 'The role was assumed without an ExternalId.' });
    expect(unsafe).not.toHaveProperty('roleArn');
    expect(accountItems(await server.scan(tableName))[0]).not.toHaveProperty('roleArn');

    await registry.recordVerification({ accountId: ACCOUNT, outcome: 'ACTIVE', reason: 'Fixed.', roleArn });
    const unreachable = await registry.recordVerification({ accountId: ACCOUNT, outcome: 'UNREACHABLE', reason: 'AccessDenied with the right ExternalId.' });
    expect(unreachable).toMatchObject({ status: 'UNREACHABLE', externalId: registered.externalId, tenantId: 'tenant-a', createdAt: registered.createdAt });
    expect(unreachable).not.toHaveProperty('roleArn');
  });

  test('with a registrationId, an old verification cannot land on a newer registration of the account', async () => {
    const { registry } = await freshRegistry();
    const old = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    await registry.deregister({ tenantId: 'tenant-a', accountId: ACCOUNT });
    const current = await registry.register({ tenantId: 'tenant-b', accountId: ACCOUNT });
    const attempt = registry.recordVerification({ accountId: ACCOUNT, outcome: 'ACTIVE', reason: 'ok', roleArn, registrationId: old.registrationId });
    await expect(attempt).rejects.toThrow(NotRegisteredError);
    await expect(attempt).rejects.toThrow(`recordVerification: account ${ACCOUNT} has no registration ${old.registrationId}`);
    await expect(registry.describe({ tenantId: 'tenant-b', accountId: ACCOUNT })).resolves.toEqual(current);
    await expect(registry.recordVerification({ accountId: ACCOUNT, outcome: 'ACTIVE', reason: 'ok', roleArn, registrationId: current.registrationId }))
      .resolves.toMatchObject({ status: 'ACTIVE', registrationId: current.registrationId });
  });

  test('an unknown account gets NotRegisteredError, and no item is created', async () => {
    const { registry, tableName } = await freshRegistry();
    await expect(registry.recordVerification({ accountId: ACCOUNT, outcome: 'UNREACHABLE', reason: 'No such role.' }))
      .rejects.toThrow(new NotRegisteredError(`recordVerification: account ${ACCOUNT} is not registered`));
    expect(await server.scan(tableName)).toEqual([]);
  });

  test.each([
    ['an unknown outcome', { outcome: 'PENDING' }, /invalid outcome "PENDING": expected one of ACTIVE, UNSAFE, UNREACHABLE/],
    ['no reason', { reason: undefined }, /invalid reason undefined: expected a non-blank string/],
    ['a blank reason', { reason: '  ' }, /invalid reason "  "/],
    ['a reason of 1,001 characters', { reason: 'x'.repeat(1001) }, /at most 1000 characters/],
    ['ACTIVE without roleArn', { roleArn: undefined }, /outcome ACTIVE for account 444455556666 needs the roleArn/],
    ['a role of another account', { roleArn: 'arn:aws:iam::999988887777:role/AcmeVendorAccess' }, /it is a role of account 999988887777, not of the verified account 444455556666/],
    ['an IAM user', { roleArn: `arn:aws:iam::${ACCOUNT}:user/bob` }, /invalid roleArn .*it is an IAM user/],
    ['no ARN', { roleArn: 'AcmeVendorAccess' }, /invalid roleArn "AcmeVendorAccess": it is not an IAM ARN/],
  ])('%s: InvalidVerificationError, nothing changed', async (_, change, message) => {
    const { registry, tableName } = await freshRegistry();
    await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    const before = await server.scan(tableName);
    const input = { accountId: ACCOUNT, outcome: 'ACTIVE', reason: 'ok', roleArn, ...change } as any;
    const attempt = registry.recordVerification(input);
    await expect(attempt).rejects.toThrow(InvalidVerificationError);
    await expect(attempt).rejects.toThrow(message);
    expect(await server.scan(tableName)).toEqual(before);
  });
});

describe('the table is read strictly', () => {
  test('an account item without the registry\'s layout is refused with InvalidRegistryItemError, naming the attribute', async () => {
    const { registry, tableName } = await freshRegistry();
    const registered = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    await server.client.send(new PutItemCommand({
      TableName: tableName,
      Item: { pk: { S: `ACCOUNT#${ACCOUNT}` }, tenantId: { S: 'tenant-a' }, accountId: { S: ACCOUNT }, externalId: { S: registered.externalId }, status: { S: 'DONE' } },
    }));
    const error = await registry.describe({ tenantId: 'tenant-a', accountId: ACCOUNT }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidRegistryItemError);
    expect(error.message).toBe(`the registry item ACCOUNT#${ACCOUNT} has an invalid attribute status (expected one of PENDING, ACTIVE, UNSAFE, UNREACHABLE): `
      + 'it was not written by this registry');
    await server.client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: `ACCOUNT#${ACCOUNT}` } } }));
  });
});

describe('no error message ever contains a supplied ExternalId', () => {
  test('property: whatever is supplied, in whatever state, the error message holds no ExternalId', async () => {
    const { registry } = await freshRegistry();
    const held = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    const issued = await registry.register({ tenantId: 'tenant-a', accountId: '555566667777' });
    await registry.deregister({ tenantId: 'tenant-a', accountId: '555566667777' });

    const stsChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@:/-');
    const externalIds = fc.oneof(
      // A value at least 8 characters long: shorter ones occur in any English sentence.
      fc.string({ unit: stsChar, minLength: 8, maxLength: 80 }),
      fc.string({ minLength: 8, maxLength: 80 }),
      fc.constant(held.externalId),
      fc.constant(issued.externalId),
      fc.constantFrom(`acme-${ACCOUNT}`, 'ExternalIdExternalId', 'customer-external-id-0001', ExternalId.generate()),
    );
    const accounts = fc.oneof(fc.constantFrom(ACCOUNT, '555566667777', '666677778888', VENDOR_ACCOUNT, FORBIDDEN_ACCOUNT, '12345'), fc.string());
    const tenants = fc.oneof(fc.constantFrom('tenant-a', 'tenant-b', ''), fc.string());

    await fc.assert(fc.asyncProperty(externalIds, accounts, tenants, async (externalId, accountId, tenantId) => {
      // A message may quote the account and tenant ids it was given; an ExternalId inside those is not its leak.
      fc.pre(!accountId.includes(externalId) && !tenantId.includes(externalId));
      const error = await registry.register({ tenantId, accountId, externalId }).then(() => undefined, (e) => e);
      if (error !== undefined) {
        expect(error).toBeInstanceOf(AccountRegistryError);
        expect(error.message).not.toContain(externalId);
        expect(String(error.stack)).not.toContain(externalId);
        for (const own of [held.externalId, issued.externalId]) expect(error.message).not.toContain(own);
      }
    }), { numRuns: 300 });
  });
});

describe('getRegistration (the vendor-side read of any tenant\'s registration)', () => {
  test('returns the registration whichever tenant holds it, undefined for an unknown or deregistered account', async () => {
    const { registry } = await freshRegistry();
    const a = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    const b = await registry.register({ tenantId: 'tenant-b', accountId: '555566667777' });
    expect(await registry.getRegistration(ACCOUNT)).toEqual(a);
    expect(await registry.getRegistration('555566667777')).toEqual(b);
    expect(await registry.getRegistration('666677778888')).toBeUndefined();
    await registry.deregister({ tenantId: 'tenant-a', accountId: ACCOUNT });
    expect(await registry.getRegistration(ACCOUNT)).toBeUndefined();
  });

  test('refuses an account id that is not 12 digits', async () => {
    const { registry } = await freshRegistry();
    await expect(registry.getRegistration('4444-5555-6666')).rejects.toThrow(InvalidAccountIdError);
    await expect(registry.getRegistration('4444-5555-6666')).rejects.toThrow(/^getRegistration: invalid accountId "4444-5555-6666": expected an AWS account id/);
  });
});

describe('listAccountIds', () => {
  /** Account items as `register` writes them, put straight into the table (25 per BatchWriteItem, DynamoDB's limit). */
  async function putAccounts(tableName: string, accountIds: readonly string[]): Promise<void> {
    for (let i = 0; i < accountIds.length; i += 25) {
      await server.client.send(new BatchWriteItemCommand({
        RequestItems: {
          [tableName]: accountIds.slice(i, i + 25).map((accountId) => ({
            PutRequest: {
              Item: {
                pk: { S: `ACCOUNT#${accountId}` },
                tenantId: { S: `tenant-${accountId.slice(-3)}` },
                accountId: { S: accountId },
                externalId: { S: `${accountId}-not-an-issued-external-id` },
                status: { S: 'PENDING' },
                registrationId: { S: accountId },
                createdAt: { S: '2026-01-01T00:00:00.000Z' },
                updatedAt: { S: '2026-01-01T00:00:00.000Z' },
              },
            },
          })),
        },
      }));
    }
  }

  test('lists every registered account once, over several Scan pages of the index, and no reservation', async () => {
    const { registry, tableName } = await freshRegistry();
    const accountIds = Array.from({ length: 1234 }, (_, i) => String(100000000000 + i * 7919));
    await putAccounts(tableName, accountIds);
    // Reservations of ExternalIds are in the table too, and must not be listed.
    await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });

    // A client of its own that counts the Scans, so that the pagination is seen and not assumed.
    const client = server.newClient();
    const scans: Array<Record<string, unknown>> = [];
    client.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === ScanCommand.name) scans.push(args.input as Record<string, unknown>);
      return next(args);
    }, { step: 'initialize' });
    const counting = new AccountRegistry({ tableName, dynamoDb: client, vendorAccountId: VENDOR_ACCOUNT });

    const listed: string[] = [];
    for await (const accountId of counting.listAccountIds()) listed.push(accountId);
    expect(listed.sort()).toEqual([...accountIds, ACCOUNT].sort());
    expect(scans.length).toBeGreaterThan(1);
    expect(scans[0]).toMatchObject({ TableName: tableName, IndexName: 'byTenant', ProjectionExpression: 'accountId' });
    expect(scans[0].ExclusiveStartKey).toBeUndefined();
    expect(scans.slice(1).every((scan) => scan.ExclusiveStartKey !== undefined)).toBe(true);
    client.destroy();
  });

  test('an empty registry lists nothing', async () => {
    const { registry } = await freshRegistry();
    const listed: string[] = [];
    for await (const accountId of registry.listAccountIds()) listed.push(accountId);
    expect(listed).toEqual([]);
  });

  test('is lazy: the first id comes after one page, before the others are read', async () => {
    const { tableName } = await freshRegistry();
    await putAccounts(tableName, Array.from({ length: 600 }, (_, i) => String(200000000000 + i)));
    const client = server.newClient();
    let scans = 0;
    client.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === ScanCommand.name) scans++;
      return next(args);
    }, { step: 'initialize' });
    const registry = new AccountRegistry({ tableName, dynamoDb: client, vendorAccountId: VENDOR_ACCOUNT });
    const iterator = registry.listAccountIds()[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatch(/^\d{12}$/);
    expect(scans).toBe(1);
    await iterator.return?.(undefined);
    client.destroy();
  });

  test('refuses an index item without a 12-digit accountId', async () => {
    const { registry, tableName } = await freshRegistry();
    await server.client.send(new PutItemCommand({
      TableName: tableName,
      Item: { pk: { S: 'ACCOUNT#x' }, tenantId: { S: 'tenant-a' }, accountId: { S: 'x' } },
    }));
    const list = async () => {
      for await (const accountId of registry.listAccountIds()) expect(accountId).toBeDefined();
    };
    await expect(list()).rejects.toThrow(InvalidRegistryItemError);
    await expect(list()).rejects.toThrow(/an item of the byTenant index has an invalid attribute accountId/);
  });
});

describe('options are checked when the registry is built', () => {
  const base = () => ({ tableName: 'registry', dynamoDb: server.client, vendorAccountId: VENDOR_ACCOUNT });
  test.each([
    ['tableName', { tableName: 'a b' }, /invalid tableName "a b": expected the name of the registry's DynamoDB table/],
    ['dynamoDb', { dynamoDb: {} }, /invalid dynamoDb an object: expected a DynamoDBClient of the AWS SDK v3/],
    ['vendorAccountId', { vendorAccountId: '1111-2222-3333' }, /invalid vendorAccountId "1111-2222-3333": expected an AWS account id, a string of exactly 12 digits/],
    ['forbiddenAccounts', { forbiddenAccounts: ['111122224444', 111122225555] }, /invalid forbiddenAccounts\[1\] the number 111122225555/],
  ])('%s', (_, change, message) => {
    expect(() => new AccountRegistry({ ...base(), ...change } as any)).toThrow(InvalidRegistryOptionsError);
    expect(() => new AccountRegistry({ ...base(), ...change } as any)).toThrow(message);
  });
});
