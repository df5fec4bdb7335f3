import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cli, tempDir } from './cli/helpers';
import { checkStep, runStep } from './github-actions';

// The workflow's synth step, run with the newest aws-cdk CLI and aws-cdk-lib (installed into .cdk-latest/ by
// `npx projen test:cdk-latest`, the only task that runs this file) on examples/platform-app.ts, then its check
// step on what the synth left. (`npm ci` needs the app's own package.json, and the upload needs GitHub.)
const ROOT = path.join(__dirname, '..');
const LATEST = path.join(ROOT, '.cdk-latest');

test('a synth that fails on the rule pack leaves the cloud assembly, and the check step reports it', () => {
  const dir = tempDir();
  const app = ['node', '-r', path.join(LATEST, 'require.js'), '-r', require.resolve('ts-node/register'), path.join(ROOT, 'examples', 'platform-app.ts')];
  fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: app.join(' ') }));
  const synth = runStep('npx cdk synth');
  const result = spawnSync(process.execPath, [path.join(LATEST, 'node_modules', 'aws-cdk', 'bin', 'cdk'), ...synth.words.slice(2), '--no-notices'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json'), TS_NODE_TRANSPILE_ONLY: '1', NODE_ENV: 'production' },
  });
  expect(`${result.stdout}${result.stderr}`).toContain("Acknowledge with 'CrossAccountTrust::CrossAccountTrust-XAT1[Statement0]'");
  expect(result.status).toBe(1);
  expect(fs.existsSync(path.join(dir, 'cdk.out', 'PlatformLegacy.template.json'))).toBe(true);

  const { code } = cli(checkStep().words.slice(2), { cwd: dir });
  const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'cross-account-trust.sarif'), 'utf8'));
  expect(sarif.runs[0].results.filter((r: any) => r.suppressions === undefined).map((r: any) => r.ruleId).sort()).toEqual(['XAT1', 'XAT3']);
  expect(code).toBe(1);
}, 180_000);
