import { DynamoDbServer, VENDOR_ACCOUNT } from './harness';

// What the run-time loads. The package's own tests of the published tarball (test/cli) check the same from outside;
// these check it on the sources, through every code path a registration takes (the estimator loads its word lists on
// first use).

let server: DynamoDbServer;
beforeAll(async () => {
  server = await DynamoDbServer.start();
});
afterAll(async () => {
  await server.stop();
});

const mocked: string[] = [];
function failToLoad(name: string, error: () => Error): void {
  mocked.push(name);
  jest.doMock(name, () => {
    throw error();
  });
}
afterEach(() => {
  for (const name of mocked.splice(0)) jest.dontMock(name);
  jest.resetModules();
});

test('a registration, its refusals and a verification load neither aws-cdk-lib, constructs nor cdk-nag', async () => {
  const tableName = await server.createRegistryTable();
  const loaded: string[] = [];
  for (const name of ['aws-cdk-lib', 'constructs', 'cdk-nag']) {
    failToLoad(name, () => {
      loaded.push(name);
      return new Error(`${name} was loaded`);
    });
  }
  let runtime!: typeof import('../../src/runtime');
  jest.isolateModules(() => {
    // A fresh module registry, in which the mocks above apply.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    runtime = require('../../src/runtime');
  });
  const registry = new runtime.AccountRegistry({ tableName, dynamoDb: server.client, vendorAccountId: VENDOR_ACCOUNT });
  const registration = await registry.register({ tenantId: 'tenant-a', accountId: '444455556666' });
  await expect(registry.register({ tenantId: 'tenant-b', accountId: '444455557777', externalId: 'acme-444455557777' }))
    .rejects.toThrow(runtime.WeakExternalIdError);
  await registry.recordVerification({
    accountId: '444455556666',
    outcome: 'ACTIVE',
    reason: 'ok',
    roleArn: 'arn:aws:iam::444455556666:role/AcmeVendorAccess',
    registrationId: registration.registrationId,
  });
  expect(loaded).toEqual([]);
});

test.each([
  ['@aws-sdk/client-dynamodb', {}],
  ['@aws-sdk/client-s3', {
    templates: {
      bucketName: 'acme-templates',
      prefix: 'onboarding',
      s3: { send: () => undefined },
      stackName: 'AcmeOnboarding',
      region: 'eu-west-1',
      templateBody: JSON.stringify({ Resources: { R: {} }, Parameters: { ExternalId: { Type: 'String' } } }),
    },
  }],
])('without %s installed, building a registry fails with MissingPeerDependencyError naming the package to install', (name, extra) => {
  // What Node throws for a package that is not installed.
  failToLoad(name, () => Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- src/runtime/sdk.ts`), { code: 'MODULE_NOT_FOUND' }));
  let runtime!: typeof import('../../src/runtime');
  jest.isolateModules(() => {
    // A fresh module registry, in which the mocks above apply.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    runtime = require('../../src/runtime');
  });
  const build = () => new runtime.AccountRegistry({ tableName: 'registry', dynamoDb: server.client, vendorAccountId: VENDOR_ACCOUNT, ...extra } as any);
  expect(build).toThrow(runtime.MissingPeerDependencyError);
  expect(build).toThrow(new RegExp(`^cdk-cross-account-trust/runtime needs ${name} \\(AccountRegistry .*\\), which is not installed\\. .*npm install ${name}$`));
});
