import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import { publishedManifest } from '../scripts/publish-manifest';

// The package ships its bundled dependencies inside its tarball and needs its peer dependencies at
// run time: that closure must stay permissive. Copyleft tools may only ever be dev dependencies.
const ROOT = path.join(__dirname, '..');
// Blue Oak Model License 1.0: a permissive licence (minimatch, inside aws-cdk-lib).
const PERMISSIVE = new Set(['Apache-2.0', 'MIT', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'BlueOak-1.0.0']);

/** An SPDX expression is permissive when one of its OR alternatives is (`MIT OR GPL-3.0` may be used as MIT). */
function permissive(licence: string): boolean {
  return licence.replace(/^\(|\)$/g, '').split(/\s+OR\s+/).some((alternative) => PERMISSIVE.has(alternative));
}

interface Manifest {
  readonly dir: string;
  readonly license?: string;
  readonly dependencies?: Record<string, string>;
}

/** Node's lookup: the nearest node_modules/<name> from `from` upwards (aws-cdk-lib nests its bundled ones). */
function manifest(name: string, from: string): Manifest {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) {
      return { dir: candidate, ...JSON.parse(fs.readFileSync(path.join(candidate, 'package.json'), 'utf8')) };
    }
    if (dir === path.dirname(dir)) throw new Error(`${name} is not installed below ${from}`);
  }
}

function closure(roots: string[]): Map<string, string> {
  const licences = new Map<string, string>();
  const visit = (name: string, from: string) => {
    const pkg = manifest(name, from);
    if (licences.has(pkg.dir)) return;
    licences.set(pkg.dir, String(pkg.license));
    Object.keys(pkg.dependencies ?? {}).forEach((dep) => visit(dep, pkg.dir));
  };
  roots.forEach((root) => visit(root, ROOT));
  return licences;
}

/**
 * Optional peers under a copyleft licence, each with why that is acceptable. Such a peer is never bundled, never a
 * dependency and never a required peer (npm installs none of it), nothing the package needs pulls it in, and only
 * the subpath named loads it, on use: whoever installs it accepts its licence for that use.
 */
const COPYLEFT_OPTIONAL_PEERS: Record<string, string> = {
  '@cloud-copilot/iam-simulate': 'the IAM policy evaluator of the cdk-cross-account-trust/prover subpath and check --prove (AGPL-3.0-or-later)',
};

/** The manifest npm publishes: the optional peers get their ranges there (scripts/publish-manifest.ts). */
const published = () => publishedManifest(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')));
const optionalPeers = (pkg: any): string[] => Object.keys(pkg.peerDependencies).filter((name) => pkg.peerDependenciesMeta?.[name]?.optional === true);
const requiredPeers = (pkg: any): string[] => Object.keys(pkg.peerDependencies).filter((name) => !optionalPeers(pkg).includes(name));
const offendingIn = (licences: Map<string, string>) =>
  [...licences].filter(([, licence]) => !permissive(licence)).map(([dir, licence]) => `${path.relative(ROOT, dir)}: ${licence}`);

test('bundled and required peer dependencies, with everything they pull in, are under permissive licences', () => {
  const pkg = published();
  const bundled: string[] = pkg.bundledDependencies as string[];
  expect(bundled).toEqual(expect.arrayContaining(['@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en', 'yaml', 'commander']));
  expect(requiredPeers(pkg)).toEqual(['aws-cdk-lib', 'cdk-nag', 'constructs']);
  const licences = closure([...bundled, ...requiredPeers(pkg)]);
  expect(licences.size).toBeGreaterThan(10);
  expect(offendingIn(licences)).toEqual([]);
});

test('an optional peer is permissive with everything it pulls in, or a copyleft one listed with its reason', () => {
  const pkg = published();
  const optional = optionalPeers(pkg);
  expect(optional).toEqual(expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3', ...Object.keys(COPYLEFT_OPTIONAL_PEERS)]));
  for (const name of optional.filter((n) => COPYLEFT_OPTIONAL_PEERS[n] === undefined)) {
    expect([name, offendingIn(closure([name]))]).toEqual([name, []]);
  }
  // The list holds what is copyleft, no more: a listed peer that became permissive leaves it.
  for (const name of Object.keys(COPYLEFT_OPTIONAL_PEERS)) expect([name, permissive(manifest(name, ROOT).license ?? '')]).toEqual([name, false]);
});

test('a copyleft optional peer stays outside the bundled and required closure, and outside the dependencies', () => {
  const pkg = published();
  const required = closure([...(pkg.bundledDependencies as string[]), ...requiredPeers(pkg)]);
  for (const name of Object.keys(COPYLEFT_OPTIONAL_PEERS)) {
    expect(pkg.peerDependenciesMeta?.[name]).toEqual({ optional: true });
    expect(Object.keys(pkg.dependencies as object)).not.toContain(name);
    expect(pkg.bundledDependencies as string[]).not.toContain(name);
    const own = closure([name]);
    // Nothing the package needs is the peer or one of the copyleft packages it pulls in.
    const copyleftOfPeer = [...own].filter(([, licence]) => !permissive(licence)).map(([dir]) => dir);
    expect(copyleftOfPeer.length).toBeGreaterThan(0);
    expect(copyleftOfPeer.filter((dir) => required.has(dir))).toEqual([]);
  }
});

/**
 * The Lambda bundles of the TrustVerifier (assets/, built by esbuild in the `bundle` task before compile) ship inside
 * the package: every npm package bundled into them must be permissive, and the copyleft optional peers (with
 * everything they pull in) must stay external. esbuild marks each bundled module with a `// node_modules/<path>`
 * comment (bundles are not minified), which names the packages.
 */
describe('the Lambda bundles', () => {
  const ASSETS = path.join(ROOT, 'assets');
  const bundles = (): string[] => {
    if (!fs.existsSync(ASSETS)) throw new Error(`${ASSETS} is missing: bundle first (npx projen bundle), as npx projen build does before the tests`);
    return (fs.readdirSync(ASSETS, { recursive: true }) as string[]).filter((f) => path.basename(f) === 'index.js').map((f) => path.join(ASSETS, f)).sort();
  };
  const bundledPackages = (code: string): string[] =>
    [...new Set([...code.matchAll(/^\/\/ node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//gm)].map((m) => m[1]))].sort();
  const externals = (code: string): string[] => [...new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]))].sort();

  test('hold the worker and the dispatcher', () => {
    expect(bundles().map((f) => path.relative(ASSETS, f))).toEqual([
      path.join('vendor', 'trust-verifier-dispatcher.lambda', 'index.js'),
      path.join('vendor', 'trust-verifier-worker.lambda', 'index.js'),
    ]);
  });

  test.each(['trust-verifier-dispatcher', 'trust-verifier-worker'])('%s bundles only permissive packages, no code of @cloud-copilot, and loads only the Lambda runtime\'s', (name) => {
    const code = fs.readFileSync(path.join(ASSETS, 'vendor', `${name}.lambda`, 'index.js'), 'utf8');
    const packages = bundledPackages(code);
    // The ExternalId checks' word lists: proof that the probe sees bundled packages.
    expect(packages).toContain('@zxcvbn-ts/language-common');
    expect(packages.filter((p) => p.startsWith('@cloud-copilot/'))).toEqual([]);
    expect(packages.map((p) => [p, manifest(p, ROOT).license]).filter(([, licence]) => !permissive(String(licence)))).toEqual([]);
    // What stays a require at run time: Node.js built-ins, the AWS SDK v3 the Lambda runtime provides, and the
    // optional IAM policy evaluator (absent in Lambda, so the verifier runs without the prover).
    const builtins = new Set(builtinModules);
    expect(externals(code).filter((m) => !builtins.has(m.replace(/^node:/, '')) && !/^@aws-sdk\/|^@cloud-copilot\//.test(m))).toEqual([]);
    expect(externals(code)).toContain('@aws-sdk/client-dynamodb');
  });
});
