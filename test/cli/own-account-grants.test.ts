import * as path from 'path';
import { checkJson, tempDir } from './helpers';
import { ownAccountGrantsApp } from '../own-account-app';

describe('the CLI on a cloud assembly with grantAssumeRole within the account', () => {
  test.each([
    ['an environment-specific app', { account: '444455556666', region: 'eu-west-1' }],
    ['an environment-agnostic app', undefined],
  ])('in one stack and across stacks of %s: exit 0, no finding', (_name, env) => {
    const outdir = path.join(tempDir(), 'cdk.out');
    ownAccountGrantsApp(outdir, env).synth();
    const { code, report } = checkJson([outdir]);
    expect(report.errors).toEqual([]);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.summary).toMatchObject({ files: 2 });
  });

  test('the Workers template alone cannot see the export: the import is reported, not passed', () => {
    const outdir = path.join(tempDir(), 'cdk.out');
    ownAccountGrantsApp(outdir).synth();
    const { code, report } = checkJson(['--account', '444455556666', path.join(outdir, 'Workers.template.json')]);
    expect(code).toBe(1);
    expect(report.findings.map((f: any) => f.rule)).toEqual(['XAT8']);
    expect(report.findings[0].message).toContain('which no template of this check exports');
  });
});
