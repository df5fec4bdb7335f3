/**
 * Runs the tests of the CDK adapters (the rule pack through real synthesis, the CLI on real cloud assemblies) against
 * the newest aws-cdk-lib 2.x, which reports validation failures and prints acknowledgment ids differently from the
 * 2.258 dev dependency that `npx projen test` uses. The newest version is installed from the npm registry into
 * .cdk-latest/ (ignored by git; reused while it is still the newest), and jest maps `aws-cdk-lib` and `constructs`
 * to it for every module, cdk-nag's included. The newest aws-cdk CLI is installed beside it for the tests that run
 * `cdk validate` (test files named `*.latest.ts`, which only this task runs), with a require hook (.cdk-latest/require.js) that
 * gives the apps the CLI starts the same aws-cdk-lib.
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
 * The tests whose outcome depends on the aws-cdk-lib version: those of what CDK users run on it (the constructs, the
 * rule pack, the examples, the report text the README shows, `cdk validate`), and those of the CLI that read a cloud
 * assembly they synthesize.
 */
function versionDependentTests(): string[] {
  const cli = path.join('test', 'cli');
  const synthesizing = fs.readdirSync(path.join(ROOT, cli))
    .filter((f) => f.endsWith('.test.ts') && /\.synth\(|synthValidated\(/.test(fs.readFileSync(path.join(ROOT, cli, f), 'utf8')))
    .map((f) => path.join(cli, f));
  return [
    ...['nag', 'customer', 'vendor'].map((dir) => path.join('test', dir, path.sep)),
    path.join('test', 'external-id', 'external-id-parameter.test.ts'),
    path.join('test', 'examples.test.ts'),
    path.join('test', 'readme-report.test.ts'),
    path.join('test', 'cdk-validate.latest.ts'),
    path.join('test', 'github-actions.latest.ts'),
    ...synthesizing,
  ];
}

/** Makes `require('aws-cdk-lib')` and `require('constructs')` of a CDK app resolve to .cdk-latest, as jest's moduleNameMapper does. */
const REQUIRE_HOOK = `const Module = require('module');
const path = require('path');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const mapped = request === 'constructs' || request === 'aws-cdk-lib' || request.startsWith('aws-cdk-lib/');
  return resolve.call(this, mapped ? path.join(__dirname, 'node_modules', request) : request, ...rest);
};
`;

function npm(args: string[]): string {
  return execFileSync('npm', args, { cwd: DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function installedVersion(pkg = 'aws-cdk-lib'): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(MODULES, pkg, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** The newest version of a package's 2.x: `npm view` of a range lists every matching version in publication order. */
function newest2(pkg: string): string {
  const versions: string[] = [JSON.parse(npm(['view', `${pkg}@2`, 'version', '--json']))].flat();
  const parts = (v: string) => v.split('.').map(Number);
  return versions.reduce((a, b) => (parts(b).reduce((c, n, i) => c || n - parts(a)[i], 0) > 0 ? b : a));
}

function main(): void {
  fs.mkdirSync(DIR, { recursive: true });
  if (!fs.existsSync(path.join(DIR, 'package.json'))) {
    fs.writeFileSync(path.join(DIR, 'package.json'), `${JSON.stringify({ name: 'cdk-latest', private: true }, null, 2)}\n`);
  }
  const newest = newest2('aws-cdk-lib');
  const newestCli = newest2('aws-cdk');
  if (installedVersion() !== newest || installedVersion('aws-cdk') !== newestCli) {
    const constructs: string = JSON.parse(npm(['view', `aws-cdk-lib@${newest}`, 'peerDependencies', '--json'])).constructs;
    npm(['install', '--no-audit', '--no-fund', '--no-save', `aws-cdk-lib@${newest}`, `constructs@${constructs}`, `aws-cdk@${newestCli}`]);
  }
  fs.writeFileSync(path.join(DIR, 'require.js'), REQUIRE_HOOK);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const config = {
    ...pkg.jest,
    rootDir: ROOT,
    collectCoverage: false,
    testMatch: [...pkg.jest.testMatch, '<rootDir>/test/**/*.latest.ts'],
    reporters: ['default'],
    moduleNameMapper: {
      '^aws-cdk-lib$': path.join(MODULES, 'aws-cdk-lib'),
      '^aws-cdk-lib/(.*)$': path.join(MODULES, 'aws-cdk-lib', '$1'),
      '^constructs$': path.join(MODULES, 'constructs'),
    },
  };
  console.log(`aws-cdk-lib ${installedVersion()} and aws-cdk ${installedVersion('aws-cdk')} from ${path.relative(ROOT, MODULES)}`);
  const jest = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--ci', '--config', JSON.stringify(config), ...versionDependentTests(), ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  process.exitCode = jest.status ?? 1;
}

main();
