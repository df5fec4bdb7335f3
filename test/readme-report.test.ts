import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CDK_VERSION, synthValidated } from './cdk-synth';
import { tempDir } from './cli/helpers';
import { blockAfter } from './readme-blocks';
import { buildPlatformApp } from '../examples/platform-app';

// The report text the README shows is what the newest aws-cdk-lib prints for examples/platform-app.ts
// (`npx projen test:cdk-latest` runs this file on it); on 2.258 the same findings are reported under the ids
// the README gives for that version.
const shown = blockAfter('#### What a failing synth prints', 'text');
/** Each finding of the shown report: its message and the id printed to acknowledge it. */
const findings = shown.trimEnd().split('\n\n').map((block) => {
  const lines = block.split('\n');
  return {
    description: /^ERROR (.*) \(CrossAccountTrust\)$/.exec(lines[1])![1],
    id: /^ {3}Acknowledge with '(.*)'$/.exec(lines[3])![1],
    constructPath: lines[2].trim().split(' ')[0],
  };
});

describe(`the README's report text (aws-cdk-lib ${CDK_VERSION})`, () => {
  const outdir = tempDir();
  const synth = synthValidated(buildPlatformApp(new App({ outdir })));

  test('shows the two findings of the unsafe role and fails', () => {
    expect(synth.failed).toBe(true);
    expect(findings.map((f) => f.id)).toEqual([
      'CrossAccountTrust::CrossAccountTrust-XAT1[Statement0]',
      'CrossAccountTrust::CrossAccountTrust-XAT3[Statement0.Principal0]',
    ]);
  });

  test('reports exactly those findings, under the id without the namespace, and leaves the acknowledged one out', () => {
    expect(synth.violations).toEqual(findings.map((f) => ({
      ruleName: f.id.replace(/^CrossAccountTrust::/, ''),
      description: f.description,
      constructPaths: [f.constructPath],
    })));
    expect(synth.printed).not.toMatch(/XAT6/);
  });

  // Versions after 2.258 print the report in the form shown; 2.258 prints it boxed, as the README says.
  test(CDK_VERSION === '2.258.0' ? 'is printed boxed, each finding under its id without the namespace' : 'is printed verbatim, then where the report was written', () => {
    const stripped = synth.printed.replace(/\u001b\[[0-9;]*m/g, '');
    if (CDK_VERSION === '2.258.0') {
      expect(stripped).toContain('Validation Report');
      for (const f of findings) {
        expect(stripped).toContain(`${f.id.replace(/^CrossAccountTrust::/, '')} (1 occurrences)\nSeverity: error`);
        expect(stripped).toContain(`Construct Path: ${f.constructPath}`);
        expect(stripped).toContain(`Description: ${f.description}`);
      }
    } else {
      expect(stripped).toContain(`${shown.trimEnd()}\n\nA copy of this report can be found in: ${path.join(outdir, 'validation-report.json')}`);
    }
  });
});
