import * as fs from 'fs';
import * as path from 'path';

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

test('bundled and peer dependencies, with everything they pull in, are under permissive licences', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const bundled: string[] = pkg.bundledDependencies;
  expect(bundled).toEqual(expect.arrayContaining(['@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en', 'yaml', 'commander']));
  const licences = closure([...bundled, ...Object.keys(pkg.peerDependencies)]);
  const offending = [...licences].filter(([, licence]) => !permissive(licence)).map(([dir, licence]) => `${path.relative(ROOT, dir)}: ${licence}`);
  expect(licences.size).toBeGreaterThan(10);
  expect(offending).toEqual([]);
});
