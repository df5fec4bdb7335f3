/**
 * Real synthesis with the rule pack registered, on whichever aws-cdk-lib the tests run against: the dev dependency
 * (2.258) in `npx projen test`, the newest 2.x in `npx projen test:cdk-latest`. The two report a failed validation
 * differently: 2.258 prints the report and sets process.exitCode; newer versions throw it (in tests, where
 * NODE_ENV is `test`), and print acknowledgment ids in the `<plugin>::<rule>` form.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const CDK_VERSION: string = require('aws-cdk-lib/package.json').version;

export interface ReportedViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly constructPaths: string[];
}

export interface ValidatedSynth {
  /** The validation failed (an error-level violation was left). */
  readonly failed: boolean;
  /** What the CDK printed or threw: the human-readable report. */
  readonly printed: string;
  /** The CrossAccountTrust violations of validation-report.json. */
  readonly violations: ReportedViolation[];
  /** The acknowledged violations aws-cdk-lib itself moved out of the report (newer versions, for acknowledgments it matches). */
  readonly suppressed: ReportedViolation[];
}

function violationsOf(list: any[] | undefined): ReportedViolation[] {
  return (list ?? []).map((v: any) => ({
    ruleName: v.ruleName,
    description: v.description,
    constructPaths: v.violatingConstructs.map((c: any) => c.constructPath),
  }));
}

/** Synthesizes `app` (created with an `outdir`) and reads what the validation reported. */
export function synthValidated(app: App): ValidatedSynth {
  const printed: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    printed.push(args.join(' '));
  });
  let failed = false;
  try {
    app.synth();
  } catch (e) {
    // Newer versions write the report, then throw it; anything else is a real failure.
    if (!fs.existsSync(path.join(app.outdir, 'validation-report.json'))) throw e;
    failed = true;
    printed.push(String((e as { message?: unknown })?.message));
  } finally {
    spy.mockRestore();
  }
  failed ||= process.exitCode === 1;
  process.exitCode = undefined;
  const reportFile = path.join(app.outdir, 'validation-report.json');
  const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
  const ours = report.pluginReports.filter((r: any) => r.pluginName === 'CrossAccountTrust');
  return {
    failed,
    printed: printed.join('\n'),
    violations: ours.flatMap((r: any) => violationsOf(r.violations)),
    suppressed: ours.flatMap((r: any) => violationsOf(r.suppressedViolations)),
  };
}
