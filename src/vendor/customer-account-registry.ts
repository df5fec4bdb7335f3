import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { propError } from '../private/iam-names';
import { REGISTRY_SCHEMA } from '../private/registry-schema';
import { templatePrefixProblem } from '../private/template-prefix';

/** A literal AWS account id: exactly 12 digits. */
const ACCOUNT_ID = /^\d{12}$/;

/**
 * Where the registry keeps each customer account's onboarding template: a bucket it creates, or one of yours.
 *
 * Every template object is `<templatePrefix>/<12-digit account id>/<stackName>.template.json`, and the bucket
 * policy lets a principal read objects under `<templatePrefix>/<its own account id>/` only.
 */
export class TemplateBucket {
  /**
   * The registry creates the bucket: SSE-S3 encryption, versioning, TLS only, ACLs disabled
   * (`BucketOwnerEnforced`), public ACLs blocked and ignored, the registry's `removalPolicy`.
   *
   * SSE-S3 rather than a KMS key: customer accounts read the objects, and a KMS key would need a grant to every
   * one of them. The templates hold nothing secret: the ExternalId travels in the quick-create link as a
   * parameter value, never in the template.
   */
  public static create(): TemplateBucket {
    return new TemplateBucket(undefined);
  }

  /**
   * An existing bucket whose policy the registry extends with the per-account read statements.
   *
   * It must be a bucket whose policy this app can change (an `s3.Bucket` of this app, not one imported with
   * `Bucket.fromBucketName` or `fromBucketAttributes`), with `blockPublicPolicy` and `restrictPublicBuckets`
   * turned off (see `CustomerAccountRegistry` for why); anything else is an error at synth.
   */
  public static fromBucket(bucket: s3.IBucket): TemplateBucket {
    return new TemplateBucket(bucket);
  }

  /** The existing bucket, or undefined when the registry creates one. */
  public readonly existingBucket?: s3.IBucket;

  private constructor(existingBucket: s3.IBucket | undefined) {
    this.existingBucket = existingBucket;
  }
}

/**
 * Properties of a `CustomerAccountRegistry`.
 */
export interface CustomerAccountRegistryProps {
  /**
   * The vendor's own AWS account id (12 digits). The run-time never registers it: onboarding the vendor's own
   * account would let a tenant reach the vendor's roles that trust its account root.
   *
   * Required when the stack's account is not a literal (an environment-agnostic stack); when the stack has an
   * explicit `env.account`, it must be that account or left out.
   *
   * @default - the stack's account
   */
  readonly vendorAccountId?: string;

  /**
   * Further AWS account ids (12 digits each) that can never be registered, for example the vendor's other
   * accounts. The vendor's own account is always forbidden and must not be listed again.
   *
   * @default - only the vendor's own account
   */
  readonly forbiddenAccounts?: string[];

  /**
   * Customer-managed KMS key that encrypts the table.
   *
   * @default - an AWS owned key (DynamoDB's default encryption)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Where per-account onboarding templates are published: `TemplateBucket.create()` or
   * `TemplateBucket.fromBucket(bucket)`.
   *
   * @default - no template bucket: the run-time only registers accounts
   */
  readonly templateBucket?: TemplateBucket;

  /**
   * Key prefix of the template objects in the template bucket, without a leading or trailing `/`: one or more
   * `/`-separated segments of letters, digits and `_.!'()-` (no `*`, `?` or `$`, which the bucket policy would
   * read as wildcards or a policy variable), at most 512 characters. Pass the same value to the run-time as
   * `templates.prefix`. Only with `templateBucket` (without one, no template is published and a prefix is an
   * error rather than ignored).
   *
   * @default 'onboarding'
   */
  readonly templatePrefix?: string;

  /**
   * What happens to the table (and to a template bucket the registry creates) when it leaves the stack.
   * The table has deletion protection on: to delete it with `RemovalPolicy.DESTROY`, turn the protection off
   * first. `RemovalPolicy.SNAPSHOT` is refused: neither DynamoDB tables nor S3 buckets support it.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The vendor's registry of customer AWS accounts: one item per registered account with its own random
 * ExternalId, and a record of every ExternalId ever issued so that none is issued twice. The vendor's back end
 * reads and writes it through the run-time module (`cdk-cross-account-trust/runtime`), wired with `tableName`,
 * `vendorAccountId`, `forbiddenAccounts`, and for templates `templateBucket` and `templatePrefix`.
 *
 * The table: on-demand capacity, point-in-time recovery, deletion protection, encrypted with an AWS owned key
 * or `encryptionKey`; partition key `pk` (`ACCOUNT#<account id>` items and `EXTERNAL_ID#<SHA-256>` reservation
 * items) and the `byTenant` index (`tenantId`, `accountId`) over account items.
 *
 * The optional template bucket's policy lets any AWS principal `s3:GetObject` on
 * `<templatePrefix>/${aws:PrincipalAccount}/*` only, so a principal reads the folder of its own account and no
 * other, and denies reads of the prefix to requests without an AWS account (anonymous ones). S3 counts a policy
 * public unless it grants only to fixed principals or to fixed values of condition keys such as
 * `aws:SourceAccount` or `aws:PrincipalOrgID` ("The meaning of public", S3 User Guide; the Resource is not
 * among what it looks at): this one grants to `*` and names the account by a policy variable, which is not a
 * fixed value. So the bucket keeps `BlockPublicAcls` and `IgnorePublicAcls` on but turns `BlockPublicPolicy`
 * off (S3 would refuse to store the policy) and `RestrictPublicBuckets` off (S3 would refuse every
 * cross-account read); the account's (and organization's) S3 Block Public Access must leave those two settings
 * off too. No object is readable by anyone but principals of the account named in its key.
 *
 * @example
 * import { App, Stack } from 'aws-cdk-lib';
 * import * as iam from 'aws-cdk-lib/aws-iam';
 * import { CustomerAccountRegistry, TemplateBucket } from 'cdk-cross-account-trust';
 *
 * const app = new App();
 * const vendor = new Stack(app, 'AcmeVendor', { env: { account: '111122223333', region: 'eu-west-1' } });
 * const registry = new CustomerAccountRegistry(vendor, 'Registry', {
 *   templateBucket: TemplateBucket.create(),
 *   forbiddenAccounts: ['111122224444'],
 * });
 * const backEnd = new iam.Role(vendor, 'BackEnd', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
 * registry.grantRegister(backEnd);
 * registry.grantPublishTemplates(backEnd);
 */
export class CustomerAccountRegistry extends Construct {
  /** The DynamoDB table. */
  public readonly table: dynamodb.Table;

  /** Name of the DynamoDB table (the run-time's `tableName`). */
  public readonly tableName: string;

  /** The vendor's own AWS account id (the run-time's `vendorAccountId`). */
  public readonly vendorAccountId: string;

  /**
   * Every account that can never be registered: the vendor's own account first, then `forbiddenAccounts`
   * (the run-time's `forbiddenAccounts`).
   */
  public readonly forbiddenAccounts: string[];

  /** The bucket that holds the per-account templates (the run-time's `templates.bucketName` is its name). */
  public readonly templateBucket?: s3.IBucket;

  /** Key prefix of the template objects (the run-time's `templates.prefix`). */
  public readonly templatePrefix: string;

  private readonly encryptionKey?: kms.IKey;

  public constructor(scope: Construct, id: string, props: CustomerAccountRegistryProps = {}) {
    super(scope, id);
    this.vendorAccountId = this.checkVendorAccount(props.vendorAccountId);
    this.forbiddenAccounts = [this.vendorAccountId, ...this.checkForbiddenAccounts(props.forbiddenAccounts ?? [])];
    this.templatePrefix = this.checkPrefix(props.templatePrefix ?? 'onboarding');
    if (props.templatePrefix !== undefined && props.templateBucket === undefined) {
      throw propError(this, 'templatePrefix', props.templatePrefix,
        'expected it only together with templateBucket (TemplateBucket.create() or TemplateBucket.fromBucket(bucket)): without a template bucket no template is published under any prefix');
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (removalPolicy === RemovalPolicy.SNAPSHOT) {
      throw propError(this, 'removalPolicy', 'SNAPSHOT', 'expected RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY: DynamoDB tables and S3 buckets have no snapshots');
    }
    this.encryptionKey = props.encryptionKey;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: REGISTRY_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: props.encryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.DEFAULT,
      encryptionKey: props.encryptionKey,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: REGISTRY_SCHEMA.tenantIndex.name,
      partitionKey: { name: REGISTRY_SCHEMA.tenantIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: REGISTRY_SCHEMA.tenantIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.tableName = this.table.tableName;

    if (props.templateBucket) {
      this.templateBucket = props.templateBucket.existingBucket ?? new s3.Bucket(this, 'TemplateBucket', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        versioned: true,
        enforceSSL: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        // A policy that grants by `${aws:PrincipalAccount}` counts as public (see the class docstring).
        blockPublicAccess: new s3.BlockPublicAccess({
          blockPublicAcls: true,
          ignorePublicAcls: true,
          blockPublicPolicy: false,
          restrictPublicBuckets: false,
        }),
        removalPolicy,
      });
      this.addTemplatePolicy(this.templateBucket, props.templateBucket.existingBucket !== undefined);
    }
  }

  /**
   * Lets `grantee` register, deregister and describe accounts: `dynamodb:GetItem`, `dynamodb:PutItem` and
   * `dynamodb:DeleteItem` on the table (the run-time's `register`, `deregister` and `describe`), and with
   * `encryptionKey` `kms:Decrypt`, `kms:DescribeKey`, `kms:Encrypt` and `kms:GenerateDataKey` on the key.
   */
  public grantRegister(grantee: iam.IGrantable): iam.Grant {
    return this.grantTable(grantee, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], [this.table.tableArn], true);
  }

  /**
   * Lets `grantee` read registrations: `dynamodb:GetItem` and `dynamodb:Query` on the table and its `byTenant`
   * index, and with `encryptionKey` `kms:Decrypt` and `kms:DescribeKey` on the key.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grantTable(grantee, ['dynamodb:GetItem', 'dynamodb:Query'],
      [this.table.tableArn, `${this.table.tableArn}/index/${REGISTRY_SCHEMA.tenantIndex.name}`], false);
  }

  /**
   * Lets `grantee` (the verifier) record verification outcomes: `dynamodb:UpdateItem` and `dynamodb:GetItem` on
   * account items only (`dynamodb:LeadingKeys` limited to `ACCOUNT#*`, so the ExternalId reservations stay out of
   * its reach), and with `encryptionKey` `kms:Decrypt`, `kms:DescribeKey`, `kms:Encrypt` and
   * `kms:GenerateDataKey` on the key.
   */
  public grantRecordVerification(grantee: iam.IGrantable): iam.Grant {
    // ForAllValues is sound here: DynamoDB sets dynamodb:LeadingKeys on every item-level request, to the one
    // partition key value it touches, so the key is never absent from GetItem or UpdateItem.
    return this.grantTable(grantee, ['dynamodb:UpdateItem', 'dynamodb:GetItem'], [this.table.tableArn], true, {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${REGISTRY_SCHEMA.accountItemPrefix}*`] },
    });
  }

  /**
   * Lets `grantee` (the TrustVerifier's dispatcher) list every registered account id (the run-time's
   * `listAccountIds`): `dynamodb:Scan` on the `byTenant` index only (it holds account items, never the ExternalId
   * reservations; the run-time asks it for account ids only), and with `encryptionKey` `kms:Decrypt` and
   * `kms:DescribeKey` on the key.
   */
  public grantListAccounts(grantee: iam.IGrantable): iam.Grant {
    return this.grantTable(grantee, ['dynamodb:Scan'], [`${this.table.tableArn}/index/${REGISTRY_SCHEMA.tenantIndex.name}`], false);
  }

  /**
   * Lets `grantee` write onboarding templates: `s3:PutObject` on `<template bucket>/<templatePrefix>/*`.
   * Fails when the registry has no `templateBucket`.
   */
  public grantPublishTemplates(grantee: iam.IGrantable): iam.Grant {
    if (!this.templateBucket) {
      throw new Error(`${this.node.path}: grantPublishTemplates needs a template bucket, and this registry has none; `
        + 'set the templateBucket prop (TemplateBucket.create() or TemplateBucket.fromBucket(bucket))');
    }
    return iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [this.templateBucket.arnForObjects(`${this.templatePrefix}/*`)],
      resource: this.templateBucket,
    });
  }

  private grantTable(grantee: iam.IGrantable, actions: string[], resourceArns: string[], writes: boolean,
    conditions?: Record<string, Record<string, unknown>>): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns, conditions });
    if (!this.encryptionKey) {
      return grant;
    }
    // Listed one by one: the table's own grant methods add kms:ReEncrypt* and kms:GenerateDataKey*.
    const keyActions = ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : [])];
    return grant.combine(this.encryptionKey.grant(grantee, ...keyActions));
  }

  private addTemplatePolicy(bucket: s3.IBucket, existing: boolean): void {
    if (existing) {
      checkPublicAccessBlock(this, bucket);
    }
    const statements = [
      new iam.PolicyStatement({
        sid: 'ReadOwnAccountTemplates',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${this.templatePrefix}/\${aws:PrincipalAccount}/*`)],
      }),
      new iam.PolicyStatement({
        sid: 'DenyTemplateReadsWithoutAccount',
        effect: iam.Effect.DENY,
        principals: [new iam.StarPrincipal()],
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [bucket.arnForObjects(`${this.templatePrefix}/*`)],
        conditions: { Null: { 'aws:PrincipalAccount': 'true' } },
      }),
    ];
    for (const statement of statements) {
      if (!bucket.addToResourcePolicy(statement).statementAdded) {
        throw new Error(`${this.node.path}: invalid templateBucket ${JSON.stringify(bucket.node.path)}: the registry cannot add its read statements `
          + 'to the policy of this bucket (an imported bucket\'s policy is not managed by this app), so customer accounts could not read their '
          + 'templates; expected an s3.Bucket defined in this app, or TemplateBucket.create()');
      }
    }
  }

  private checkVendorAccount(vendorAccountId: string | undefined): string {
    const stackAccount = Stack.of(this).account;
    if (vendorAccountId === undefined) {
      if (Token.isUnresolved(stackAccount)) {
        throw new Error(`${this.node.path}: vendorAccountId is required because the stack's account is not known at synth `
          + '(an environment-agnostic stack); expected the vendor\'s own AWS account id, 12 digits, or an explicit env.account on the stack');
      }
      return stackAccount;
    }
    if (Token.isUnresolved(vendorAccountId) || !ACCOUNT_ID.test(vendorAccountId)) {
      throw propError(this, 'vendorAccountId', vendorAccountId, 'expected the vendor\'s AWS account id as a literal string of exactly 12 digits');
    }
    if (!Token.isUnresolved(stackAccount) && stackAccount !== vendorAccountId) {
      throw propError(this, 'vendorAccountId', vendorAccountId, `expected the stack's own account ${stackAccount} (or leave it out)`);
    }
    return vendorAccountId;
  }

  private checkForbiddenAccounts(accounts: string[]): string[] {
    const seen = new Set<string>([this.vendorAccountId]);
    accounts.forEach((account, i) => {
      const prop = `forbiddenAccounts[${i}]`;
      if (typeof account !== 'string' || Token.isUnresolved(account) || !ACCOUNT_ID.test(account)) {
        throw propError(this, prop, account, 'expected an AWS account id as a literal string of exactly 12 digits');
      }
      if (account === this.vendorAccountId) {
        throw propError(this, prop, account, 'the vendor\'s own account is always forbidden; leave it out');
      }
      if (seen.has(account)) {
        throw propError(this, prop, account, 'expected each account once; it is listed twice');
      }
      seen.add(account);
    });
    return [...accounts];
  }

  private checkPrefix(prefix: string): string {
    const problem = Token.isUnresolved(prefix) ? 'expected a literal string' : templatePrefixProblem(prefix);
    if (problem) {
      throw propError(this, 'templatePrefix', prefix, problem);
    }
    return prefix;
  }
}

/**
 * An existing bucket of this app must let its policy grant by `${aws:PrincipalAccount}`: S3 refuses such a policy
 * with BlockPublicPolicy and blocks cross-account reads with RestrictPublicBuckets, and both are on by default.
 */
function checkPublicAccessBlock(registry: IConstruct, bucket: s3.IBucket): void {
  const cfn = bucket.node.defaultChild;
  if (!(cfn instanceof s3.CfnBucket)) {
    return;
  }
  const config = Stack.of(bucket).resolve(cfn.publicAccessBlockConfiguration) as s3.CfnBucket.PublicAccessBlockConfigurationProperty | undefined;
  const on = ['blockPublicPolicy', 'restrictPublicBuckets'].filter((k) => config?.[k as keyof typeof config] !== false);
  if (on.length > 0) {
    throw new Error(`${registry.node.path}: invalid templateBucket ${JSON.stringify(bucket.node.path)}: its Block Public Access leaves ${on.join(' and ')} on `
      + '(an unset setting is on: S3 turns all four on for new buckets), so S3 would refuse the per-account read policy or block every '
      + 'cross-account read; expected blockPublicAccess: new s3.BlockPublicAccess({ blockPublicAcls: true, ignorePublicAcls: true, '
      + 'blockPublicPolicy: false, restrictPublicBuckets: false }), or TemplateBucket.create()');
  }
}
