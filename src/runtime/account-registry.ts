import { createHash, randomUUID, timingSafeEqual } from 'crypto';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  AccountAlreadyRegisteredError, ConcurrentRegistrationError, ExternalIdMismatchError, ExternalIdReusedError,
  InvalidRegistryItemError, InvalidVerificationError, NotRegisteredError, WeakExternalIdError,
} from './errors';
import {
  ACCOUNT_ID_PATTERN, checkAccountId, checkAllowed, checkBucketName, checkOptionAccount, checkOutcome, checkPrefix, checkReason, checkRegion,
  checkRoleArn, checkStackName, checkTableName, checkTemplateBody, checkTenantId, optionError, VERIFICATION_OUTCOMES,
} from './inputs';
import { loadDynamoDb, loadS3 } from './sdk';
import { generateExternalId, validateExternalId } from '../private/external-id-core';
import { EXTERNAL_ID_PARAMETER_NAME, quickCreateUrl, REGION_PATTERN } from '../private/quick-create';
import { REGISTRY_SCHEMA } from '../private/registry-schema';

/** Status of a registration: PENDING until the verifier records an outcome, then that outcome. */
export type RegistrationStatus = 'PENDING' | typeof VERIFICATION_OUTCOMES[number];

/** What the verifier found: the role enforces the ExternalId (ACTIVE), does not (UNSAFE), or could not be assumed. */
export type VerificationOutcome = typeof VERIFICATION_OUTCOMES[number];

/** Publishing each account's onboarding template to S3 (see `AccountRegistryOptions.templates`). */
export interface TemplatePublishingOptions {
  /**
   * The template bucket: the `templateBucket` of the `CustomerAccountRegistry` construct. It must belong to the
   * vendor's account (`vendorAccountId`): every write names that account as `ExpectedBucketOwner`, so S3 refuses to
   * write to a bucket of the same name owned by anyone else.
   */
  readonly bucketName: string;
  /** Key prefix, without a leading or trailing `/`: the construct's `templatePrefix` (default `onboarding`). */
  readonly prefix: string;
  /** The S3 client that writes the objects; its Region is the bucket's, and names the bucket in the template URL. */
  readonly s3: S3Client;
  /**
   * The onboarding template, as JSON text: the synthesized `CustomerRoleTemplate` (cdk.out/<stack>.template.json),
   * with its `ExternalId` parameter and no default for it. The same body is written for every account: the account's
   * ExternalId travels in the quick-create link, never in the template.
   */
  readonly templateBody: string;
  /** Name of the stack the customer creates (the object is `<stackName>.template.json`, and the link proposes it). */
  readonly stackName: string;
  /** Region in which the customer creates the stack, for example `eu-west-1`. */
  readonly region: string;
}

/** Options of `new AccountRegistry(...)`; the `CustomerAccountRegistry` construct exposes each value. */
export interface AccountRegistryOptions {
  /** Name (or ARN) of the registry's DynamoDB table: the construct's `tableName`. */
  readonly tableName: string;
  /** The DynamoDB client (AWS SDK v3) that reads and writes the table. */
  readonly dynamoDb: DynamoDBClient;
  /** The vendor's own AWS account id, which is never registered: the construct's `vendorAccountId`. */
  readonly vendorAccountId: string;
  /**
   * Further account ids that are never registered: the construct's `forbiddenAccounts` (which lists the vendor's own
   * account too; that is accepted).
   */
  readonly forbiddenAccounts?: readonly string[];
  /** Publishing each registered account's onboarding template; without it, `register` only registers. */
  readonly templates?: TemplatePublishingOptions;
}

/** A registered account, as the table holds it. */
export interface Registration {
  readonly tenantId: string;
  /** The customer's AWS account id (12 digits). */
  readonly accountId: string;
  /** The account's ExternalId: the `sts:ExternalId` the verifier and the deputy present in this account only. */
  readonly externalId: string;
  readonly status: RegistrationStatus;
  /** Random UUID of this registration; a later registration of the same account has another. */
  readonly registrationId: string;
  /** When the account was registered (ISO 8601, UTC). */
  readonly createdAt: string;
  /** When the registration last changed (ISO 8601, UTC). */
  readonly updatedAt: string;
  /** The customer role's ARN, while the status is ACTIVE. */
  readonly roleArn?: string;
  readonly lastVerificationOutcome?: VerificationOutcome;
  readonly lastVerificationReason?: string;
  /** When the last verification was recorded (ISO 8601, UTC). */
  readonly lastVerificationAt?: string;
}

/** What `register` returns: the registration, and with `templates` the account's quick-create link. */
export interface RegisterResult extends Registration {
  /**
   * The CloudFormation console link that creates the onboarding stack from the account's template object, with the
   * ExternalId filled in (`param_ExternalId`); present when the registry has `templates`.
   */
  readonly quickCreateUrl?: string;
}

/** Input of `register`. */
export interface RegisterInput {
  /** The vendor's tenant (customer organisation) id; also the STS SourceIdentity of the verifier's sessions. */
  readonly tenantId: string;
  /** The customer's AWS account id: a string of exactly 12 digits. */
  readonly accountId: string;
  /**
   * An ExternalId the customer brings. It must pass `ExternalId.validate` with its defaults (at least 32 characters,
   * an estimated 112 bits) and never have been issued before, to any account.
   *
   * @default - a new one from `ExternalId.generate()` (256 random bits)
   */
  readonly externalId?: string;
}

/** Input of `describe` and `deregister`. */
export interface AccountInput {
  readonly tenantId: string;
  readonly accountId: string;
}

/** Input of `recordVerification`. */
export interface VerificationInput {
  readonly accountId: string;
  readonly outcome: VerificationOutcome;
  /** What the verification found, in a sentence (at most 1,000 characters); never the ExternalId. */
  readonly reason: string;
  /**
   * ARN of the customer role, in `accountId`. Required for ACTIVE, and stored only then (an UNSAFE or UNREACHABLE
   * outcome removes the stored one); validated whenever it is given.
   */
  readonly roleArn?: string;
  /**
   * The registration the verification was made for. When given, the outcome is recorded only if the account still has
   * that registration, so that a verification started before a deregistration cannot land on a later registration.
   *
   * @default - recorded on whatever registration the account has
   */
  readonly registrationId?: string;
}

/**
 * Items per Scan page of `listAccountIds`. DynamoDB's own limit is 1 MB (about 15,000 account ids); a smaller page
 * lets a verification run start after a short first read and keeps what is held between pages small.
 */
const LIST_PAGE_SIZE = 500;

/** Rounds of `register` when its reads and writes keep racing others' register/deregister calls on one account. */
const MAX_REGISTER_ROUNDS = 3;
/**
 * Generated ExternalIds tried before giving up. 256 random bits collide with an issued one with probability about
 * n / 2^256 for n issued: a second attempt already means the random generator is broken.
 */
const MAX_GENERATE_ATTEMPTS = 3;

type Item = Record<string, AttributeValue>;

/**
 * The vendor's back end for the `CustomerAccountRegistry` table: registers customer AWS accounts, one random
 * ExternalId per account, never the same account twice and never the same ExternalId twice. For any Node.js back end
 * or Lambda function, with the AWS SDK v3 clients injected; it never loads aws-cdk-lib.
 *
 * The table layout is the construct's (`src/private/registry-schema.ts`): an `ACCOUNT#<account id>` item per
 * registered account (deleted by `deregister`), and an `EXTERNAL_ID#<SHA-256 of the ExternalId>` reservation item per
 * ExternalId ever issued (never deleted). DynamoDB calls, and so the grants the back end needs (the construct's
 * `grantRegister`, `grantRecordVerification`, `grantPublishTemplates`):
 * - `register`: a consistent GetItem of the account item; a PutItem of the reservation (condition: it does not
 *   exist); a PutItem of the account item (condition: it does not exist), the commit point; when that loses a race, a
 *   DeleteItem of its own reservation (condition: its registrationId), since that ExternalId was never issued. With
 *   `templates`, an S3 PutObject of the account's template (also when the account was registered before, so that
 *   calling `register` again repairs a failed upload).
 * - `describe`: a consistent GetItem. `deregister`: a DeleteItem (condition: the caller's tenant).
 * - `recordVerification`: an UpdateItem (condition: the account item exists, with the given registrationId).
 * - `getRegistration`: a consistent GetItem. `listAccountIds`: Scans of the `byTenant` index, page by page.
 *
 * Every conditional write is atomic in DynamoDB, so concurrent calls cannot register one account twice or issue one
 * ExternalId twice. Errors are the typed classes of `./errors`; no error message holds an ExternalId.
 *
 * A crash between the reservation and the account item leaves a reservation of an ExternalId that was never issued:
 * harmless for a generated value, while a supplied one is then refused as reused (the safe side).
 */
export class AccountRegistry {
  private readonly tableName: string;
  private readonly dynamoDb: DynamoDBClient;
  private readonly vendorAccountId: string;
  private readonly forbidden: ReadonlySet<string>;
  private readonly templates?: TemplatePublishingOptions;
  private readonly ddb: ReturnType<typeof loadDynamoDb>;
  private readonly s3?: ReturnType<typeof loadS3>;

  /**
   * @throws InvalidRegistryOptionsError when an option is unusable (the message names it and what is expected)
   * @throws MissingPeerDependencyError when `@aws-sdk/client-dynamodb` (or, with `templates`, `@aws-sdk/client-s3`) cannot be loaded
   */
  public constructor(options: AccountRegistryOptions) {
    if (typeof options !== 'object' || options === null) {
      throw optionError('options', options, 'expected an object with tableName, dynamoDb and vendorAccountId');
    }
    this.tableName = checkTableName(options.tableName);
    if (typeof (options.dynamoDb as { send?: unknown } | undefined)?.send !== 'function') {
      throw optionError('dynamoDb', options.dynamoDb, 'expected a DynamoDBClient of the AWS SDK v3 (@aws-sdk/client-dynamodb)');
    }
    this.dynamoDb = options.dynamoDb;
    this.vendorAccountId = checkOptionAccount('vendorAccountId', options.vendorAccountId);
    const forbidden = options.forbiddenAccounts ?? [];
    if (!Array.isArray(forbidden)) {
      throw optionError('forbiddenAccounts', forbidden, 'expected an array of AWS account ids');
    }
    this.forbidden = new Set(forbidden.map((account, i) => checkOptionAccount(`forbiddenAccounts[${i}]`, account)));
    this.ddb = loadDynamoDb();
    if (options.templates !== undefined) {
      const t = options.templates;
      if (typeof t !== 'object' || t === null) {
        throw optionError('templates', t, 'expected an object with bucketName, prefix, s3, templateBody, stackName and region');
      }
      if (typeof (t.s3 as { send?: unknown } | undefined)?.send !== 'function') {
        throw optionError('templates.s3', t.s3, 'expected an S3Client of the AWS SDK v3 (@aws-sdk/client-s3)');
      }
      this.templates = {
        bucketName: checkBucketName(t.bucketName),
        prefix: checkPrefix(t.prefix),
        s3: t.s3,
        templateBody: checkTemplateBody(t.templateBody, EXTERNAL_ID_PARAMETER_NAME),
        stackName: checkStackName(t.stackName),
        region: checkRegion('templates.region', t.region),
      };
      this.s3 = loadS3();
    }
  }

  /**
   * Registers a customer AWS account for a tenant, with a new random ExternalId (or a supplied one), and with
   * `templates` publishes the account's onboarding template and returns its quick-create link.
   *
   * Idempotent for the same tenant: registering an account it already holds returns that registration (whatever its
   * status), and republishes the template.
   *
   * @throws InvalidAccountIdError, InvalidTenantIdError, ForbiddenAccountError, WeakExternalIdError (bad input; nothing
   *   is written)
   * @throws AccountAlreadyRegisteredError when another tenant holds the account (the message does not say which)
   * @throws ExternalIdReusedError when the supplied ExternalId was issued before, to any account
   * @throws ExternalIdMismatchError when the tenant holds the account with another ExternalId than the supplied one
   * @throws ConcurrentRegistrationError when the account's registration keeps changing under the call
   */
  public async register(input: RegisterInput): Promise<RegisterResult> {
    const method = 'register';
    const accountId = checkAccountId(method, input?.accountId);
    const tenantId = checkTenantId(method, input?.tenantId);
    checkAllowed(method, accountId, this.vendorAccountId, this.forbidden);
    const supplied = input.externalId === undefined ? undefined : checkSuppliedExternalId(input.externalId, accountId);

    for (let round = 0; round < MAX_REGISTER_ROUNDS; round++) {
      const existing = await this.getAccount(accountId);
      if (existing) {
        return this.answerExisting(existing, tenantId, supplied);
      }
      const registrationId = randomUUID();
      const now = new Date().toISOString();
      const externalId = await this.reserve(accountId, registrationId, now, supplied);
      if (externalId === undefined) {
        // The supplied value is reserved: by a concurrent call of this same registration, or issued before.
        const holder = await this.getAccount(accountId);
        if (holder) {
          return this.answerExisting(holder, tenantId, supplied);
        }
        throw new ExternalIdReusedError(`${method}: the ExternalId supplied for account ${accountId} was issued before (value not shown): `
          + 'an ExternalId is issued once, to one account, and never again; register without externalId to get a new random one');
      }
      const registration: Registration = { tenantId, accountId, externalId, status: 'PENDING', registrationId, createdAt: now, updatedAt: now };
      if (await this.commit(registration)) {
        return { ...registration, ...await this.publish(registration) };
      }
      // Another call committed this account first: the ExternalId just reserved was never issued, so it is released.
      await this.release(externalId, registrationId);
      const winner = await this.getAccount(accountId);
      if (winner) {
        return this.answerExisting(winner, tenantId, supplied);
      }
      // The winner was deregistered in the meantime: start over.
    }
    throw new ConcurrentRegistrationError(`${method}: account ${accountId} was registered and deregistered by other calls ${MAX_REGISTER_ROUNDS} times `
      + 'while this call tried to register it; nothing was registered by this call, and calling register again is safe');
  }

  /**
   * The tenant's registration of an account, or undefined when the account is not registered or is registered to
   * another tenant (the two are indistinguishable).
   *
   * @throws InvalidAccountIdError, InvalidTenantIdError
   */
  public async describe(input: AccountInput): Promise<Registration | undefined> {
    const accountId = checkAccountId('describe', input?.accountId);
    const tenantId = checkTenantId('describe', input?.tenantId);
    const registration = await this.getAccount(accountId);
    return registration?.tenantId === tenantId ? registration : undefined;
  }

  /**
   * Removes the tenant's registration of an account, so that the account can be registered again (then with a new
   * ExternalId: the old one stays reserved and is never issued again, nor accepted when supplied). A published template
   * object stays (it holds no ExternalId); the customer's role keeps trusting the old ExternalId until the customer
   * deletes the stack.
   *
   * @throws InvalidAccountIdError, InvalidTenantIdError
   * @throws NotRegisteredError when the account is not registered to this tenant: unknown or another tenant's, with
   *   the same message
   */
  public async deregister(input: AccountInput): Promise<void> {
    const accountId = checkAccountId('deregister', input?.accountId);
    const tenantId = checkTenantId('deregister', input?.tenantId);
    try {
      await this.dynamoDb.send(new this.ddb.DeleteItemCommand({
        TableName: this.tableName,
        Key: accountKey(accountId),
        ConditionExpression: 'tenantId = :tenantId',
        ExpressionAttributeValues: { ':tenantId': { S: tenantId } },
      }));
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new NotRegisteredError(`deregister: account ${accountId} is not registered to tenant ${tenantId}`);
      }
      throw error;
    }
  }

  /**
   * Records what the verifier found for a registered account: the status becomes the outcome, with the reason and
   * time; the role ARN is kept while ACTIVE and removed otherwise.
   *
   * @returns the updated registration
   * @throws InvalidAccountIdError; InvalidVerificationError for an unknown outcome, a missing or overlong reason, a
   *   roleArn that is not an IAM role of the account, or an ACTIVE outcome without roleArn
   * @throws NotRegisteredError when the account is not registered, or no longer has the given registrationId
   */
  public async recordVerification(input: VerificationInput): Promise<Registration> {
    const method = 'recordVerification';
    const accountId = checkAccountId(method, input?.accountId);
    const outcome = checkOutcome(input.outcome);
    const reason = checkReason(input.reason);
    const roleArn = input.roleArn === undefined ? undefined : checkRoleArn(input.roleArn, accountId);
    if (outcome === 'ACTIVE' && roleArn === undefined) {
      throw new InvalidVerificationError(`${method}: outcome ACTIVE for account ${accountId} needs the roleArn of the customer role the verifier assumed`);
    }
    const registrationId = input.registrationId;
    if (registrationId !== undefined && (typeof registrationId !== 'string' || registrationId === '')) {
      throw new InvalidVerificationError(`${method}: invalid registrationId ${JSON.stringify(registrationId)}: expected the registrationId of a registration`);
    }
    const now = new Date().toISOString();
    const values: Item = { ':outcome': { S: outcome }, ':reason': { S: reason }, ':now': { S: now } };
    let update = 'SET #status = :outcome, updatedAt = :now, lastVerificationOutcome = :outcome, lastVerificationReason = :reason, lastVerificationAt = :now';
    if (outcome === 'ACTIVE') {
      update += ', roleArn = :roleArn';
      values[':roleArn'] = { S: roleArn! };
    } else {
      update += ' REMOVE roleArn';
    }
    let condition = 'attribute_exists(pk)';
    if (registrationId !== undefined) {
      condition += ' AND registrationId = :registrationId';
      values[':registrationId'] = { S: registrationId };
    }
    try {
      const out = await this.dynamoDb.send(new this.ddb.UpdateItemCommand({
        TableName: this.tableName,
        Key: accountKey(accountId),
        UpdateExpression: update,
        ConditionExpression: condition,
        // `status` is a DynamoDB reserved word.
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }));
      return parseAccountItem(out.Attributes ?? {}, accountId);
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new NotRegisteredError(registrationId === undefined
          ? `${method}: account ${accountId} is not registered`
          : `${method}: account ${accountId} has no registration ${registrationId} (it was deregistered, and perhaps registered anew since)`);
      }
      throw error;
    }
  }

  /**
   * The registration of an account, whichever tenant holds it, or undefined when the account is not registered: the
   * vendor-side read the verifier makes (a consistent GetItem of the account item, which `grantRecordVerification`
   * and `grantRead` allow). Unlike `describe`, it is not scoped to a tenant, so it is not for tenant-facing code.
   *
   * @throws InvalidAccountIdError
   */
  public async getRegistration(accountId: string): Promise<Registration | undefined> {
    return this.getAccount(checkAccountId('getRegistration', accountId));
  }

  /**
   * Every registered account id, page by page (a Scan of the `byTenant` index, which holds account items only,
   * projecting `accountId`; the caller needs `dynamodb:Scan` on the index ARN): at most one page is held at a time, so 10,000 accounts are listed without holding them.
   * The index is eventually consistent: an account registered or deregistered a moment ago may be missing or listed.
   *
   * @throws InvalidRegistryItemError when an index item has no 12-digit accountId (the table was written by something else)
   */
  public async *listAccountIds(): AsyncIterable<string> {
    let start: Item | undefined;
    do {
      const out = await this.dynamoDb.send(new this.ddb.ScanCommand({
        TableName: this.tableName,
        IndexName: REGISTRY_SCHEMA.tenantIndex.name,
        ProjectionExpression: 'accountId',
        ExclusiveStartKey: start,
        Limit: LIST_PAGE_SIZE,
      }));
      for (const item of out.Items ?? []) {
        const accountId = item.accountId?.S;
        if (accountId === undefined || !ACCOUNT_ID_PATTERN.test(accountId)) {
          throw new InvalidRegistryItemError(`listAccountIds: an item of the ${REGISTRY_SCHEMA.tenantIndex.name} index has `
            + `${accountId === undefined ? 'no' : 'an invalid'} attribute accountId (expected 12 digits): it was not written by this registry`);
        }
        yield accountId;
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }

  private async getAccount(accountId: string): Promise<Registration | undefined> {
    const out = await this.dynamoDb.send(new this.ddb.GetItemCommand({
      TableName: this.tableName, Key: accountKey(accountId), ConsistentRead: true,
    }));
    return out.Item ? parseAccountItem(out.Item, accountId) : undefined;
  }

  private async answerExisting(existing: Registration, tenantId: string, supplied: string | undefined): Promise<RegisterResult> {
    if (existing.tenantId !== tenantId) {
      throw new AccountAlreadyRegisteredError(`register: account ${existing.accountId} is already registered on this platform, and an AWS account `
        + 'can be registered only once; if it belongs to this tenant, the registration that holds it must be deregistered first');
    }
    if (supplied !== undefined && !sameValue(supplied, existing.externalId)) {
      throw new ExternalIdMismatchError(`register: account ${existing.accountId} is already registered to tenant ${tenantId} with another ExternalId `
        + 'than the one supplied (values not shown); the registration was left as it is: call register without externalId to get it, '
        + 'or deregister the account first to register it with the supplied value');
    }
    return { ...existing, ...await this.publish(existing) };
  }

  /**
   * Reserves the supplied ExternalId, or a new random one; returns it, or undefined when the supplied one is reserved
   * already.
   */
  private async reserve(accountId: string, registrationId: string, now: string, supplied: string | undefined): Promise<string | undefined> {
    for (let attempt = 0; attempt < MAX_GENERATE_ATTEMPTS; attempt++) {
      const externalId = supplied ?? generateExternalId();
      try {
        await this.dynamoDb.send(new this.ddb.PutItemCommand({
          TableName: this.tableName,
          Item: { pk: { S: reservationKey(externalId) }, registrationId: { S: registrationId }, reservedAt: { S: now } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }));
        return externalId;
      } catch (error) {
        if (!isConditionFailure(error)) {
          throw error;
        }
        if (supplied !== undefined) {
          return undefined;
        }
      }
    }
    throw new Error(`register: ${MAX_GENERATE_ATTEMPTS} ExternalIds generated in a row for account ${accountId} had all been issued before, `
      + 'which 256 random bits make practically impossible: the platform\'s random generator is broken; nothing was registered');
  }

  /** Writes the account item unless the account is registered; returns whether it was written. */
  private async commit(registration: Registration): Promise<boolean> {
    try {
      await this.dynamoDb.send(new this.ddb.PutItemCommand({
        TableName: this.tableName,
        Item: accountItem(registration),
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) {
        return false;
      }
      throw error;
    }
  }

  /** Deletes this call's own reservation of a value that was never issued. */
  private async release(externalId: string, registrationId: string): Promise<void> {
    try {
      await this.dynamoDb.send(new this.ddb.DeleteItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: reservationKey(externalId) } },
        ConditionExpression: 'registrationId = :registrationId',
        ExpressionAttributeValues: { ':registrationId': { S: registrationId } },
      }));
    } catch (error) {
      // Not ours (any more): leave it.
      if (!isConditionFailure(error)) {
        throw error;
      }
    }
  }

  /** With `templates`: writes the account's template object and returns its quick-create link. */
  private async publish(registration: Registration): Promise<{ quickCreateUrl?: string }> {
    const templates = this.templates;
    if (!templates) {
      return {};
    }
    const key = `${templates.prefix}/${registration.accountId}/${templates.stackName}.template.json`;
    // The link is built first: a misconfigured client fails before anything is written.
    const bucketRegion = await s3Region(templates.s3);
    const domain = bucketRegion.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    const templateUrl = `https://${templates.bucketName}.s3.${bucketRegion}.${domain}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const link = quickCreateUrl({ templateUrl, stackName: templates.stackName, region: templates.region, externalId: registration.externalId });
    await templates.s3.send(new this.s3!.PutObjectCommand({
      Bucket: templates.bucketName,
      Key: key,
      Body: templates.templateBody,
      ContentType: 'application/json',
      // The bucket is the vendor's: a bucket of that name in another account is never written.
      ExpectedBucketOwner: this.vendorAccountId,
    }));
    return { quickCreateUrl: link };
  }
}

/** A supplied ExternalId, checked with `ExternalId.validate`'s defaults. */
function checkSuppliedExternalId(value: unknown, accountId: string): string {
  const problems = typeof value !== 'string'
    ? [`The ExternalId is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}; expected a string.`]
    : validateExternalId(value).problems;
  if (problems.length > 0) {
    throw new WeakExternalIdError(`register: the ExternalId supplied for account ${accountId} is not accepted (value not shown): ${problems.join(' ')}`, problems);
  }
  return value as string;
}

async function s3Region(s3: S3Client): Promise<string> {
  const region: unknown = s3.config.region;
  const value = typeof region === 'function' ? await region() : region;
  if (typeof value !== 'string' || !REGION_PATTERN.test(value)) {
    throw optionError('templates.s3', `region ${String(value)}`, 'expected an S3 client configured with the template bucket\'s Region, such as "eu-west-1"');
  }
  return value;
}

function accountKey(accountId: string): Item {
  return { [REGISTRY_SCHEMA.partitionKey]: { S: `${REGISTRY_SCHEMA.accountItemPrefix}${accountId}` } };
}

/** The reservation's key holds a digest, so the value itself leaves the table when its account is deregistered. */
function reservationKey(externalId: string): string {
  return `${REGISTRY_SCHEMA.externalIdItemPrefix}${createHash('sha256').update(externalId, 'utf8').digest('hex')}`;
}

/** Compares two ExternalIds in constant time (over their digests, which have one length). */
function sameValue(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === 'ConditionalCheckFailedException';
}

function accountItem(r: Registration): Item {
  return {
    ...accountKey(r.accountId),
    tenantId: { S: r.tenantId },
    accountId: { S: r.accountId },
    externalId: { S: r.externalId },
    status: { S: r.status },
    registrationId: { S: r.registrationId },
    createdAt: { S: r.createdAt },
    updatedAt: { S: r.updatedAt },
  };
}

const STATUSES: readonly string[] = ['PENDING', ...VERIFICATION_OUTCOMES];

/** Reads an account item, refusing one that does not have the registry's layout. */
function parseAccountItem(item: Item, accountId: string): Registration {
  const where = `${REGISTRY_SCHEMA.accountItemPrefix}${accountId}`;
  const text = (name: string, required: boolean, allowed?: readonly string[]): string | undefined => {
    const attribute = item[name];
    if (attribute === undefined && !required) {
      return undefined;
    }
    const value = attribute?.S;
    if (typeof value !== 'string' || (allowed && !allowed.includes(value))) {
      throw new InvalidRegistryItemError(`the registry item ${where} has ${attribute === undefined ? 'no' : 'an invalid'} attribute ${name}`
        + `${allowed ? ` (expected one of ${allowed.join(', ')})` : ' (expected a string)'}: it was not written by this registry`);
    }
    return value;
  };
  if (text('accountId', true) !== accountId) {
    throw new InvalidRegistryItemError(`the registry item ${where} holds another accountId: it was not written by this registry`);
  }
  const registration: Registration = {
    tenantId: text('tenantId', true)!,
    accountId,
    externalId: text('externalId', true)!,
    status: text('status', true, STATUSES) as RegistrationStatus,
    registrationId: text('registrationId', true)!,
    createdAt: text('createdAt', true)!,
    updatedAt: text('updatedAt', true)!,
  };
  const optional = {
    roleArn: text('roleArn', false),
    lastVerificationOutcome: text('lastVerificationOutcome', false, VERIFICATION_OUTCOMES) as VerificationOutcome | undefined,
    lastVerificationReason: text('lastVerificationReason', false),
    lastVerificationAt: text('lastVerificationAt', false),
  };
  return Object.assign(registration, Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)));
}
