import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { S3Client } from '@aws-sdk/client-s3';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DynamoDbServer, VENDOR_ACCOUNT } from './harness';
import { CustomerRoleTemplate, ExternalId } from '../../src';
import { REGISTRY_SCHEMA } from '../../src/private/registry-schema';
import { AccountRegistry, InvalidRegistryOptionsError, TemplatePublishingOptions } from '../../src/runtime';

// The objects the registry writes are checked on the requests the real S3 client sends, received by a small HTTP
// server on loopback that records them and answers as S3 does. No S3-compatible server from the npm registry is well
// kept: s3rver, the only one, has had no release since 3.7.1 in 2021 and is unmaintained, so the tests do not use it.

interface RecordedRequest {
  readonly method: string;
  /** The URL path, decoded: `/<bucket>/<key>` (the client is in path style). */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

class RecordingS3 {
  public static async start(): Promise<RecordingS3> {
    const s3 = new RecordingS3();
    await new Promise<void>((resolve) => s3.server.listen(0, '127.0.0.1', resolve));
    return s3;
  }

  public readonly requests: RecordedRequest[] = [];
  /** The status of the next answers: 200, or an S3 error that the SDK does not retry. */
  public failWith?: { status: number; code: string };
  private readonly server: Server;

  private constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({ method: request.method!, path: decodeURIComponent(new URL(request.url!, 'http://s3').pathname), headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (this.failWith) {
          response.writeHead(this.failWith.status, { 'content-type': 'application/xml' });
          response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${this.failWith.code}</Code><Message>refused</Message></Error>`);
          return;
        }
        response.writeHead(200, { etag: '"0123456789abcdef0123456789abcdef"' });
        response.end();
      });
    });
  }

  public client(region = 'eu-west-1'): S3Client {
    const { port } = this.server.address() as AddressInfo;
    return new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      region,
      credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
    });
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The synthesized onboarding template, as a vendor publishes it. */
const TEMPLATE_BODY = JSON.stringify(Template.fromStack(new CustomerRoleTemplate(new App(), 'AcmeOnboarding', {
  vendorRoleArn: `arn:aws:iam::${VENDOR_ACCOUNT}:role/AcmeDeputy`,
  customerRoleName: 'AcmeVendorAccess',
  managedPolicyNames: ['SecurityAudit'],
})).toJSON(), undefined, 1);

const ACCOUNT = '444455556666';
let dynamo: DynamoDbServer;
let s3: RecordingS3;
beforeAll(async () => {
  [dynamo, s3] = await Promise.all([DynamoDbServer.start(), RecordingS3.start()]);
});
afterAll(async () => {
  await Promise.all([dynamo.stop(), s3.stop()]);
});
beforeEach(() => {
  s3.requests.length = 0;
  s3.failWith = undefined;
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
      s3: s3.client(),
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

    expect(s3.requests).toHaveLength(1);
    const [put] = s3.requests;
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
    const { registry } = await registryWith({ s3: s3.client('us-east-2'), region: 'ap-southeast-2' });
    const { quickCreateUrl } = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    expect(quickCreateUrl).toMatch(/^https:\/\/ap-southeast-2\.console\.aws\.amazon\.com\/cloudformation\/home\?region=ap-southeast-2#/);
    expect(new URLSearchParams(quickCreateUrl!.split('?')[2]).get('templateURL'))
      .toBe(`https://acme-onboarding-templates.s3.us-east-2.amazonaws.com/onboarding/${ACCOUNT}/AcmeOnboarding.template.json`);
  });

  test('a bucket in a China Region is named under amazonaws.com.cn', async () => {
    const { registry } = await registryWith({ s3: s3.client('cn-north-1'), region: 'cn-north-1' });
    const { quickCreateUrl } = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    expect(new URLSearchParams(quickCreateUrl!.split('?')[2]).get('templateURL'))
      .toBe(`https://acme-onboarding-templates.s3.cn-north-1.amazonaws.com.cn/onboarding/${ACCOUNT}/AcmeOnboarding.template.json`);
  });

  test('a failed upload leaves the registration; registering again rewrites the object and returns the same registration with its link', async () => {
    const { registry, tableName } = await registryWith();
    s3.failWith = { status: 403, code: 'AccessDenied' };
    await expect(registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT })).rejects.toThrow(/refused/);
    const stored = await registry.describe({ tenantId: 'tenant-a', accountId: ACCOUNT });
    expect(stored).toBeDefined();

    s3.failWith = undefined;
    const again = await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    expect(again).toEqual({ ...stored, quickCreateUrl: expect.stringContaining(`param_ExternalId=${encodeURIComponent(stored!.externalId)}`) });
    expect(s3.requests.map((r) => r.path)).toEqual([
      `/acme-onboarding-templates/onboarding/${ACCOUNT}/AcmeOnboarding.template.json`,
      `/acme-onboarding-templates/onboarding/${ACCOUNT}/AcmeOnboarding.template.json`,
    ]);
    expect((await dynamo.scan(tableName)).filter((i) => i.pk.S!.startsWith(REGISTRY_SCHEMA.accountItemPrefix))).toHaveLength(1);
  });

  test('refused registrations write no object', async () => {
    const { registry } = await registryWith();
    await registry.register({ tenantId: 'tenant-a', accountId: ACCOUNT });
    s3.requests.length = 0;
    await expect(registry.register({ tenantId: 'tenant-b', accountId: ACCOUNT })).rejects.toThrow(/already registered/);
    await expect(registry.register({ tenantId: 'tenant-b', accountId: '12345' })).rejects.toThrow(/invalid accountId/);
    await expect(registry.register({ tenantId: 'tenant-b', accountId: VENDOR_ACCOUNT })).rejects.toThrow(/vendor's own account/);
    expect(s3.requests).toEqual([]);
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
