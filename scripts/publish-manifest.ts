/**
 * Completes the manifest inside the packed npm tarball(s) with the optional peer dependencies that jsii cannot be told
 * about (see `optionalPeers` in .projenrc.ts): jsii resolves every `peerDependencies` entry as a jsii assembly, so the
 * repository's package.json names them in `peerDependenciesMeta` only, and the published one must name them in
 * `peerDependencies` too (npm reads the meta entry only beside one there, and only then checks the range).
 *
 * Usage: `ts-node scripts/publish-manifest.ts <dir>` rewrites every .tgz in <dir> (the `package:js` task runs it on
 * dist/js after jsii-pacmak packed it). The tarball is unpacked (by the system's `tar`, as on any Linux, macOS and
 * Windows 10 or later), its package.json changed, and packed again by npm itself, so everything else in it stays as
 * npm packed it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

interface Manifest {
  readonly name: string;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>;
  readonly [field: string]: unknown;
}

/**
 * The manifest to publish: every optional `peerDependenciesMeta` entry without a `peerDependencies` range gets the
 * range its dev dependency declares (the version the tests run against). Nothing else changes.
 */
export function publishedManifest(manifest: Manifest): Manifest {
  const optional = Object.entries(manifest.peerDependenciesMeta ?? {})
    .filter(([name, meta]) => meta.optional === true && manifest.peerDependencies?.[name] === undefined)
    .map(([name]) => name);
  if (optional.length === 0) return manifest;
  const ranges = optional.map((name) => {
    const range = manifest.devDependencies?.[name];
    if (range === undefined) {
      throw new Error(`${manifest.name}: the optional peer dependency ${name} (peerDependenciesMeta) has no range: `
        + 'declare it as a dev dependency in .projenrc.ts (the range the tests install is the range published)');
    }
    return [name, range] as const;
  });
  return { ...manifest, peerDependencies: { ...manifest.peerDependencies, ...Object.fromEntries(ranges) } };
}

/** Rewrites `tarball` in place with {@link publishedManifest} applied to its package/package.json. */
export function rewriteTarball(tarball: string): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'xat-publish-'));
  try {
    const unpacked = spawnSync('tar', ['-xzf', path.resolve(tarball)], { cwd: work, encoding: 'utf8' });
    if (unpacked.status !== 0) throw new Error(`tar could not unpack ${tarball}: ${unpacked.error ?? unpacked.stderr}`);
    const manifestFile = path.join(work, 'package', 'package.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    fs.writeFileSync(manifestFile, `${JSON.stringify(publishedManifest(manifest), undefined, 2)}\n`);
    const out = path.join(work, 'out');
    fs.mkdirSync(out);
    const packed = spawnSync('npm', ['pack', path.join(work, 'package'), '--pack-destination', out, '--ignore-scripts', '--json', '--loglevel=error'], { encoding: 'utf8' });
    if (packed.status !== 0) throw new Error(`npm pack of the rewritten ${tarball} failed: ${packed.stderr}`);
    const [{ filename }] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
    fs.copyFileSync(path.join(out, filename), tarball);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error('usage: publish-manifest.ts <directory of packed .tgz files>');
  const tarballs = fs.readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length === 0) throw new Error(`${dir}: no .tgz to rewrite (run jsii-pacmak --target js first)`);
  for (const file of tarballs) {
    rewriteTarball(path.join(dir, file));
    console.log(`${path.join(dir, file)}: optional peer dependencies declared`);
  }
}
