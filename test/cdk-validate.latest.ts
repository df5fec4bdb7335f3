import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './cli/helpers';
import { blockAfter } from './readme-blocks';

// The README's `cdk validate` command, run with the newest aws-cdk CLI on examples/platform-app.ts and the newest
// aws-cdk-lib (both installed into .cdk-latest/ by `npx projen test:cdk-latest`, the only task that runs this file).
const ROOT = path.join(__dirname, '..');
const LATEST = path.join(ROOT, '.cdk-latest');

test('`cdk validate` runs the pack without a deployment, prints the report the README shows and exits 1', () => {
  const [npx, cdk, ...args] = blockAfter('#### `cdk validate`', 'sh').trim().split(/\s+/);
  expect([npx, cdk, args[0]]).toEqual(['npx', 'cdk', 'validate']);
  const app = `node -r ${path.join(LATEST, 'require.js')} -r ts-node/register examples/platform-app.ts`;
  const result = spawnSync(process.execPath, [path.join(LATEST, 'node_modules', 'aws-cdk', 'bin', 'cdk'), ...args,
    '--no-notices', '--output', tempDir(), '--app', app], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: 'test/tsconfig.json', TS_NODE_TRANSPILE_ONLY: '1', NODE_ENV: 'production', FORCE_COLOR: '0' },
  });
  const output = `${result.stdout}${result.stderr}`.replace(/\u001b\[[0-9;]*m/g, '');
  expect(fs.existsSync(path.join(LATEST, 'require.js'))).toBe(true);
  expect(output).toContain(blockAfter('#### What a failing synth prints', 'text').trimEnd());
  expect(result.status).toBe(1);
}, 180_000);
