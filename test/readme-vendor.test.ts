import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { tempDir } from './cli/helpers';
import { README, blockAfter } from './readme-blocks';
import { buildVendorApp } from '../examples/vendor-app';
import { CustomerRoleTemplate } from '../src';

// The README's walk from the synthesized customer template to a quick-create link per account, step by step.
const HEADING = '### From the synthesized template to a link per customer account';
const section = README.slice(README.indexOf(HEADING), README.indexOf('\n## ', README.indexOf(HEADING)));

describe('README: from the synthesized template to a link per customer account', () => {
  const templateFile = /`cdk\.out\/([\w-]+\.template\.json)`/.exec(section)![1];
  const upload = blockAfter(HEADING, 'sh').trim().split(/\s+/);
  const sample = blockAfter(HEADING, 'ts');
  const option = (name: string) => new RegExp(`${name}: '([^']+)'`).exec(sample)![1];

  test('step 1: the vendor example synthesizes the onboarding stack to that file, a whole template of no one customer', () => {
    const outdir = tempDir();
    buildVendorApp(new App({ outdir })).synth();
    const template = JSON.parse(fs.readFileSync(path.join(outdir, templateFile), 'utf8'));
    expect(template.Parameters).toEqual({ ExternalId: expect.objectContaining({ Type: 'String', NoEcho: true }) });
    expect(template.Parameters.ExternalId).not.toHaveProperty('Default');
    expect(template).not.toHaveProperty('Rules');
    expect(Object.values(template.Resources).map((r: any) => r.Type)).not.toContain('AWS::CDK::Metadata');
  });

  test('step 2 uploads that file to the object the link of step 3 names', () => {
    expect(upload.slice(0, 4)).toEqual(['aws', 's3', 'cp', `cdk.out/${templateFile}`]);
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(upload[4])!;
    expect(option('templateUrl')).toBe(`https://${bucket}.s3.${option('region')}.amazonaws.com/${key}`);
  });

  test('step 3: the link shown is what quickCreateUrl builds for the ExternalId shown', () => {
    const externalId = /For the ExternalId `([^`]+)` the link is/.exec(section)![1];
    const shown = blockAfter(HEADING, 'text').trim();
    expect(CustomerRoleTemplate.quickCreateUrl({
      templateUrl: option('templateUrl'), stackName: option('stackName'), region: option('region'), externalId,
    })).toBe(shown);
    expect(new URL(shown).hash).toContain(`param_${CustomerRoleTemplate.EXTERNAL_ID_PARAMETER_NAME}=${externalId}`);
  });
});
