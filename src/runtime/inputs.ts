import {
  ForbiddenAccountError, InvalidAccountIdError, InvalidRegistryOptionsError, InvalidTenantIdError, InvalidVerificationError,
} from './errors';
import { parseRoleArn } from '../private/iam-names';
import { REGION_PATTERN, STACK_NAME_PATTERN } from '../private/quick-create';
import { templatePrefixProblem } from '../private/template-prefix';

// Checks of what callers pass to the run-time registry. Values quoted in messages are account ids, tenant ids, names
// and ARNs, never an ExternalId.

/** An AWS account id: a string of exactly 12 digits. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/**
 * A tenant id is passed to STS as the `SourceIdentity` of the verifier's AssumeRole calls, so it follows that
 * parameter's rules (AWS STS API Reference, AssumeRole, request parameter SourceIdentity): 2 to 64 characters of
 * letters, digits and `_+=,.@-`. STS also reserves values starting with `aws:`, which this character set (no `:`)
 * already excludes.
 */
export const TENANT_ID_PATTERN = /^[\w+=,.@-]{2,64}$/;

/** What the verifier may record about a registered account. */
export const VERIFICATION_OUTCOMES = ['ACTIVE', 'UNSAFE', 'UNREACHABLE'] as const;

/** Longest `reason` of `recordVerification`: a sentence or a short paragraph, not a log. */
export const MAX_REASON_LENGTH = 1000;

/** A value as a message shows it: strings quoted (and cut when long), other types named. */
export function shown(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  }
  if (typeof value === 'number') {
    return `the number ${value}`;
  }
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : String(value);
}

/** The account id, checked: a string of exactly 12 digits. */
export function checkAccountId(method: string, value: unknown): string {
  if (typeof value !== 'string' || !ACCOUNT_ID_PATTERN.test(value)) {
    throw new InvalidAccountIdError(`${method}: invalid accountId ${shown(value)}: expected an AWS account id, a string of exactly 12 digits`);
  }
  return value;
}

/** The tenant id, checked against the rules of an STS source identity (see TENANT_ID_PATTERN). */
export function checkTenantId(method: string, value: unknown): string {
  if (typeof value !== 'string' || !TENANT_ID_PATTERN.test(value)) {
    throw new InvalidTenantIdError(`${method}: invalid tenantId ${shown(value)}: expected 2 to 64 characters of letters, digits and _+=,.@- `
      + '(the tenant id becomes the STS SourceIdentity of the verifier\'s sessions in the customer account, and STS accepts no others)');
  }
  return value;
}

/** Refuses the vendor's own account and the forbidden ones. */
export function checkAllowed(method: string, accountId: string, vendorAccountId: string, forbidden: ReadonlySet<string>): void {
  if (accountId === vendorAccountId) {
    throw new ForbiddenAccountError(`${method}: account ${accountId} cannot be registered: it is the vendor's own account, and a tenant `
      + 'who registered it could reach the vendor\'s own roles that trust its account root');
  }
  if (forbidden.has(accountId)) {
    throw new ForbiddenAccountError(`${method}: account ${accountId} cannot be registered: it is one of the registry's forbidden accounts`);
  }
}

/** The verification outcome, checked. */
export function checkOutcome(value: unknown): typeof VERIFICATION_OUTCOMES[number] {
  if (typeof value !== 'string' || !(VERIFICATION_OUTCOMES as readonly string[]).includes(value)) {
    throw new InvalidVerificationError(`recordVerification: invalid outcome ${shown(value)}: expected one of ${VERIFICATION_OUTCOMES.join(', ')}`);
  }
  return value as typeof VERIFICATION_OUTCOMES[number];
}

/** The verification reason, checked: a non-blank string of at most MAX_REASON_LENGTH characters. */
export function checkReason(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_REASON_LENGTH) {
    throw new InvalidVerificationError(`recordVerification: invalid reason ${shown(value)}: expected a non-blank string of at most `
      + `${MAX_REASON_LENGTH} characters saying what the verification found`);
  }
  return value;
}

/** The role ARN, checked: an IAM role ARN in `accountId`. */
export function checkRoleArn(value: unknown, accountId: string): string {
  const parsed = typeof value === 'string' ? parseRoleArn(value) : 'it is not a string';
  const problem = typeof parsed === 'string' ? parsed
    : parsed.account !== accountId ? `it is a role of account ${parsed.account}, not of the verified account ${accountId}` : undefined;
  if (problem) {
    throw new InvalidVerificationError(`recordVerification: invalid roleArn ${shown(value)}: ${problem}; expected the ARN of the IAM role `
      + `the verifier assumed in account ${accountId} (arn:<partition>:iam::${accountId}:role/<name>)`);
  }
  return value as string;
}

/**
 * A DynamoDB table name (3 to 255 of letters, digits and `_.-`; DynamoDB Developer Guide, "Supported data types and
 * naming rules") or a table ARN, which the SDK also accepts as `TableName`.
 */
const TABLE_NAME_PATTERN = /^(?:[A-Za-z0-9_.-]{3,255}|arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255})$/;

/**
 * An S3 bucket name the template URL can name in the virtual-hosted style over HTTPS: 3 to 63 lower-case letters,
 * digits and hyphens, starting and ending with a letter or digit (S3 User Guide, "General purpose bucket naming
 * rules"). Names with dots are valid buckets, but S3's wildcard certificate does not cover them in that style.
 */
const BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** An option error: `new AccountRegistry: invalid <option> <value>: <expected>`. */
export function optionError(option: string, value: unknown, expected: string): InvalidRegistryOptionsError {
  return new InvalidRegistryOptionsError(`new AccountRegistry: invalid ${option} ${shown(value)}: ${expected}`);
}

export function checkTableName(value: unknown): string {
  if (typeof value !== 'string' || !TABLE_NAME_PATTERN.test(value)) {
    throw optionError('tableName', value, 'expected the name of the registry\'s DynamoDB table (3 to 255 of letters, digits and _.-) or its ARN: '
      + 'the tableName of the CustomerAccountRegistry construct');
  }
  return value;
}

export function checkOptionAccount(option: string, value: unknown): string {
  if (typeof value !== 'string' || !ACCOUNT_ID_PATTERN.test(value)) {
    throw optionError(option, value, 'expected an AWS account id, a string of exactly 12 digits');
  }
  return value;
}

export function checkBucketName(value: unknown): string {
  if (typeof value !== 'string' || !BUCKET_NAME_PATTERN.test(value)) {
    throw optionError('templates.bucketName', value, 'expected the name of the template bucket: 3 to 63 lower-case letters, digits and hyphens, '
      + 'starting and ending with a letter or digit (no dots: the quick-create link names the bucket in an HTTPS host name, '
      + 'which S3\'s certificate covers only without dots)');
  }
  return value;
}

export function checkPrefix(value: unknown): string {
  const problem = typeof value !== 'string' ? 'expected a string' : templatePrefixProblem(value);
  if (problem) {
    throw optionError('templates.prefix', value, `${problem}: the templatePrefix of the CustomerAccountRegistry construct`);
  }
  return value as string;
}

export function checkStackName(value: unknown): string {
  if (typeof value !== 'string' || !STACK_NAME_PATTERN.test(value)) {
    throw optionError('templates.stackName', value, 'expected a CloudFormation stack name: a letter followed by up to 127 letters, digits and hyphens');
  }
  return value;
}

export function checkRegion(option: string, value: unknown): string {
  if (typeof value !== 'string' || !REGION_PATTERN.test(value)) {
    throw optionError(option, value, 'expected an AWS Region code such as "eu-west-1"');
  }
  return value;
}

/**
 * The onboarding template, checked: a CloudFormation template in JSON with resources and the ExternalId parameter of a
 * `CustomerRoleTemplate` (a String without a default: a default ExternalId would be the same for every account).
 */
export function checkTemplateBody(value: unknown, parameterName: string): string {
  const problem = (): string | undefined => {
    if (typeof value !== 'string') {
      return 'expected the template as a string';
    }
    let template: unknown;
    try {
      template = JSON.parse(value);
    } catch (error) {
      return `it is not JSON (${(error as Error).message}); expected the synthesized CustomerRoleTemplate, cdk.out/<stack>.template.json`;
    }
    const record = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (!record(template) || !record(template.Resources) || Object.keys(template.Resources).length === 0) {
      return 'it is not a CloudFormation template with Resources; expected the synthesized CustomerRoleTemplate';
    }
    const parameter = record(template.Parameters) ? template.Parameters[parameterName] : undefined;
    if (!record(parameter) || parameter.Type !== 'String') {
      return `it has no String parameter ${parameterName}, which the quick-create link fills with the account's ExternalId; `
        + 'expected the synthesized CustomerRoleTemplate';
    }
    if ('Default' in parameter) {
      return `its parameter ${parameterName} has a Default, which would be the same ExternalId for every account; expected none`;
    }
    return undefined;
  };
  const found = problem();
  if (found) {
    const received = typeof value === 'string' ? `(${value.length} characters)` : shown(value);
    throw new InvalidRegistryOptionsError(`new AccountRegistry: invalid templates.templateBody ${received}: ${found}`);
  }
  return value as string;
}
