import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { synthValidated } from './cdk-synth';
import { cli, REPO_ROOT, sarifValidator, tempDir } from './cli/helpers';
import { README_WORKFLOW, STEPS, WORKFLOW_TEXT, checkStep as findCheckStep } from './github-actions';
import { buildPlatformApp } from '../examples/platform-app';

const check = findCheckStep();
const checkStep = check.step;
const upload = STEPS.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;

describe('the GitHub Actions workflow (examples/github-actions/cross-account-trust.yml)', () => {
  test('is the one the README shows', () => {
    expect(README_WORKFLOW).toBe(WORKFLOW_TEXT);
  });

  test('checks and uploads SARIF even when an earlier step failed, from the file the check writes', () => {
    expect(checkStep.if).toBe('always()');
    expect(upload.if).toBe('always()');
    const words = checkStep.run!.trim().split(/\s+/);
    expect(upload.with?.sarif_file).toBe(words[words.indexOf('--output') + 1]);
    expect(words[words.indexOf('--format') + 1]).toBe('sarif');
    expect(STEPS.indexOf(checkStep)).toBeGreaterThan(STEPS.findIndex((s) => s.run === 'npx cdk synth --quiet'));
    expect(STEPS.indexOf(upload)).toBeGreaterThan(STEPS.indexOf(checkStep));
  });

  test('runs a bin of this package', () => {
    const bins = Object.keys(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).bin);
    expect(check.words[0]).toBe('npx');
    expect(bins).toContain(check.words[1]);
  });

  describe('its check command', () => {
    const args = checkStep.run!.trim().split(/\s+/).slice(2);
    const validate = sarifValidator();

    /** A repository after `npx cdk synth` of examples/platform-app.ts, which fails on purpose (or failed before writing anything). */
    function repository(synthesized: boolean): string {
      const dir = tempDir();
      if (synthesized) synthValidated(buildPlatformApp(new App({ outdir: path.join(dir, 'cdk.out') })));
      return dir;
    }

    test('writes SARIF with the findings of the cloud assembly of a failed synth, and exits 1', () => {
      const dir = repository(true);
      const { code } = cli(args, { cwd: dir });
      const sarif = JSON.parse(fs.readFileSync(path.join(dir, upload.with!.sarif_file as string), 'utf8'));
      expect(validate(sarif)).toEqual([]);
      const results = (suppressed: boolean) => sarif.runs[0].results.filter((r: any) => (r.suppressions !== undefined) === suppressed)
        .map((r: any) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri]).sort();
      expect(results(false)).toEqual([
        ['XAT1', 'cdk.out/PlatformLegacy.template.json'],
        ['XAT3', 'cdk.out/PlatformLegacy.template.json'],
      ]);
      // The finding acknowledged in the app is shown as suppressed in code scanning.
      expect(results(true)).toEqual([['XAT6', 'cdk.out/PlatformLegacy.template.json']]);
      expect(code).toBe(1);
    });

    test('still writes SARIF when the synth wrote no cloud assembly: the missing cdk.out is a tool notification, and it exits 2', () => {
      const dir = repository(false);
      const { code } = cli(args, { cwd: dir });
      const sarif = JSON.parse(fs.readFileSync(path.join(dir, upload.with!.sarif_file as string), 'utf8'));
      expect(validate(sarif)).toEqual([]);
      expect(sarif.runs[0].results).toEqual([]);
      expect(JSON.stringify(sarif.runs[0].invocations[0].toolExecutionNotifications)).toMatch(/cdk\.out/);
      expect(code).toBe(2);
    });
  });
});
