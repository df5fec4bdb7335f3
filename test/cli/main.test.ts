import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, REPO_ROOT } from './helpers';

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
