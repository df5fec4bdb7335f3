/**
 * The CLI on cloud assemblies synthesized for real: by the aws-cdk-lib dev dependency in `npx projen test`, by the
 * newest aws-cdk-lib 2.x in `npx projen test:cdk-latest`.
 */
import * as path from 'path';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { checkJson, tempDir } from './helpers';

const ENV = { account: '444455556666', region: 'eu-west-1' };

describe('stacks without Resources', () => {
  test('a stack with nothing in it and a stack with only an asset are templates with no resources, not errors', () => {
    const outdir = path.join(tempDir(), 'cdk.out');
    const app = new App({ outdir });
    new Stack(app, 'Empty', { analyticsReporting: false });
    const assets = new Stack(app, 'AssetsOnly', { analyticsReporting: false });
    const asset = new Asset(assets, 'Readme', { path: path.join(__dirname, '..', '..', 'README.md') });
    new CfnOutput(assets, 'Location', { value: asset.s3ObjectUrl });
    const unsafe = new Stack(app, 'Unsafe', { env: ENV });
    new iam.Role(unsafe, 'Role', { assumedBy: new iam.ArnPrincipal('arn:aws:iam::111122223333:role/AuditA') });
    app.synth();

    const { code, report } = checkJson([outdir]);
    expect(report.errors).toEqual([]);
    expect(code).toBe(1);
    expect(report.findings.map((f: any) => [f.stack, f.rule])).toEqual([['Unsafe', 'XAT1']]);
    expect(report.summary).toMatchObject({ files: 3, skipped: 0, resources: 1 });
  });
});
