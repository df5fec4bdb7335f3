import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DynamoDbServer, VENDOR_ACCOUNT } from './harness';
import { RecordingS3 } from './recording-s3';
import { CustomerAccountRegistry, CustomerRoleTemplate, ExternalId, TemplateBucket } from '../../src';
import { REGISTRY_SCHEMA } from '../../src/private/registry-schema';
import { AccountRegistry, InvalidRegistryOptionsError, TemplatePublishingOptions } from '../../src/runtime';

/** The synthesized onboarding template, as a vendor publishes it. */
const TEMPLATE_BODY = JSON.stringify(Template.fromStack(new CustomerRoleTemplate(new App(), 'AcmeOnboarding', {
  vendorRoleArn: `arn:aws:iam::${VENDOR_ACCOUNT}:role/AcmeDeputy`,
  customerRoleName: 'AcmeVendorAccess',
  managedPolicyNames: ['SecurityAudit'],
})).toJSON(), undefined, 1);

const ACCOUNT = '444455556666';
let dynamo: DynamoDbServer;
let s3server: RecordingS3;
beforeAll(async () => {
  [dynamo, s3server] = await Promise.all([DynamoDbServer.start(), RecordingS3.start()]);
});
afterAll(async () => {
  await Promise.all([dynamo.stop(), s3server.stop()]);
});
beforeEach(() => {
  s3server.requests.length = 0;
  s3server.failWith = undefined;
});

async function registryWith(templates: Partial<TemplatePublishingOptions> = {}): Promise<{ registry: AccountRegistry; tableName: string }> {
  const tableName = await dynamo.createRegistryTable();
  const registry = new AccountRegistry({
    tableName,
    dynamoDb: dynamo.client,
    vendorAccountId: VENDOR_ACCOUNT,
    templates: {
      bucketName: 'acme-onboarding-templates',
      prefix: 'onboarding',
      s3: s3server.client(),
      templateBody: TEMPLATE_BODY,
      stackName: 'AcmeOnboarding',
      region: 'eu-west-1',
      ...templates,
    },
  });
  return { registry, tableName };
}

describe('register with templates', () => {
  test('writes the template to <prefix>/<account id>/<stackName>.template.json in the vendor\'s bucket, as JSON, and returns its quick-create link', async () => {
    const { registry } = await registryWith({ prefix: 'customers/onboarding' });
    const registration = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });

    expect(s3server.requests).toHaveLength(1);
    const [put] = s3server.requests;
    expect(put.method).toBe('PUT');
    expect(put.path).toBe(`/acme-onboarding-templates/customers/onboarding/${ACCOUNT}/AcmeOnboarding.template.json`);
    expect(put.headers['content-type']).toBe('application/json');
    expect(put.headers['x-amz-expected-bucket-owner']).toBe(VENDOR_ACCOUNT);
    expect(put.body).toBe(TEMPLATE_BODY);
    // The object is the same for every account: the ExternalId is in the link only.
    expect(put.body).not.toContain(registration.externalId);

    const templateUrl = `https://acme-onboarding-templates.s3.eu-west-1.amazonaws.com/customers/onboarding/${ACCOUNT}/AcmeOnboarding.template.json`;
    expect(registration.quickCreateUrl).toBe(CustomerRoleTemplate.quickCreateUrl({
      templateUrl, stackName: 'AcmeOnboarding', region: 'eu-west-1', externalId: registration.externalId,
    }));
    const link = new URL(registration.quickCreateUrl!);
    const query = new URLSearchParams(link.hash.slice(link.hash.indexOf('?') + 1));
    expect(query.get('templateURL')).toBe(templateUrl);
    expect(query.get(`param_${CustomerRoleTemplate.EXTERNAL_ID_PARAMETER_NAME}`)).toBe(registration.externalId);
  });

  test('the template URL names the bucket in the S3 client\'s Region; the link opens the console in the customer\'s Region', async () => {
    const { registry } = await registryWith({ s3: s3server.client('us-east-2'), region: 'ap-southeast-2' });
    const { quickCreateUrl } = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    expect(quickCreateUrl).toMatch(/^https:\/\/ap-southeast-2\.console\.aws\.amazon\.com\/cloudformation\/home\?region=ap-southeast-2#/);
    expect(new URLSearchParams(quickCreateUrl!.split('?')[2]).get('templateURL'))
      .toBe(`https://acme-onboarding-templates.s3.us-east-2.amazonaws.com/onboarding/${ACCOUNT}/AcmeOnboarding.template.json`);
  });

  test('a bucket in a China Region is named under amazonaws.com.cn', async () => {
    const { registry } = await registryWith({ s3: s3server.client('cn-north-1'), region: 'cn-north-1' });
    const { quickCreateUrl } = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    expect(new URLSearchParams(quickCreateUrl!.split('?')[2]).get('templateURL'))
      .toBe(`https://acme-onboarding-templates.s3.cn-north-1.amazonaws.com.cn/onboarding/${ACCOUNT}/AcmeOnboarding.template.json`);
  });

  test('a failed upload leaves the registration; registering again rewrites the object and returns the same registration with its link', async () => {
    const { registry, tableName } = await registryWith();
    s3server.failWith = { status: 403, code: 'AccessDenied' };
    await expect(registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT })).rejects.toThrow(/refused/);
    const stored = await registry.describe({ tenantId: 'tenant-a', accountId: ACCOUNT });
    expect(stored).toBeDefined();

    s3server.failWith = undefined;
    const again = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    expect(again).toEqual({ ...stored, quickCreateUrl: expect.stringContaining(`param_ExternalId=${encodeURIComponent(stored!.externalId)}`) });
    expect(s3server.requests.map((r) => r.path)).toEqual([
      `/acme-onboarding-templates/onboarding/${ACCOUNT}/AcmeOnboarding.template.json`,
      `/acme-onboarding-templates/onboarding/${ACCOUNT}/AcmeOnboarding.template.json`,
    ]);
    expect((await dynamo.scan(tableName)).filter((i) => i.pk.S!.startsWith(REGISTRY_SCHEMA.accountItemPrefix))).toHaveLength(1);
  });

  test('refused registrations write no object', async () => {
    const { registry } = await registryWith();
    await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    s3server.requests.length = 0;
    await expect(registry.register({ tenantId: 'tenant-b', accountId: ACCOUNT })).rejects.toThrow(/already registered/);
    await expect(registry.register({ tenantId: 'tenant-b', accountId: '12345' })).rejects.toThrow(/invalid accountId/);
    await expect(registry.register({ tenantId: 'tenant-b', accountId: VENDOR_ACCOUNT })).rejects.toThrow(/vendor's own account/);
    expect(s3server.requests).toEqual([]);
  });
});

describe('wired from the CustomerAccountRegistry construct', () => {
  test('the object lands where the construct\'s bucket policy lets the account (and only it) read, and the construct\'s forbidden accounts are refused', async () => {
    const stack = new Stack(new App(), 'Vendor', { env: { account: VENDOR_ACCOUNT, region: 'eu-west-1' } });
    const bucket = new s3.Bucket(stack, 'Templates', {
      bucketName: 'acme-onboarding-templates',
      blockPublicAccess: new s3.BlockPublicAccess({
        blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: false,
      }),
    });
    const construct = new CustomerAccountRegistry(stack, 'Registry', {
      templateBucket: TemplateBucket.fromBucket(bucket), templatePrefix: 'customers/v1', forbiddenAccounts: ['111122225555'],
    });
    const statements = Object.values<any>(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement;
    const readable = statements.find((st: any) => st.Sid === 'ReadOwnAccountTemplates').Resource['Fn::Join'][1][1] as string;

    const tableName = await dynamo.createRegistryTable();
    const registry = new AccountRegistry({
      tableName,
      dynamoDb: dynamo.client,
      vendorAccountId: construct.vendorAccountId,
      forbiddenAccounts: construct.forbiddenAccounts,
      templates: {
        // What bucket.bucketName resolves to at deploy time (a token at synth).
        bucketName: 'acme-onboarding-templates',
        prefix: construct.templatePrefix,
        s3: s3server.client(),
        templateBody: TEMPLATE_BODY,
        stackName: 'AcmeOnboarding',
        region: 'eu-west-1',
      },
    });
    await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    const key = s3server.requests[0].path.slice('/acme-onboarding-templates'.length);
    // The policy's Resource for this account: ${aws:PrincipalAccount} is the reader's account, * any rest of the key.
    const forAccount = (account: string) => new RegExp(`^${readable.replace('${aws:PrincipalAccount}', account).replace('*', '.*')}$`);
    expect(key).toMatch(forAccount(ACCOUNT));
    expect(key).not.toMatch(forAccount('777788889999'));
    await expect(registry.register({ tenantId: 'tenant-a', accountId: '111122225555' })).rejects.toThrow(/one of the registry's forbidden accounts/);
  });
});

describe('templates options are checked when the registry is built', () => {
  const withoutDefault = JSON.parse(TEMPLATE_BODY);
  const withDefault = { ...withoutDefault, Parameters: { ExternalId: { ...withoutDefault.Parameters.ExternalId, Default: ExternalId.generate() } } };
  test.each<[string, Partial<Record<keyof TemplatePublishingOptions, unknown>>, RegExp]>([
    ['a bucket name with dots', { bucketName: 'acme.templates' }, /invalid templates.bucketName "acme.templates": .*no dots/],
    ['an upper-case bucket name', { bucketName: 'Acme' }, /invalid templates.bucketName "Acme"/],
    ['a prefix with a leading slash', { prefix: '/onboarding' }, /invalid templates.prefix "\/onboarding": expected no leading or trailing "\/"/],
    ['an empty prefix', { prefix: '' }, /invalid templates.prefix "": expected 1 to 512 characters/],
    ['a prefix with a policy variable', { prefix: 'on/${aws:username}' }, /invalid templates.prefix/],
    ['a stack name with an underscore', { stackName: 'Acme_Onboarding' }, /invalid templates.stackName "Acme_Onboarding": expected a CloudFormation stack name/],
    ['a region that is no Region code', { region: 'Ireland' }, /invalid templates.region "Ireland": expected an AWS Region code/],
    ['an S3 client that is not one', { s3: {} }, /invalid templates.s3 an object: expected an S3Client of the AWS SDK v3/],
    ['a template that is not JSON', { templateBody: 'Resources: {}' }, /invalid templates.templateBody \(13 characters\): it is not JSON/],
    ['a template without resources', { templateBody: '{}' }, /it is not a CloudFormation template with Resources/],
    ['a template without the ExternalId parameter', { templateBody: JSON.stringify({ ...withoutDefault, Parameters: {} }) },
      /it has no String parameter ExternalId, which the quick-create link fills with the account's ExternalId/],
    ['a template with a default ExternalId', { templateBody: JSON.stringify(withDefault) },
      /its parameter ExternalId has a Default, which would be the same ExternalId for every account/],
  ])('%s', async (_, change, message) => {
    const attempt = registryWith(change as Partial<TemplatePublishingOptions>);
    await expect(attempt).rejects.toThrow(InvalidRegistryOptionsError);
    await expect(attempt).rejects.toThrow(message);
  });

  test('the default ExternalId is not quoted in the message', async () => {
    const error = await registryWith({ templateBody: JSON.stringify(withDefault) }).catch((e) => e);
    expect(error.message).not.toContain(withDefault.Parameters.ExternalId.Default);
  });
});
