import { spawnSync } from 'child_process';
import * as path from 'path';

// The AWS SDK is an optional peer dependency of the run-time subpath only, and the AGPL IAM policy evaluator
// (@cloud-copilot/*) of the prover subpath and `check --prove` only (see optionalPeers in .projenrc.ts): the package
// root, the constructs, the rule pack and a plain CLI check must work without either, and the run-time subpath must
// work in a back end that has no aws-cdk-lib, constructs or cdk-nag (and load @cloud-copilot/* only for the verifier's
// optional proofs).
// Each case runs in a fresh Node.js process from src/ (test/package.test.ts does the same on the packed package) and
// lists the npm packages it loaded.
const ROOT = path.join(__dirname, '..');

/** The packages (names under node_modules) that `body` loaded, run as CommonJS (in an async function) in a new process with ts-node. */
function packagesLoadedBy(body: string): string[] {
  const script = `(async () => {
    const before = new Set(Object.keys(require.cache));
    ${body}
    const names = Object.keys(require.cache).filter((f) => !before.has(f))
      .map((f) => /.*node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f)?.[1]?.replace(/\\\\/g, '/'))
      .filter((n) => n !== undefined);
    process.stdout.write(JSON.stringify([...new Set(names)].sort()));
  })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json'), TS_NODE_TRANSPILE_ONLY: 'true' },
  });
  if (r.status !== 0) throw new Error(`the child process failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const src = (file: string) => JSON.stringify(path.join(ROOT, 'src', file));
/** The optional peers (and what they pull in) that the package root, the pack and a plain check never load. */
const OPTIONAL = /^@aws-sdk\/|^@smithy\/|^@cloud-copilot\//;
const NOT_IN_RUNTIME = /^(aws-cdk-lib|constructs|cdk-nag|@cloud-copilot\/.*)$/;

test('requiring the package root loads no AWS SDK or IAM policy evaluator module, and does load aws-cdk-lib (the probe sees packages)', () => {
  const loaded = packagesLoadedBy(`require(${src('index.ts')});`);
  expect(loaded).toEqual(expect.arrayContaining(['aws-cdk-lib', 'constructs', 'cdk-nag']));
  expect(loaded.filter((name) => OPTIONAL.test(name))).toEqual([]);
});

test('synthesizing an app with the rule pack, the registry and the verifier loads no AWS SDK or IAM policy evaluator module', () => {
  // The verifier's handlers import the SDK, but only its Lambda bundles do: the construct references them as assets.
  const loaded = packagesLoadedBy(`
    const cdk = require('aws-cdk-lib');
    const xat = require(${src('index.ts')});
    const app = new cdk.App();
    cdk.Validations.of(app).addPlugins(new xat.CrossAccountTrustChecks());
    const stack = new cdk.Stack(app, 'Vendor', { env: { account: '111122223333', region: 'eu-west-1' } });
    const deputy = new xat.VendorDeputyRole(stack, 'Deputy', { assumedBy: new cdk.aws_iam.ServicePrincipal('lambda.amazonaws.com'), customerRoleName: 'VendorAccess' });
    const registry = new xat.CustomerAccountRegistry(stack, 'Registry', {});
    new xat.TrustVerifier(stack, 'Verifier', { deputy, registry });
    app.synth();`);
  expect(loaded).toContain('cdk-nag');
  expect(loaded.filter((name) => OPTIONAL.test(name))).toEqual([]);
});

test('a plain CLI check loads no AWS SDK or IAM policy evaluator module', () => {
  const loaded = packagesLoadedBy(`
    const { run } = require(${src('cli/run.ts')});
    let out = '';
    const code = run(['check', ${JSON.stringify(path.join(__dirname, 'cli', 'fixtures', 'unsafe-role.json'))}], {
      stdout: { write: (s) => (out += s) }, stderr: { write: (s) => (out += s) }, cwd: process.cwd(), isTTY: false, env: {},
      stdin: { isTTY: true, read: () => { throw new Error('stdin'); } },
    });
    if (code !== 1 || !out.includes('XAT1')) throw new Error('unexpected CLI result ' + code + ': ' + out);`);
  expect(loaded).toContain('yaml');
  expect(loaded.filter((name) => OPTIONAL.test(name))).toEqual([]);
});

test('the run-time registry, created with templates and refusing a weak ExternalId, loads neither aws-cdk-lib, constructs, cdk-nag nor @cloud-copilot', () => {
  // Nothing listens at the endpoint: the refusal comes before any request.
  const loaded = packagesLoadedBy(`
    const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
    const { S3Client } = require('@aws-sdk/client-s3');
    const { AccountRegistry } = require(${src('runtime/index.ts')});
    const config = { region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };
    const registry = new AccountRegistry({ tableName: 'registry', dynamoDb: new DynamoDBClient(config), vendorAccountId: '111122223333',
      templates: { bucketName: 'acme-templates', prefix: 'onboarding', s3: new S3Client(config), stackName: 'AcmeOnboarding', region: 'eu-west-1',
        templateBody: JSON.stringify({ Resources: { R: {} }, Parameters: { ExternalId: { Type: 'String' } } }) } });
    const refused = await registry.register({ tenantId: 'tenant-a', accountId: '444455556666', externalId: 'password1234' })
      .then(() => 'registered', (e) => e.name);
    if (refused !== 'WeakExternalIdError') throw new Error('expected WeakExternalIdError, got ' + refused);`);
  expect(loaded).toEqual(expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3']));
  expect(loaded.filter((name) => NOT_IN_RUNTIME.test(name))).toEqual([]);
});

test('requiring the run-time subpath loads no package at all: the SDK clients and the prover\'s evaluator are loaded on use', () => {
  expect(packagesLoadedBy(`require(${src('runtime/index.ts')});`)).toEqual([]);
});

test('the verifier without the prover loads the STS and IAM clients and neither aws-cdk-lib, constructs, cdk-nag nor @cloud-copilot', () => {
  // The refusal of the account id comes after the options are checked and the clients loaded, before any request.
  const loaded = packagesLoadedBy(`
    const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
    const { STSClient } = require('@aws-sdk/client-sts');
    const { AccountRegistry, verifyAccount } = require(${src('runtime/index.ts')});
    const config = { region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };
    const registry = new AccountRegistry({ tableName: 'registry', dynamoDb: new DynamoDBClient(config), vendorAccountId: '111122223333' });
    const refused = await verifyAccount({ registry, sts: new STSClient(config), roleName: 'VendorAccess', prove: false, accountId: '4444' })
      .then(() => 'verified', (e) => e.name);
    if (refused !== 'InvalidVerifierOptionsError') throw new Error('expected InvalidVerifierOptionsError, got ' + refused);`);
  expect(loaded).toEqual(expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/client-sts', '@aws-sdk/client-iam']));
  expect(loaded.filter((name) => NOT_IN_RUNTIME.test(name))).toEqual([]);
});

test('the prover subpath loads the IAM policy evaluator only when a prover is created, and never aws-cdk-lib, constructs, cdk-nag or the AWS SDK', () => {
  const onImport = packagesLoadedBy(`require(${src('prover/index.ts')});`);
  expect(onImport).toEqual([]);
  const proving = packagesLoadedBy(`
    const { TrustPolicyProver } = require(${src('prover/index.ts')});
    const proof = await new TrustPolicyProver().proveTrust({
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }] },
      roleArn: 'arn:aws:iam::444455556666:role/VendorAccess',
      vendorRoleArn: 'arn:aws:iam::111122223333:role/Deputy',
    });
    if (proof.verdict !== 'attackable') throw new Error('unexpected verdict ' + proof.verdict);`);
  expect(proving).toContain('@cloud-copilot/iam-simulate');
  expect(proving.filter((name) => NOT_IN_RUNTIME.test(name) && !name.startsWith('@cloud-copilot/'))).toEqual([]);
  expect(proving.filter((name) => /^@aws-sdk\/|^@smithy\//.test(name))).toEqual([]);
});
