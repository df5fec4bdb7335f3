import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, PACKAGE_VERSION, REPO_ROOT, tempDir } from './helpers';

const MAIN = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');

/** Runs src/cli/main.ts as the bin would run lib/cli/main.js: a separate node process. */
function bin(args: string[]) {
  return spawnSync(process.execPath, ['-r', 'ts-node/register', MAIN, ...args], {
    cwd: FIXTURES,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'test', 'tsconfig.json'), TS_NODE_TRANSPILE_ONLY: 'true', NO_COLOR: '1' },
  });
}

describe('the cdk-cross-account-trust bin', () => {
  test('package.json declares it, and cross-account-trust too, at the compiled path of src/cli/main.ts, which starts with a node shebang', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'cdk-cross-account-trust': 'lib/cli/main.js', 'cross-account-trust': 'lib/cli/main.js' });
    expect(fs.readFileSync(MAIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  test('sets the process exit code and writes the report to stdout', () => {
    const unsafe = bin(['check', 'unsafe-role.json']);
    expect(unsafe.status).toBe(1);
    expect(unsafe.stdout).toMatch(/^unsafe-role\.json:11:13: error XAT1 \[Statement0\] AuditRole: /);
    expect(unsafe.stderr).toBe('');
    expect(bin(['check', 'safe-role.yaml']).status).toBe(0);
    const usage = bin(['check', '--format', 'xml', 'safe-role.yaml']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/argument 'xml' is invalid/);
  });
});

describe('the package as npm installs it', () => {
  // The compiled CLI, packed as it is published and installed from the tarball without the registry: both bin names
  // run, from the package's own files and its bundled dependencies alone (the CLI needs none of the peer dependencies).
  test('runs under both bin names', () => {
    const compiled = path.join(REPO_ROOT, 'lib', 'cli', 'main.js');
    if (!fs.existsSync(compiled)) throw new Error(`${compiled} is missing: compile first (npx projen compile), as npx projen build does before the tests`);
    const dir = tempDir();
    const npm = (args: string[], cwd: string) => {
      const r = spawnSync('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
      expect([args.join(' '), r.status, r.stderr]).toEqual([args.join(' '), 0, '']);
      return r.stdout.trim();
    };
    const tarball = npm(['pack', '--pack-destination', dir], REPO_ROOT).split('\n').pop()!;
    npm(['install', '--offline', '--omit=peer', '--no-package-lock', path.join(dir, tarball)], dir);
    const run = (name: string, args: string[], input?: string) => spawnSync(path.join(dir, 'node_modules', '.bin', name), args, { cwd: dir, encoding: 'utf8', input });
    const help = run('cdk-cross-account-trust', ['--help']);
    expect([help.status, help.stdout]).toEqual([0, expect.stringMatching(/^Usage: cdk-cross-account-trust \[options\] \[command\]/)]);
    const checked = run('cdk-cross-account-trust', ['check', '--quiet', '-'], fs.readFileSync(path.join(FIXTURES, 'unsafe-role.json'), 'utf8'));
    expect([checked.status, checked.stderr, checked.stdout]).toEqual([1, '', expect.stringMatching(/^<stdin>:11:13: error XAT1 \[Statement0\] AuditRole: /)]);
    const other = run('cross-account-trust', ['--version']);
    expect([other.status, other.stdout]).toEqual([0, `${PACKAGE_VERSION}\n`]);
  });
});
