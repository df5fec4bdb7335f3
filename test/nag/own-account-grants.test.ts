import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Validations } from 'aws-cdk-lib';
import { CrossAccountTrustChecks } from '../../src/nag/cross-account-trust-checks';
import { synthValidated } from '../cdk-synth';
import { ownAccountGrantsApp } from '../own-account-app';

const outdirs: string[] = [];
afterAll(() => {
  for (const d of outdirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('the pack on grantAssumeRole within the account', () => {
  test.each([
    ['an environment-specific app', { account: '444455556666', region: 'eu-west-1' }],
    ['an environment-agnostic app', undefined],
  ])('in one stack and across stacks of %s: synth passes with no finding', (_name, env) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'xat-grants-'));
    outdirs.push(outdir);
    const app = ownAccountGrantsApp(outdir, env);
    Validations.of(app).addPlugins(new CrossAccountTrustChecks(app));
    const result = synthValidated(app);
    expect(result.violations).toEqual([]);
    expect(result.failed).toBe(false);
    // The cross-stack grant really is an import of the other stack's export.
    const workers = JSON.parse(fs.readFileSync(path.join(outdir, 'Workers.template.json'), 'utf8'));
    expect(JSON.stringify(workers)).toContain('"Fn::ImportValue":"Targets:ExportsOutputFnGetAttRemote');
  });
});
