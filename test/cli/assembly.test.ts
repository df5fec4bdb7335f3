/**
 * The CLI on cloud assemblies synthesized for real: by the aws-cdk-lib dev dependency in `npx projen test`, by the
 * newest aws-cdk-lib 2.x in `npx projen test:cdk-latest`.
 */
import * as path from 'path';
import { App, CfnOutput, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import * as fc from 'fast-check';
import { checkJson, tempDir } from './helpers';
import { CrossAccountTrustChecks } from '../../src/nag/cross-account-trust-checks';
import { synthValidated } from '../cdk-synth';

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

describe('acknowledgments made on the App or a Stage', () => {
  /** A role trusting an account root without ExternalId (XAT1, XAT3) in a top-level stack and in a stack of a Stage. */
  function app(outdir: string): { app: App; stage: Stage; roles: iam.Role[] } {
    const a = new App({ outdir });
    const top = new Stack(a, 'Top', { env: ENV });
    const stage = new Stage(a, 'Prod');
    const inStage = new Stack(stage, 'S', { env: ENV });
    const roles = [top, inStage].map((s) => new iam.Role(s, 'Role', { assumedBy: new iam.AccountPrincipal('111122223333') }));
    return { app: a, stage, roles };
  }
  const reported = (report: any) => report.findings.map((f: any) => `${f.stack} ${f.rule}`).sort();
  const acknowledged = (report: any) => report.acknowledged.map((f: any) => `${f.stack} ${f.rule}: ${f.reason}`).sort();

  test('are honoured by the CLI on cdk.out as by the pack, when the pack is created with the app', () => {
    const outdir = path.join(tempDir(), 'cdk.out');
    const { app: a, stage } = app(outdir);
    Validations.of(a).acknowledge({ id: 'CrossAccountTrust-XAT3', reason: 'root trust, SEC-1' });
    Validations.of(stage).acknowledge({ id: 'CrossAccountTrust-XAT1[Statement0]', reason: 'SEC-2' });
    Validations.of(a).addPlugins(new CrossAccountTrustChecks(a));
    const synth = synthValidated(a);
    expect(synth.violations).toEqual([expect.objectContaining({ ruleName: 'CrossAccountTrust-XAT1[Statement0]', constructPaths: ['Top/Role/Resource'] })]);
    const { code, report } = checkJson([outdir]);
    expect(code).toBe(1);
    expect(reported(report)).toEqual(['Top XAT1']);
    expect(acknowledged(report)).toEqual(['Prod-S XAT1: SEC-2', 'Prod-S XAT3: root trust, SEC-1', 'Top XAT3: root trust, SEC-1']);
  });

  test('a Stage created after the pack: the pack says the CLI will not see them, and the CLI indeed reports the findings', () => {
    const outdir = path.join(tempDir(), 'cdk.out');
    const a = new App({ outdir });
    Validations.of(a).addPlugins(new CrossAccountTrustChecks(a));
    const stage = new Stage(a, 'Late');
    new iam.Role(new Stack(stage, 'S', { env: ENV }), 'Role', { assumedBy: new iam.AccountPrincipal('111122223333') });
    Validations.of(stage).acknowledge({ id: 'CrossAccountTrust-XAT1', reason: 'r1' }, { id: 'CrossAccountTrust-XAT3', reason: 'r3' });
    const synth = synthValidated(a);
    expect(synth.failed).toBe(false);
    expect(synth.violations).toEqual([{
      ruleName: 'CrossAccountTrust-AcknowledgmentsNotRecorded',
      description: expect.stringMatching(/^Acknowledgments made on Late apply to this stack here, but aws-cdk-lib writes into the cloud assembly only/),
      constructPaths: ['Late/S'],
    }]);
    expect(reported(checkJson([outdir]).report)).toEqual(['Late-S XAT1', 'Late-S XAT3']);
  });

  test('property: wherever and however a finding is acknowledged, the CLI on cdk.out agrees with the pack at synth time', () => {
    const where = fc.constantFrom('app', 'stage', 'top stack', 'stage stack', 'top role', 'stage role');
    const id = fc.constantFrom('CrossAccountTrust-XAT1', 'CrossAccountTrust-XAT3[Statement0.Principal0]', 'CrossAccountTrust::CrossAccountTrust-XAT1[Statement0]',
      'CrossAccountTrust::CrossAccountTrust-XAT3', 'CrossAccountTrust-XAT6');
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(where, id), { minLength: 1, maxLength: 3 }), (acks) => {
      const outdir = path.join(tempDir(), 'cdk.out');
      const { app: a, stage, roles } = app(outdir);
      const scopes = { 'app': a, 'stage': stage, 'top stack': Stack.of(roles[0]), 'stage stack': Stack.of(roles[1]), 'top role': roles[0], 'stage role': roles[1] };
      for (const [w, i] of acks) Validations.of(scopes[w]).acknowledge({ id: i, reason: `${w} ${i}` });
      // The pack's own verdict, without the app-wide suppression of namespaced ids by aws-cdk-lib 2.258 (aws/aws-cdk#38495).
      const pack = new CrossAccountTrustChecks(a);
      const byPack = pack.validateScope(a).violations.filter((v) => v.ruleName.startsWith('CrossAccountTrust-XAT'))
        .flatMap((v) => v.violatingResources.map((r) => `${r.constructPath!.startsWith('Prod/') ? 'Prod-S' : 'Top'} ${/XAT\d+/.exec(v.ruleName)![0]}`)).sort();
      Validations.of(a).addPlugins(pack);
      synthValidated(a);
      expect(reported(checkJson([outdir]).report)).toEqual(byPack);
    }), { numRuns: 12 });
  });
});
