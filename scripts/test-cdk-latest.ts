/**
 * Runs the tests of the CDK adapters (the rule pack through real synthesis, the CLI on real cloud assemblies) against
 * the newest aws-cdk-lib 2.x, which reports validation failures and prints acknowledgment ids differently from the
 * 2.258 dev dependency that `npx projen test` uses. The newest version is installed from the npm registry into
 * .cdk-latest/ (ignored by git; reused while it is still the newest), and jest maps `aws-cdk-lib` and `constructs`
 * to it for every module, cdk-nag's included.
 *
 * Usage: npx projen test:cdk-latest [jest arguments]
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const DIR = path.join(ROOT, '.cdk-latest');
const MODULES = path.join(DIR, 'node_modules');
/**
 * The tests whose outcome depends on the aws-cdk-lib version: those of the rule pack, and those of the CLI that read a
 * cloud assembly they synthesize.
 */
function versionDependentTests(): string[] {
  const cli = path.join('test', 'cli');
  const synthesizing = fs.readdirSync(path.join(ROOT, cli))
    .filter((f) => f.endsWith('.test.ts') && /\.synth\(|synthValidated\(/.test(fs.readFileSync(path.join(ROOT, cli, f), 'utf8')))
    .map((f) => path.join(cli, f));
  return [path.join('test', 'nag', path.sep), ...synthesizing];
}

function npm(args: string[]): string {
  return execFileSync('npm', args, { cwd: DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function installedVersion(): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(MODULES, 'aws-cdk-lib', 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function main(): void {
  fs.mkdirSync(DIR, { recursive: true });
  if (!fs.existsSync(path.join(DIR, 'package.json'))) {
    fs.writeFileSync(path.join(DIR, 'package.json'), `${JSON.stringify({ name: 'cdk-latest', private: true }, null, 2)}\n`);
  }
  // `npm view` of a range lists every matching version, oldest first.
  const versions: string[] = [JSON.parse(npm(['view', 'aws-cdk-lib@2', 'version', '--json']))].flat();
  const newest = versions[versions.length - 1];
  if (installedVersion() !== newest) {
    const constructs: string = JSON.parse(npm(['view', `aws-cdk-lib@${newest}`, 'peerDependencies', '--json'])).constructs;
    npm(['install', '--no-audit', '--no-fund', '--no-save', `aws-cdk-lib@${newest}`, `constructs@${constructs}`]);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const config = {
    ...pkg.jest,
    rootDir: ROOT,
    collectCoverage: false,
    reporters: ['default'],
    moduleNameMapper: {
      '^aws-cdk-lib$': path.join(MODULES, 'aws-cdk-lib'),
      '^aws-cdk-lib/(.*)$': path.join(MODULES, 'aws-cdk-lib', '$1'),
      '^constructs$': path.join(MODULES, 'constructs'),
    },
  };
  console.log(`aws-cdk-lib ${installedVersion()} from ${path.relative(ROOT, MODULES)}`);
  const jest = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--ci', '--config', JSON.stringify(config), ...versionDependentTests(), ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  process.exitCode = jest.status ?? 1;
}

main();
