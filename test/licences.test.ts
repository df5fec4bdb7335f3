import * as fs from 'fs';
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
