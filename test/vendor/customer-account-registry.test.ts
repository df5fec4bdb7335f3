import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { anonymousPrincipal, runSimulation, Simulation } from '@cloud-copilot/iam-simulate';
import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { CrossAccountTrustChecks, CustomerAccountRegistry, CustomerAccountRegistryProps, TemplateBucket, VendorDeputyRole } from '../../src';
import { check } from '../../src/engine';
import { REGISTRY_SCHEMA } from '../../src/private/registry-schema';
import { synthValidated } from '../cdk-synth';

const VENDOR = '111122223333';
const CUSTOMER_A = '444455556666';
const CUSTOMER_B = '777788889999';

function vendorStack(app = new App()): Stack {
  return new Stack(app, 'Vendor', { env: { account: VENDOR, region: 'eu-west-1' } });
}

function build(props: CustomerAccountRegistryProps = {}, stack = vendorStack()) {
  const registry = new CustomerAccountRegistry(stack, 'Registry', props);
  return { stack, registry, template: () => Template.fromStack(stack) };
}

function backEnd(stack: Stack, id = 'BackEnd'): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

/** The statements of the identity policy CDK attached to `role`. */
function statementsOf(stack: Stack, role: iam.Role): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  return Object.values<any>(policies)
    .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

function actionsOf(statements: any[]): string[] {
  return statements.flatMap((s) => [s.Action].flat());
}

describe('CustomerAccountRegistry table', () => {
  test('on-demand, point-in-time recovery, deletion protection, retained, AWS owned key, the shared key schema and index', () => {
    const { template } = build();
    template().hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.exact({
        KeySchema: [{ AttributeName: REGISTRY_SCHEMA.partitionKey, KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'tenantId', AttributeType: 'S' },
          { AttributeName: 'accountId', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        // An AWS owned key: DynamoDB encrypts every table; SSEEnabled false means not with a KMS key.
        SSESpecification: { SSEEnabled: false },
        GlobalSecondaryIndexes: [{
          IndexName: 'byTenant',
          KeySchema: [{ AttributeName: 'tenantId', KeyType: 'HASH' }, { AttributeName: 'accountId', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'ALL' },
        }],
      }),
    });
    template().resourceCountIs('AWS::S3::Bucket', 0);
  });

  test('a customer-managed key encrypts the table', () => {
    const stack = vendorStack();
    const key = new kms.Key(stack, 'Key');
    const { template } = build({ encryptionKey: key }, stack);
    template().hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] } },
    });
  });

  test('removalPolicy applies to the table and to the bucket the registry creates', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.DESTROY, templateBucket: TemplateBucket.create() });
    template().hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    template().hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });

  test('exposes what the run-time is wired with', () => {
    const { stack, registry } = build({ forbiddenAccounts: ['111122224444'], templateBucket: TemplateBucket.create() });
    expect(registry.vendorAccountId).toBe(VENDOR);
    expect(registry.forbiddenAccounts).toEqual([VENDOR, '111122224444']);
    expect(registry.templatePrefix).toBe('onboarding');
    expect(stack.resolve(registry.tableName)).toEqual({ Ref: stack.getLogicalId(registry.table.node.defaultChild as any) });
    expect(stack.resolve(registry.templateBucket!.bucketName)).toEqual({ Ref: expect.stringMatching(/^RegistryTemplateBucket/) });
  });

  test('an environment-agnostic stack takes the vendor account from vendorAccountId', () => {
    const { registry } = build({ vendorAccountId: VENDOR }, new Stack(new App(), 'Vendor'));
    expect(registry.forbiddenAccounts).toEqual([VENDOR]);
  });
});

describe('CustomerAccountRegistry validation', () => {
  test('an environment-agnostic stack needs vendorAccountId', () => {
    expect(() => build({}, new Stack(new App(), 'Vendor')))
      .toThrow(/^Vendor\/Registry: vendorAccountId is required because the stack's account is not known at synth.*12 digits/);
  });

  test.each([
    ['vendorAccountId', { vendorAccountId: '12345' }, /Vendor\/Registry: invalid vendorAccountId "12345": expected the vendor's AWS account id as a literal string of exactly 12 digits/],
    ['vendorAccountId', { vendorAccountId: '11112222333a' }, /invalid vendorAccountId "11112222333a"/],
    ['vendorAccountId', { vendorAccountId: '999988887777' }, /invalid vendorAccountId "999988887777": expected the stack's own account 111122223333/],
    ['forbiddenAccounts', { forbiddenAccounts: ['1234567890123'] }, /Vendor\/Registry: invalid forbiddenAccounts\[0\] "1234567890123": expected an AWS account id as a literal string of exactly 12 digits/],
    ['forbiddenAccounts', { forbiddenAccounts: ['111122224444', ' 11112222444'] }, /invalid forbiddenAccounts\[1\] " 11112222444"/],
    ['forbiddenAccounts', { forbiddenAccounts: [111122224444 as unknown as string] }, /invalid forbiddenAccounts\[0\] 111122224444: expected an AWS account id as a literal string/],
    ['forbiddenAccounts', { forbiddenAccounts: ['111122224444', '111122224444'] }, /invalid forbiddenAccounts\[1\] "111122224444": expected each account once; it is listed twice/],
    ['forbiddenAccounts', { forbiddenAccounts: [VENDOR] }, /invalid forbiddenAccounts\[0\] "111122223333": the vendor's own account is always forbidden; leave it out/],
    ['templatePrefix', { templatePrefix: '' }, /invalid templatePrefix "": expected 1 to 512 characters/],
    ['templatePrefix', { templatePrefix: '/onboarding' }, /invalid templatePrefix "\/onboarding": expected no leading or trailing "\/"/],
    ['templatePrefix', { templatePrefix: 'onboarding/' }, /invalid templatePrefix "onboarding\/": expected no leading or trailing "\/"/],
    ['templatePrefix', { templatePrefix: 'a//b' }, /invalid templatePrefix "a\/\/b": expected "\/"-separated segments/],
    ['templatePrefix', { templatePrefix: 'on*' }, /invalid templatePrefix "on\*".*no \*, \? or \$/],
    ['templatePrefix', { templatePrefix: '${aws:PrincipalAccount}' }, /invalid templatePrefix "\$\{aws:PrincipalAccount\}"/],
    ['templatePrefix', { templatePrefix: 'a/../b' }, /invalid templatePrefix "a\/..\/b"/],
    ['templatePrefix', { templatePrefix: 'x'.repeat(513) }, /invalid templatePrefix "x+": expected 1 to 512 characters/],
    ['templatePrefix', { templatePrefix: 'customers/v1' }, /Vendor\/Registry: invalid templatePrefix "customers\/v1": expected it only together with templateBucket/],
    ['removalPolicy', { removalPolicy: RemovalPolicy.SNAPSHOT }, /Vendor\/Registry: invalid removalPolicy "SNAPSHOT": expected RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY/],
  ])('rejects a bad %s', (_what, props, message) => {
    expect(() => build(props as CustomerAccountRegistryProps)).toThrow(message);
  });

  test('grantPublishTemplates needs a template bucket', () => {
    const { stack, registry } = build();
    expect(() => registry.grantPublishTemplates(backEnd(stack)))
      .toThrow(/^Vendor\/Registry: grantPublishTemplates needs a template bucket, and this registry has none/);
  });

  test('an imported bucket is refused: its policy cannot be extended', () => {
    const stack = vendorStack();
    const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'acme-templates');
    expect(() => build({ templateBucket: TemplateBucket.fromBucket(imported) }, stack))
      .toThrow(/^Vendor\/Registry: invalid templateBucket "Vendor\/Imported": the registry cannot add its read statements to the policy of this bucket/);
  });

  test('an existing bucket that blocks public policies is refused, naming the settings', () => {
    const stack = vendorStack();
    const defaults = new s3.Bucket(stack, 'Defaults');
    expect(() => new CustomerAccountRegistry(stack, 'Registry', { templateBucket: TemplateBucket.fromBucket(defaults) }))
      .toThrow(/^Vendor\/Registry: invalid templateBucket "Vendor\/Defaults": its Block Public Access leaves blockPublicPolicy and restrictPublicBuckets on/);
    const half = new s3.Bucket(stack, 'Half', { blockPublicAccess: new s3.BlockPublicAccess({ blockPublicPolicy: false }) });
    expect(() => new CustomerAccountRegistry(stack, 'Registry2', { templateBucket: TemplateBucket.fromBucket(half) }))
      .toThrow(/invalid templateBucket "Vendor\/Half": its Block Public Access leaves restrictPublicBuckets on/);
  });
});

describe('CustomerAccountRegistry template prefixes (property-based)', () => {
  const segmentChar = fc.constantFrom(...'abcXYZ019_.!\'()-'.split(''));
  const segment = fc.string({ unit: segmentChar, minLength: 1, maxLength: 10 }).filter((s) => s !== '.' && s !== '..');
  const prefix = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));

  test('a valid prefix lands in the read statement and the publish grant as written', () => {
    fc.assert(fc.property(prefix, (templatePrefix) => {
      const { stack, registry } = build({ templatePrefix, templateBucket: TemplateBucket.create() });
      const role = backEnd(stack);
      registry.grantPublishTemplates(role);
      const policy = Template.fromStack(stack).findResources('AWS::S3::BucketPolicy');
      const read = Object.values<any>(policy)[0].Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'ReadOwnAccountTemplates');
      expect(read.Resource['Fn::Join'][1][1]).toBe(`/${templatePrefix}/\${aws:PrincipalAccount}/*`);
      expect(statementsOf(stack, role)[0].Resource['Fn::Join'][1][1]).toBe(`/${templatePrefix}/*`);
    }), { numRuns: 25 });
  });

  test('a wildcard, a policy variable or a slash at either end is refused', () => {
    fc.assert(fc.property(prefix, fc.constantFrom('*', '?', '$', '${aws:username}'), fc.nat(), (valid, bad, at) => {
      const i = at % (valid.length + 1);
      const templatePrefix = `${valid.slice(0, i)}${bad}${valid.slice(i)}`;
      expect(() => build({ templatePrefix })).toThrow(/invalid templatePrefix/);
      expect(() => build({ templatePrefix: `/${valid}` })).toThrow(/expected no leading or trailing/);
      expect(() => build({ templatePrefix: `${valid}/` })).toThrow(/expected no leading or trailing/);
    }), { numRuns: 25 });
  });
});

describe('CustomerAccountRegistry template bucket', () => {
  test('created: SSE-S3, versioning, ACLs disabled, public ACLs blocked, the two public-policy settings off', () => {
    const { template } = build({ templateBucket: TemplateBucket.create() });
    template().hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.exact({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false },
      }),
    });
  });

  test('policy: TLS only, each principal reads its own account\'s folder, reads without an account are denied', () => {
    const { template } = build({ templateBucket: TemplateBucket.create() });
    const bucketArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegistryTemplateBucket'), 'Arn'] };
    template().hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'ReadOwnAccountTemplates',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 's3:GetObject',
            Resource: { 'Fn::Join': ['', [bucketArn, '/onboarding/${aws:PrincipalAccount}/*']] },
          },
          {
            Sid: 'DenyTemplateReadsWithoutAccount',
            Effect: 'Deny',
            Principal: '*',
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: { 'Fn::Join': ['', [bucketArn, '/onboarding/*']] },
            Condition: { Null: { 'aws:PrincipalAccount': 'true' } },
          },
        ],
      },
    });
  });

  test('an existing bucket of this app gets the same statements in its own policy', () => {
    const stack = vendorStack();
    const bucket = new s3.Bucket(stack, 'Templates', {
      blockPublicAccess: new s3.BlockPublicAccess({
        blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: false,
      }),
    });
    const { template, registry } = build({ templateBucket: TemplateBucket.fromBucket(bucket), templatePrefix: 'v1/templates' }, stack);
    expect(registry.templateBucket).toBe(bucket);
    template().resourceCountIs('AWS::S3::Bucket', 1);
    template().hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) },
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Sid: 'ReadOwnAccountTemplates', Resource: { 'Fn::Join': ['', [Match.anyValue(), '/v1/templates/${aws:PrincipalAccount}/*']] } }),
          Match.objectLike({ Sid: 'DenyTemplateReadsWithoutAccount', Resource: { 'Fn::Join': ['', [Match.anyValue(), '/v1/templates/*']] } }),
        ],
      },
    });
  });
});

describe('CustomerAccountRegistry grants', () => {
  const tableArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegistryTable'), 'Arn'] };
  const indexArn = { 'Fn::Join': ['', [tableArn, '/index/byTenant']] };
  const bucketArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegistryTemplateBucket'), 'Arn'] };

  function granted(grant: (r: CustomerAccountRegistry, role: iam.Role) => iam.Grant, withKey: boolean) {
    const stack = vendorStack();
    const key = withKey ? new kms.Key(stack, 'Key') : undefined;
    const { registry } = build({ encryptionKey: key, templateBucket: TemplateBucket.create() }, stack);
    const role = backEnd(stack);
    const result = grant(registry, role);
    expect(result.success).toBe(true);
    const keyArn = key && { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    return { statements: statementsOf(stack, role), keyArn, stack };
  }

  const cases: Array<[string, (r: CustomerAccountRegistry, role: iam.Role) => iam.Grant, object[], string[] | undefined]> = [
    ['grantRegister', (r, g) => r.grantRegister(g),
      [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], Resource: tableArn }],
      ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']],
    ['grantRead', (r, g) => r.grantRead(g),
      [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: [tableArn, indexArn] }],
      ['kms:Decrypt', 'kms:DescribeKey']],
    ['grantRecordVerification', (r, g) => r.grantRecordVerification(g),
      [{
        Effect: 'Allow',
        Action: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ACCOUNT#*'] } },
      }],
      ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']],
    ['grantPublishTemplates', (r, g) => r.grantPublishTemplates(g),
      [{ Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [bucketArn, '/onboarding/*']] } }],
      undefined],
  ];

  test.each(cases)('%s: exactly its actions, on the table/index/prefix only, none with a "*"', (_name, grant, expected) => {
    const { statements } = granted(grant, false);
    expect(statements).toHaveLength(expected.length);
    Template.fromJSON({ Resources: { P: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: statements } } } } })
      .hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: expected.map((s) => Match.exact(s)) } });
    expect(actionsOf(statements).filter((a) => a.includes('*'))).toEqual([]);
  });

  test.each(cases)('%s with a customer-managed key: explicit KMS actions on that key', (_name, grant, expected, keyActions) => {
    const { statements, keyArn } = granted(grant, true);
    const kmsStatements = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('kms:')));
    if (keyActions === undefined) {
      // Template objects are SSE-S3: publishing needs no key.
      expect(kmsStatements).toEqual([]);
    } else {
      expect(kmsStatements).toEqual([{ Effect: 'Allow', Action: keyActions, Resource: keyArn }]);
    }
    expect(statements).toHaveLength(expected.length + kmsStatements.length);
    expect(actionsOf(statements).filter((a) => a.includes('*'))).toEqual([]);
  });
});

describe('the whole vendor stack (deputy, customer template, registry, bucket, grants)', () => {
  function vendorApp(outdir?: string): App {
    const app = new App({ outdir });
    const stack = vendorStack(app);
    const deputy = new VendorDeputyRole(stack, 'Deputy', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      roleName: 'AcmeDeputy',
      customerRoleName: 'AcmeAccess',
    });
    deputy.customerRoleTemplate(app, 'Onboarding', { managedPolicyNames: ['SecurityAudit'] });
    const registry = new CustomerAccountRegistry(stack, 'Registry', {
      encryptionKey: new kms.Key(stack, 'Key'),
      templateBucket: TemplateBucket.create(),
      forbiddenAccounts: ['111122224444'],
    });
    const role = backEnd(stack);
    registry.grantRegister(role);
    registry.grantRead(role);
    registry.grantPublishTemplates(role);
    registry.grantRecordVerification(deputy.role);
    return app;
  }

  test('passes the pack with zero findings, and the engine finds nothing', () => {
    const app = vendorApp();
    expect(new CrossAccountTrustChecks(app).validateScope(app).violations).toEqual([]);
    const assembly = app.synth();
    const inputs = assembly.stacks.map((s) => ({ source: s.stackName, template: s.template, account: s.environment.account }));
    expect(check(inputs)).toEqual(expect.objectContaining({ findings: [], errors: [] }));
  });

  test('synthesizes with the pack registered: no validation failure', () => {
    const app = vendorApp(fs.mkdtempSync(path.join(os.tmpdir(), 'registry-pack-')));
    Validations.of(app).addPlugins(new CrossAccountTrustChecks(app));
    expect(synthValidated(app)).toMatchObject({ failed: false, violations: [] });
  });
});

/**
 * The template bucket's policy, proven with a real IAM policy evaluator (@cloud-copilot/iam-simulate): the synthesized
 * policy, its bucket ARN resolved to a concrete name, evaluated for the requests that matter.
 */
describe('the template bucket policy under the IAM policy evaluator', () => {
  const BUCKET = 'acme-onboarding-templates';
  const objectKey = (account: string) => `onboarding/${account}/AcmeScannerAccess.template.json`;
  let bucketPolicy: any;
  let publisherPolicy: any;

  beforeAll(() => {
    const { stack, registry } = build({ templateBucket: TemplateBucket.create() });
    const role = backEnd(stack);
    registry.grantPublishTemplates(role);
    const bucketId = stack.getLogicalId(registry.templateBucket!.node.defaultChild as s3.CfnBucket);
    const json = Template.fromStack(stack).toJSON();
    const policy = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::S3::BucketPolicy');
    bucketPolicy = resolveBucketArn(policy.Properties.PolicyDocument, bucketId, `arn:aws:s3:::${BUCKET}`);
    publisherPolicy = resolveBucketArn({ Version: '2012-10-17', Statement: statementsOf(stack, role) }, bucketId, `arn:aws:s3:::${BUCKET}`);
  });

  /**
   * A request to the vendor's bucket. A signed request carries `aws:PrincipalAccount`, which AWS sets for every
   * authenticated principal; the simulator takes request context as given, so the test sets it as AWS would.
   * Customer principals have an identity policy allowing every S3 read and write (an administrator), so what
   * decides is the bucket policy.
   */
  async function simulate(options: { principal: string | 'anonymous'; action: string; key: string; identityPolicy?: any; secureTransport?: boolean; blockPublicAccess?: boolean }) {
    const signed = options.principal !== 'anonymous';
    const account = signed ? /^arn:aws:iam::(\d{12}):/.exec(options.principal)![1] : undefined;
    const simulation: Simulation = {
      request: {
        principal: signed ? options.principal : anonymousPrincipal,
        action: options.action,
        resource: { resource: `arn:aws:s3:::${BUCKET}/${options.key}`, accountId: VENDOR },
        contextVariables: {
          'aws:SecureTransport': String(options.secureTransport ?? true),
          ...(account ? { 'aws:PrincipalAccount': account } : {}),
        },
      },
      identityPolicies: signed ? [{
        name: 'identity',
        policy: options.identityPolicy ?? { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }] },
      }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: bucketPolicy,
      additionalSettings: { s3: { blockPublicAccess: options.blockPublicAccess ?? false } },
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
    return result.overallResult;
  }

  const role = (account: string) => `arn:aws:iam::${account}:role/CloudFormationDeployer`;

  test('a principal of account A reads A\'s template', async () => {
    expect(await simulate({ principal: role(CUSTOMER_A), action: 's3:GetObject', key: objectKey(CUSTOMER_A) })).toBe('Allowed');
  });

  test('a principal of account B is denied A\'s template, and reads its own', async () => {
    expect(await simulate({ principal: role(CUSTOMER_B), action: 's3:GetObject', key: objectKey(CUSTOMER_A) })).toBe('ImplicitlyDenied');
    expect(await simulate({ principal: role(CUSTOMER_B), action: 's3:GetObject', key: objectKey(CUSTOMER_B) })).toBe('Allowed');
  });

  test('no principal reads outside the prefix or one level up', async () => {
    expect(await simulate({ principal: role(CUSTOMER_A), action: 's3:GetObject', key: `other/${CUSTOMER_A}/x.template.json` })).toBe('ImplicitlyDenied');
    expect(await simulate({ principal: role(CUSTOMER_A), action: 's3:GetObject', key: 'onboarding/x.template.json' })).toBe('ImplicitlyDenied');
  });

  test('an anonymous request is denied explicitly (no aws:PrincipalAccount)', async () => {
    expect(await simulate({ principal: 'anonymous', action: 's3:GetObject', key: objectKey(CUSTOMER_A) })).toBe('ExplicitlyDenied');
  });

  test('account A cannot write, not even to its own folder', async () => {
    expect(await simulate({ principal: role(CUSTOMER_A), action: 's3:PutObject', key: objectKey(CUSTOMER_A) })).toBe('ImplicitlyDenied');
  });

  test('a read without TLS is denied', async () => {
    expect(await simulate({ principal: role(CUSTOMER_A), action: 's3:GetObject', key: objectKey(CUSTOMER_A), secureTransport: false })).toBe('ExplicitlyDenied');
  });

  test('the vendor\'s publisher writes under the prefix only', async () => {
    const publisher = `arn:aws:iam::${VENDOR}:role/BackEnd`;
    expect(await simulate({ principal: publisher, action: 's3:PutObject', key: objectKey(CUSTOMER_A), identityPolicy: publisherPolicy })).toBe('Allowed');
    expect(await simulate({ principal: publisher, action: 's3:PutObject', key: `other/${CUSTOMER_A}/x.template.json`, identityPolicy: publisherPolicy })).toBe('ImplicitlyDenied');
  });

  test('why RestrictPublicBuckets is off: S3 counts this policy public, and with it on, account A could not read its template', async () => {
    expect(await simulate({ principal: role(CUSTOMER_A), action: 's3:GetObject', key: objectKey(CUSTOMER_A), blockPublicAccess: true })).toBe('ExplicitlyDenied');
  });
});

/** Replaces the bucket's `Fn::GetAtt Arn` by `arn` and joins every `Fn::Join`; anything else unresolved is an error. */
function resolveBucketArn(value: any, bucketId: string, arn: string): any {
  if (Array.isArray(value)) return value.map((v) => resolveBucketArn(v, bucketId, arn));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    if (value['Fn::GetAtt'][0] === bucketId && value['Fn::GetAtt'][1] === 'Arn') return arn;
    throw new Error(`unexpected Fn::GetAtt ${JSON.stringify(value)}`);
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [separator, parts] = value['Fn::Join'];
    const resolved = parts.map((p: any) => resolveBucketArn(p, bucketId, arn));
    if (resolved.some((p: any) => typeof p !== 'string')) throw new Error(`unresolved Fn::Join ${JSON.stringify(value)}`);
    return resolved.join(separator);
  }
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) throw new Error(`unresolved ${JSON.stringify(value)}`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveBucketArn(v, bucketId, arn)]));
}
