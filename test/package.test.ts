import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { publishedManifest, rewriteTarball } from '../scripts/publish-manifest';
import { FIXTURES, PACKAGE_VERSION, REPO_ROOT, tempDir, writeFiles } from './cli/helpers';

// The package as npm publishes and installs it: packed from the compiled lib/ as jsii-pacmak packs it, its manifest
// completed as the `package:js` task completes it (scripts/publish-manifest.ts), and installed from the tarball. npm
// resolves the peers' metadata even when it omits them: from its cache where it can (--prefer-offline), from the
// registry on a machine whose cache has never seen them (a fresh CI machine). One tarball and one install serve every
// test here.
const REPO_MANIFEST = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
/** The registry's SDK clients, and the verifier's. */
const REGISTRY_PEERS = ['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3'];
const VERIFIER_PEERS = ['@aws-sdk/client-iam', '@aws-sdk/client-sts'];
const OPTIONAL_PEERS = [...REGISTRY_PEERS, ...VERIFIER_PEERS, '@cloud-copilot/iam-simulate'].sort();

let work: string;
let packed: string;
let published: string;
/** A consumer project with the tarball installed (peers omitted) and the required peers linked from this repository. */
let app: string;

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
  expect([args.join(' '), r.status, r.stderr]).toEqual([args.join(' '), 0, '']);
  return r.stdout.trim();
}

/** What the consumer sees: a package of this repository's node_modules installed at `node_modules/<name>` of `dir`. */
function link(dir: string, name: string): void {
  const at = path.join(dir, 'node_modules', name);
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', name), at, 'dir');
}

/** Runs `script` as CommonJS in a new Node.js process in the consumer project. */
function node(script: string) {
  return spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
}

/** Like {@link node}, and returns the JSON the script writes with `out(value)`. */
function nodeJson(script: string): any {
  const r = node(`const out = (v) => process.stdout.write(JSON.stringify(v));\n${script}`);
  if (r.status !== 0) throw new Error(`node failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The npm packages a script loaded (names under node_modules), other than this one. */
const LOADED_PACKAGES = `
  const loaded = () => [...new Set(Object.keys(require.cache)
    .map((f) => /.*node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f)?.[1]?.replace(/\\\\/g, '/'))
    .filter((n) => n !== undefined && n !== 'cdk-cross-account-trust'))].sort();`;

function tarOutput(args: string[]): string {
  const r = spawnSync('tar', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tar ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The files in a tarball, sorted. */
const entries = (tarball: string): string[] => tarOutput(['-tzf', tarball]).split('\n').filter((l) => l !== '').sort();
const manifestIn = (tarball: string): any => JSON.parse(tarOutput(['-xzOf', tarball, 'package/package.json']));

beforeAll(() => {
  for (const compiled of ['cli/main.js', 'index.js', 'runtime/index.js']) {
    const file = path.join(REPO_ROOT, 'lib', compiled);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: compile first (npx projen compile), as npx projen build does before the tests`);
  }
  work = tempDir();
  packed = path.join(work, npm(['pack', '--pack-destination', work], REPO_ROOT).split('\n').pop()!);
  published = path.join(work, 'published.tgz');
  fs.copyFileSync(packed, published);
  rewriteTarball(published);
  app = path.join(work, 'app');
  writeFiles(app, { 'package.json': JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }) });
  npm(['install', '--prefer-offline', '--omit=peer', '--no-package-lock', published], app);
  for (const peer of ['aws-cdk-lib', 'constructs', 'cdk-nag']) link(app, peer);
}, 120_000);

describe('the published manifest', () => {
  test('declares the AWS SDK clients and the IAM policy evaluator as optional peer dependencies with the ranges the tests install', () => {
    const manifest = manifestIn(published);
    for (const name of OPTIONAL_PEERS) {
      expect([name, manifest.peerDependencies[name], manifest.peerDependenciesMeta[name]])
        .toEqual([name, REPO_MANIFEST.devDependencies[name], { optional: true }]);
    }
    // the required peers stay required
    expect(Object.keys(manifest.peerDependenciesMeta).sort()).toEqual(OPTIONAL_PEERS);
    expect(manifest.peerDependencies).toMatchObject(REPO_MANIFEST.peerDependencies);
  });

  test('differs from what npm packed only in peerDependencies, and the files are the same', () => {
    const { peerDependencies: before, ...restBefore } = manifestIn(packed);
    const { peerDependencies: after, ...restAfter } = manifestIn(published);
    expect(restAfter).toEqual(restBefore);
    expect(after).not.toEqual(before);
    expect(entries(published)).toEqual(entries(packed));
    expect(entries(published)).toEqual(expect.arrayContaining(['package/lib/runtime/index.js', 'package/lib/runtime/index.d.ts', 'package/.jsii']));
  });

  test('exports the package root, the run-time and prover subpaths and package.json, with typesVersions for node10 resolution', () => {
    const manifest = manifestIn(published);
    expect(manifest.exports).toEqual({
      '.': { types: './lib/index.d.ts', default: './lib/index.js' },
      './runtime': { types: './lib/runtime/index.d.ts', default: './lib/runtime/index.js' },
      './prover': { types: './lib/prover/index.d.ts', default: './lib/prover/index.js' },
      './package.json': './package.json',
    });
    expect(manifest.typesVersions).toEqual({ '*': { runtime: ['lib/runtime/index.d.ts'], prover: ['lib/prover/index.d.ts'] } });
    expect([manifest.main, manifest.types]).toEqual(['lib/index.js', 'lib/index.d.ts']);
  });

  test('an optional peer without a dev dependency range is refused, naming it', () => {
    expect(() => publishedManifest({ name: 'p', peerDependenciesMeta: { x: { optional: true } } }))
      .toThrow('p: the optional peer dependency x (peerDependenciesMeta) has no range: declare it as a dev dependency in .projenrc.ts (the range the tests install is the range published)');
    const unchanged = { name: 'p', peerDependencies: { y: '^1' }, peerDependenciesMeta: { y: { optional: true } }, devDependencies: { y: '^2' } };
    expect(publishedManifest(unchanged)).toEqual(unchanged);
  });
});

test('npm installs the required peers of the published package and neither the optional AWS SDK nor the IAM policy evaluator', () => {
  // Resolution only (a lockfile), so that no package is downloaded or unpacked.
  const dir = tempDir();
  writeFiles(dir, { 'package.json': JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }) });
  npm(['install', '--prefer-offline', '--package-lock-only', published], dir);
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
  const installed = Object.keys(lock.packages).map((p) => p.replace(/^.*node_modules\//, ''));
  expect(installed).toEqual(expect.arrayContaining(['cdk-cross-account-trust', 'aws-cdk-lib', 'constructs', 'cdk-nag']));
  expect(installed.filter((name) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/'))).toEqual([]);
  expect(installed.filter((name) => name.startsWith('@cloud-copilot/'))).toEqual([]);
  expect(lock.packages['node_modules/cdk-cross-account-trust'].peerDependencies).toMatchObject(
    Object.fromEntries(OPTIONAL_PEERS.map((name) => [name, REPO_MANIFEST.devDependencies[name]])));
});

describe('installed without the AWS SDK', () => {
  // The compiled CLI runs under both bin names from the package's own files and its bundled dependencies alone (it
  // needs none of the peer dependencies).
  test('the CLI runs under both bin names', () => {
    const run = (name: string, args: string[], input?: string) => spawnSync(path.join(app, 'node_modules', '.bin', name), args, { cwd: app, encoding: 'utf8', input });
    const help = run('cdk-cross-account-trust', ['--help']);
    expect([help.status, help.stdout]).toEqual([0, expect.stringMatching(/^Usage: cdk-cross-account-trust \[options\] \[command\]/)]);
    const checked = run('cdk-cross-account-trust', ['check', '--quiet', '-'], fs.readFileSync(path.join(FIXTURES, 'unsafe-role.json'), 'utf8'));
    expect([checked.status, checked.stderr, checked.stdout]).toEqual([1, '', expect.stringMatching(/^<stdin>:11:13: error XAT1 \[Statement0\] AuditRole: /)]);
    const other = run('cross-account-trust', ['--version']);
    expect([other.status, other.stdout]).toEqual([0, `${PACKAGE_VERSION}\n`]);
  });

  test('the package root loads, with aws-cdk-lib and without any AWS SDK module', () => {
    const { exported, packages } = nodeJson(`${LOADED_PACKAGES}
      const xat = require('cdk-cross-account-trust');
      out({ exported: typeof xat.CrossAccountTrustChecks, packages: loaded() });`);
    expect(exported).toBe('function');
    expect(packages).toEqual(expect.arrayContaining(['aws-cdk-lib', 'constructs', 'cdk-nag']));
    expect(packages.filter((name: string) => /^@aws-sdk\/|^@smithy\//.test(name))).toEqual([]);
  });

  test('the run-time subpath resolves through exports and loads no other package', () => {
    const { file, exported, packages } = nodeJson(`${LOADED_PACKAGES}
      const runtime = require('cdk-cross-account-trust/runtime');
      out({ file: require.resolve('cdk-cross-account-trust/runtime'), exported: [typeof runtime.AccountRegistry, typeof runtime.MissingPeerDependencyError], packages: loaded() });`);
    expect(file).toBe(path.join(fs.realpathSync(app), 'node_modules', 'cdk-cross-account-trust', 'lib', 'runtime', 'index.js'));
    expect(exported).toEqual(['function', 'function']);
    expect(packages).toEqual([]);
  });

  test('ships the TrustVerifier\'s Lambda bundles, and a stack with it synthesizes their code from the installed package', () => {
    expect(entries(published)).toEqual(expect.arrayContaining([
      'package/assets/vendor/trust-verifier-worker.lambda/index.js',
      'package/assets/vendor/trust-verifier-dispatcher.lambda/index.js',
    ]));
    const { assets, packages } = nodeJson(`${LOADED_PACKAGES}
      const fs = require('fs');
      const path = require('path');
      const cdk = require('aws-cdk-lib');
      const xat = require('cdk-cross-account-trust');
      const app = new cdk.App({ outdir: fs.mkdtempSync(path.join(require('os').tmpdir(), 'verifier-')) });
      const stack = new cdk.Stack(app, 'Vendor', { env: { account: '111122223333', region: 'eu-west-1' } });
      const deputy = new xat.VendorDeputyRole(stack, 'Deputy', { assumedBy: new cdk.aws_iam.ServicePrincipal('lambda.amazonaws.com'), customerRoleName: 'AcmeAccess' });
      new xat.TrustVerifier(stack, 'Verifier', { deputy, registry: new xat.CustomerAccountRegistry(stack, 'Registry') });
      const assembly = app.synth();
      const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'Vendor.assets.json'), 'utf8'));
      const sha = (file) => require('crypto').createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      out({
        assets: Object.values(manifest.files).filter((f) => f.source.packaging === 'zip')
          .map((f) => sha(path.join(assembly.directory, f.source.path, 'index.js'))).sort(),
        packages: loaded(),
      });`);
    const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(assets).toEqual(['worker', 'dispatcher'].map((name) => sha(path.join(REPO_ROOT, 'assets', 'vendor', `trust-verifier-${name}.lambda`, 'index.js'))).sort());
    expect(packages.filter((name: string) => /^@aws-sdk\/|^@smithy\/|^@cloud-copilot\//.test(name))).toEqual([]);
  });

  test('lib/ is not reachable by deep imports; package.json is', () => {
    const deep = node("require('cdk-cross-account-trust/lib/runtime/sdk.js')");
    expect(deep.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
    expect(nodeJson("out(require('cdk-cross-account-trust/package.json').version)")).toBe(PACKAGE_VERSION);
  });

  test('creating an AccountRegistry fails with a message naming @aws-sdk/client-dynamodb and why', () => {
    expect(newRegistry('')).toEqual(missing('dynamodb'));
  });

  test('the prover subpath loads without the IAM policy evaluator; creating a TrustPolicyProver fails naming it and why', () => {
    const { file, packages, error } = nodeJson(`${LOADED_PACKAGES}
      const prover = require('cdk-cross-account-trust/prover');
      const packages = loaded();
      try {
        new prover.TrustPolicyProver();
        out({ error: 'created' });
      } catch (e) {
        out({ file: require.resolve('cdk-cross-account-trust/prover'), packages, error: { isClass: e instanceof prover.MissingPeerDependencyError, name: e.name, packageName: e.packageName, message: e.message } });
      }`);
    expect(file).toBe(path.join(fs.realpathSync(app), 'node_modules', 'cdk-cross-account-trust', 'lib', 'prover', 'index.js'));
    expect(packages).toEqual([]);
    expect(error).toEqual({
      isClass: true,
      name: 'MissingPeerDependencyError',
      packageName: '@cloud-copilot/iam-simulate',
      message: expect.stringMatching(/^cdk-cross-account-trust\/prover needs @cloud-copilot\/iam-simulate \(the IAM policy evaluator .*AGPL-3\.0-or-later.*\), which is not installed\. .*npm install @cloud-copilot\/iam-simulate$/),
    });
  });
});

/** What `new AccountRegistry(...)` throws in the consumer project (`more` adds options), or 'created'. */
function newRegistry(more: string): unknown {
  return nodeJson(`
    const { AccountRegistry, MissingPeerDependencyError } = require('cdk-cross-account-trust/runtime');
    const client = { send: () => { throw new Error('no request is sent when a registry is created'); } };
    try {
      new AccountRegistry({ tableName: 'registry', dynamoDb: client, vendorAccountId: '111122223333' ${more} });
      out('created');
    } catch (e) {
      out({ isClass: e instanceof MissingPeerDependencyError, name: e.name, message: e.message });
    }`);
}
const TEMPLATE_BODY = JSON.stringify(JSON.stringify({ Resources: { R: {} }, Parameters: { ExternalId: { Type: 'String' } } }));
const TEMPLATES = `, templates: { bucketName: 'acme-templates', prefix: 'onboarding', s3: client, stackName: 'AcmeOnboarding',
  region: 'eu-west-1', templateBody: ${TEMPLATE_BODY} }`;

function missing(client: string) {
  return {
    isClass: true,
    name: 'MissingPeerDependencyError',
    message: expect.stringMatching(new RegExp(`^cdk-cross-account-trust/runtime needs @aws-sdk/client-${client} \\(AccountRegistry .*\\), which is not installed\\. `
      + `It is an optional peer dependency, installed only by those who use cdk-cross-account-trust/runtime: npm install @aws-sdk/client-${client}$`)),
  };
}

describe('installed with @aws-sdk/client-dynamodb only', () => {
  beforeAll(() => link(app, '@aws-sdk/client-dynamodb'));

  test('a registry without templates is created; one with templates fails naming @aws-sdk/client-s3 and why', () => {
    expect(newRegistry('')).toBe('created');
    expect(newRegistry(TEMPLATES)).toEqual(missing('s3'));
  });
});

/** What `verifyAccount(...)` does in the consumer project (`more` adds options): the error it throws, or 'verified'. */
function verify(more: string): unknown {
  return nodeJson(`
    const { AccountRegistry, MissingPeerDependencyError, verifyAccount } = require('cdk-cross-account-trust/runtime');
    const client = { send: () => { throw new Error('no request: the registry was reached'); } };
    const registry = new AccountRegistry({ tableName: 'registry', dynamoDb: client, vendorAccountId: '111122223333' });
    verifyAccount({ registry, sts: client, roleName: 'AcmeScannerAccess', accountId: '444455556666', log: () => undefined ${more} })
      .then(() => out('verified'), (e) => out({ isClass: e instanceof MissingPeerDependencyError, name: e.name, message: e.message }));`);
}

describe('installed with the AWS SDK', () => {
  beforeAll(() => link(app, '@aws-sdk/client-s3'));

  test('without @aws-sdk/client-sts, a verification fails before any request, naming it and why', () => {
    expect(verify('')).toEqual({
      isClass: true,
      name: 'MissingPeerDependencyError',
      message: expect.stringMatching(/^cdk-cross-account-trust\/runtime needs @aws-sdk\/client-sts \(verifyAccount and verifyAll assume the customer roles with it\), which is not installed\. /),
    });
  });

  test('a registry with templates refuses a weak ExternalId, and loads the SDK and none of aws-cdk-lib, constructs, cdk-nag or @cloud-copilot', () => {
    const { refused, packages } = nodeJson(`${LOADED_PACKAGES}
      const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
      const { S3Client } = require('@aws-sdk/client-s3');
      const { AccountRegistry } = require('cdk-cross-account-trust/runtime');
      // Nothing listens there: the refusal comes before any request.
      const config = { region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };
      const registry = new AccountRegistry({ tableName: 'registry', dynamoDb: new DynamoDBClient(config), vendorAccountId: '111122223333',
        templates: { bucketName: 'acme-templates', prefix: 'onboarding', s3: new S3Client(config), stackName: 'AcmeOnboarding', region: 'eu-west-1',
          templateBody: ${TEMPLATE_BODY} } });
      registry.register({ tenantId: 'tenant-a', accountId: '444455556666', externalId: 'password1234' })
        .then(() => out({ refused: 'registered' }), (e) => out({ refused: e.name, packages: loaded() }));`);
    expect(refused).toBe('WeakExternalIdError');
    expect(packages).toEqual(expect.arrayContaining(REGISTRY_PEERS));
    expect(packages.filter((name: string) => /^(aws-cdk-lib|constructs|cdk-nag|@cloud-copilot\/.*)$/.test(name))).toEqual([]);
  });

  // TypeScript finds the subpath's types through `exports` (node16, bundler) and through `typesVersions` (node10,
  // which ignores `exports`); a wrongly typed use must fail, so the types are real and not `any`. The root's types
  // (aws-cdk-lib's with them: slow to load) are checked once, under node16, where `exports` decides them.
  test.each([
    ['node10', { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' }, false],
    ['node16', { module: 'node16', moduleResolution: 'node16' }, true],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, false],
  ])('TypeScript with moduleResolution %s type-checks an import of the subpath', (resolution, options, root) => {
    const dir = path.join(app, `ts-${resolution}`);
    writeFiles(dir, {
      'tsconfig.json': JSON.stringify({ compilerOptions: { ...options, target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['consumer.ts'] }),
      'consumer.ts': [
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        "import { AccountRegistry, AccountAlreadyRegisteredError, MissingPeerDependencyError } from 'cdk-cross-account-trust/runtime';",
        "const registry = new AccountRegistry({ tableName: 'registry', dynamoDb: new DynamoDBClient({}), vendorAccountId: '111122223333' });",
        'export async function add(tenantId: string, accountId: string): Promise<string> {',
        '  const registration = await registry.register({ tenantId, accountId });',
        '  return registration.externalId;',
        '}',
        'export function explain(e: unknown): string | undefined {',
        '  if (e instanceof MissingPeerDependencyError) return e.packageName;',
        '  return e instanceof AccountAlreadyRegisteredError ? e.name : undefined;',
        '}',
        '// @ts-expect-error dynamoDb is a DynamoDBClient, not a table name',
        "export const wrong = new AccountRegistry({ tableName: 'registry', dynamoDb: 'registry', vendorAccountId: '111122223333' });",
        ...(root ? [
          "import { CrossAccountTrustChecks } from 'cdk-cross-account-trust';",
          'export const pack: CrossAccountTrustChecks = new CrossAccountTrustChecks();',
          '// @ts-expect-error the pack is not a string',
          'export const notAString: string = pack;',
        ] : []),
        '',
      ].join('\n'),
    });
    const tsc = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
    expect([tsc.status, tsc.stdout]).toEqual([0, '']);
  });
});

describe('installed with the verifier\'s STS and IAM clients, without the IAM policy evaluator', () => {
  beforeAll(() => VERIFIER_PEERS.forEach((peer) => link(app, peer)));

  test('a verification runs without the prover by default, and prove: true fails naming the evaluator, before any request', () => {
    expect(verify('')).toEqual({ isClass: false, name: 'Error', message: 'no request: the registry was reached' });
    expect(verify(', prove: true')).toEqual({
      isClass: true,
      name: 'MissingPeerDependencyError',
      message: expect.stringMatching(/^cdk-cross-account-trust\/prover needs @cloud-copilot\/iam-simulate /),
    });
  });
});

describe('installed with the IAM policy evaluator', () => {
  beforeAll(() => link(app, '@cloud-copilot/iam-simulate'));

  test('the prover subpath proves a trust policy, loading the evaluator and none of aws-cdk-lib, constructs, cdk-nag or the AWS SDK', () => {
    const { proof, packages } = nodeJson(`${LOADED_PACKAGES}
      const { TrustPolicyProver } = require('cdk-cross-account-trust/prover');
      new TrustPolicyProver().proveTrust({
        policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'kX9-vQ2_mZ7.pL4@rT8' } } }] },
        roleArn: 'arn:aws:iam::444455556666:role/VendorAccess',
        vendorRoleArn: 'arn:aws:iam::111122223333:role/Deputy',
      }).then((proof) => out({ proof, packages: loaded() }), (e) => out({ proof: String(e) }));`);
    expect(proof.verdict).toBe('attackable');
    expect(proof.attacks.map((a: any) => a.decision)).toEqual(['denied', 'denied', 'allowed', 'allowed', 'denied', 'allowed']);
    expect(packages).toContain('@cloud-copilot/iam-simulate');
    expect(packages.filter((name: string) => /^(aws-cdk-lib|constructs|cdk-nag|@aws-sdk\/.*|@smithy\/.*)$/.test(name))).toEqual([]);
  });
});
