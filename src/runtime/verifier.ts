import { randomBytes } from 'crypto';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AccountRegistry, Registration, VerificationOutcome } from './account-registry';
import { InvalidVerifierOptionsError, NotRegisteredError } from './errors';
import { ACCOUNT_ID_PATTERN, shown } from './inputs';
import { decodeTrustPolicy, limitReason, LIVE_POLICY_RULES, livePolicyFindings, proofProblem, scrubExternalId } from './live-policy';
import { loadIam, loadSts } from './sdk';
import { PARTITIONS, parseRoleArn, pathProblem, ROLE_NAME_PATTERN } from '../private/iam-names';
import { MissingPeerDependencyError } from '../private/optional-peer';
import { TrustPolicyProver } from '../prover/trust-policy-prover';
import type { Verdict } from '../prover/types';

/** Temporary credentials of the verifier's session in a customer role. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

/** One structured log entry of the verifier. It never holds an ExternalId or credentials. */
export interface VerificationLogEntry {
  /** ISO 8601 time of the entry. */
  readonly time: string;
  /** `info` for ACTIVE and run summaries, `warn` for UNSAFE and UNREACHABLE, `error` for an account that failed. */
  readonly level: 'info' | 'warn' | 'error';
  /**
   * `verification.started` (verifyAll), `account.verified` (an outcome was recorded), `account.failed` (an error was
   * thrown for the account; nothing recorded), `verification.finished` (verifyAll, with the counts).
   */
  readonly event: 'verification.started' | 'account.verified' | 'account.failed' | 'verification.finished';
  readonly accountId?: string;
  readonly tenantId?: string;
  readonly roleArn?: string;
  readonly outcome?: VerificationOutcome;
  readonly reason?: string;
  readonly checks?: VerificationChecks;
  /** For `account.failed`: the error's name and message. */
  readonly error?: string;
  /** For `verification.started`. */
  readonly concurrency?: number;
  /** For `verification.finished`. */
  readonly summary?: Omit<VerificationSummary, 'failures'>;
}

/** Options shared by `verifyAccount` and `verifyAll`. */
export interface VerifierOptions {
  /** The run-time AccountRegistry (reads the account's registration, records the outcome). */
  readonly registry: AccountRegistry;
  /**
   * STS client whose credentials are the vendor's deputy role (the one role every customer trusts). Configure it with
   * `retryMode: 'adaptive'`: throttling that outlives the SDK's retries is thrown, never an outcome.
   */
  readonly sts: STSClient;
  /**
   * The customer role's name, the same in every account (`VendorDeputyRole.customerRoleName`). Either this or
   * (verifyAccount only) `roleArn`.
   */
  readonly roleName?: string;
  /** Path of the customer role built from `roleName`. @default '/' */
  readonly rolePath?: string;
  /** Partition of the customer role ARN built from `roleName`. @default 'aws' */
  readonly partition?: string;
  /**
   * ARN of the deputy role, for the prover's attacks (only read when the prover runs).
   * @default - from STS GetCallerIdentity: the assumed-role session ARN turned into its role ARN (give it explicitly
   * for a role with a path, which a session ARN does not show)
   */
  readonly vendorRoleArn?: string;
  /**
   * Makes the IAM client for the customer session; the verifier destroys it after its one GetRole.
   * @default - new IAMClient({ region: the Region of `sts`, credentials, retryMode: 'adaptive' })
   */
  readonly iamClient?: (credentials: SessionCredentials) => IAMClient;
  /**
   * Run the attack prover (`cdk-cross-account-trust/prover`) on the live trust policy. true: required (throws
   * MissingPeerDependencyError without `@cloud-copilot/iam-simulate`); false: never.
   * @default - when @cloud-copilot/iam-simulate is installed
   */
  readonly prove?: boolean;
  /** Structured log sink. @default one JSON line per entry on console.log */
  readonly log?: (entry: VerificationLogEntry) => void;
}

/** Options of `verifyAccount`. */
export interface VerifyAccountOptions extends VerifierOptions {
  /** The customer account to verify (12 digits); it must be registered. */
  readonly accountId: string;
  /** ARN of the customer role in `accountId`, instead of `roleName` (then without `rolePath` and `partition`). */
  readonly roleArn?: string;
}

/** Options of `verifyAll`. */
export interface VerifyAllOptions extends VerifierOptions {
  /** Accounts verified at once. @default 10 (1 to 100) */
  readonly concurrency?: number;
  /** Called with each result as it comes (results are not accumulated: memory stays bounded). */
  readonly onResult?: (result: VerificationResult) => void;
  /** Which accounts. @default - every registered account (`registry.listAccountIds()`) */
  readonly accountIds?: Iterable<string> | AsyncIterable<string>;
}

/** What each check of a verification found. */
export interface VerificationChecks {
  /** AssumeRole without an ExternalId (must be denied). */
  readonly withoutExternalId: 'denied' | 'allowed';
  /** AssumeRole with a wrong random ExternalId (must be denied); absent when the check before already allowed. */
  readonly wrongExternalId?: 'denied' | 'allowed';
  /** AssumeRole with the account's ExternalId and SourceIdentity = tenant id (must be allowed). */
  readonly rightExternalId?: 'allowed' | 'denied';
  /** Whether the session could read the role's live trust policy with iam:GetRole. */
  readonly liveTrustPolicyRead?: boolean;
  /** Error-level findings of XAT1 to XAT3 on the live trust policy (messages without the ExternalId). */
  readonly findings?: ReadonlyArray<{ readonly ruleId: string; readonly message: string }>;
  /** The prover's verdict on the live trust policy, when it ran. */
  readonly proofVerdict?: Verdict;
}

/** The outcome of one account's verification, as recorded. */
export interface VerificationResult {
  readonly accountId: string;
  readonly tenantId: string;
  readonly registrationId: string;
  readonly roleArn: string;
  readonly outcome: VerificationOutcome;
  /** What the verification found, in at most 1,000 characters; never holds the ExternalId. */
  readonly reason: string;
  /** When the outcome was recorded (ISO 8601, UTC). */
  readonly verifiedAt: string;
  readonly checks: VerificationChecks;
}

/** What `verifyAll` did. */
export interface VerificationSummary {
  /** Accounts taken from the stream: active + unsafe + unreachable + failed. */
  readonly total: number;
  readonly active: number;
  readonly unsafe: number;
  readonly unreachable: number;
  /** Accounts for which an error was thrown (nothing recorded for them). */
  readonly failed: number;
  /**
   * At most the first 100 failures (an error thrown for the account, e.g. throttling that outlived the retries, a
   * missing registration): not recorded as an outcome.
   */
  readonly failures: ReadonlyArray<{ readonly accountId: string; readonly error: string }>;
}

/** The session the verifier asks for: the shortest STS grants, since it makes one GetRole call. */
const SESSION_SECONDS = 900;
/** What the customer's CloudTrail shows as the session name of each verification AssumeRole. */
const SESSION_NAME = 'cross-account-trust-verifier';
const DEFAULT_CONCURRENCY = 10;
const MAX_CONCURRENCY = 100;
const MAX_FAILURES_KEPT = 100;

/**
 * Verifies one registered customer account and records the outcome with `registry.recordVerification`.
 *
 * In order, stopping at the first that decides:
 * 1. `registry.getRegistration(accountId)` (DynamoDB GetItem): the tenant, the ExternalId, the registrationId.
 * 2. STS AssumeRole on the customer role without an ExternalId: allowed → UNSAFE.
 * 3. AssumeRole with a wrong random ExternalId: allowed → UNSAFE. (The credentials of an assume that should have
 *    been denied are dropped unused.)
 * 4. AssumeRole with the account's ExternalId and `SourceIdentity` = the tenant id: denied → UNREACHABLE (the role
 *    does not exist, does not trust the deputy, or lacks the ExternalId or `sts:SetSourceIdentity`).
 * 5. With that session, IAM GetRole on the role itself: denied → UNSAFE (what the role trusts cannot be proven; the
 *    customer updates the onboarding stack to a template with `allowVerification`).
 * 6. The rule engine's XAT1 to XAT3 on the URL-decoded live trust policy: an error-level finding → UNSAFE.
 * 7. The prover (when it runs) on the live trust policy: verdict `attackable` → UNSAFE naming the attacks.
 * 8. Otherwise ACTIVE. Then `registry.recordVerification({ accountId, outcome, reason, roleArn, registrationId })`,
 *    which lands only on the registration read in step 1.
 *
 * Permissions: the `sts` client's deputy role needs `sts:AssumeRole` and `sts:SetSourceIdentity` on the customer role
 * (the `VendorDeputyRole` policy), and `sts:GetCallerIdentity` (allowed to everyone) when the prover runs without
 * `vendorRoleArn`; the customer role grants its own session `iam:GetRole` on itself (`allowVerification`); the
 * caller needs DynamoDB GetItem and UpdateItem on the account item (`grantRecordVerification`).
 *
 * An `AccessDenied`/`AccessDeniedException` answer is a denial; every other error (throttling that outlived the SDK's
 * retries, a network error, expired deputy credentials) is thrown and nothing is recorded. Credentials are never
 * logged or kept; no reason, log entry or error message holds the ExternalId.
 *
 * @throws InvalidVerifierOptionsError when an option is unusable (before any request)
 * @throws MissingPeerDependencyError without `@aws-sdk/client-sts`/`@aws-sdk/client-iam`, or with `prove: true`
 *   without `@cloud-copilot/iam-simulate`
 * @throws NotRegisteredError when the account is not registered (or is registered anew while it is verified)
 */
export async function verifyAccount(options: VerifyAccountOptions): Promise<VerificationResult> {
  const fn = 'verifyAccount';
  const prepared = prepare(fn, options);
  const accountId = checkAccount(fn, options.accountId);
  let roleArn: string;
  if (options.roleArn !== undefined) {
    for (const other of ['roleName', 'rolePath', 'partition'] as const) {
      if (options[other] !== undefined) {
        throw optionError(fn, other, options[other], 'nothing when roleArn is given (give either roleArn, or roleName with rolePath and partition)');
      }
    }
    const parsed = typeof options.roleArn === 'string' ? parseRoleArn(options.roleArn) : 'it is not a string';
    const problem = typeof parsed === 'string' ? parsed
      : parsed.account !== accountId ? `it is a role of account ${parsed.account}, not of accountId ${accountId}` : undefined;
    if (problem) {
      throw optionError(fn, 'roleArn', options.roleArn, `the ARN of the customer role in account ${accountId}`, problem);
    }
    roleArn = options.roleArn;
  } else if (prepared.roleArnIn) {
    roleArn = prepared.roleArnIn(accountId);
  } else {
    throw optionError(fn, 'roleName', undefined, 'the name of the customer role (VendorDeputyRole.customerRoleName), or roleArn');
  }
  const verifier = await withProver(fn, prepared, options);
  try {
    const result = await verifyOne(verifier, accountId, roleArn);
    verifier.log(verifiedEntry(result));
    return result;
  } catch (error) {
    verifier.log(failedEntry(accountId, error));
    throw error;
  }
}

/**
 * Verifies every registered account (or `accountIds`), `concurrency` at a time, as `verifyAccount` does each, and
 * returns the counts. Ids are pulled from the stream as workers free up and results are handed to `onResult`, so
 * neither the ids nor the results are held. An account whose verification throws is counted as `failed` (the first
 * 100 kept with their error) and nothing is recorded for it; the run goes on. Listing the registry
 * (`listAccountIds`, which needs `dynamodb:Scan` on the `byTenant` index) failing, or `onResult` throwing, stops the
 * run: the accounts in flight finish and the error is thrown.
 *
 * @throws InvalidVerifierOptionsError when an option is unusable (before any request)
 * @throws MissingPeerDependencyError as `verifyAccount`
 */
export async function verifyAll(options: VerifyAllOptions): Promise<VerificationSummary> {
  const fn = 'verifyAll';
  const prepared = prepare(fn, options);
  const roleArnIn = prepared.roleArnIn;
  if (!roleArnIn) {
    throw optionError(fn, 'roleName', undefined, 'the name of the customer role, the same in every account (VendorDeputyRole.customerRoleName)');
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw optionError(fn, 'concurrency', concurrency, `an integer from 1 to ${MAX_CONCURRENCY}`);
  }
  const onResult = options.onResult;
  if (onResult !== undefined && typeof onResult !== 'function') {
    throw optionError(fn, 'onResult', onResult, 'a function called with each VerificationResult');
  }
  const ids = options.accountIds ?? prepared.registry.listAccountIds();
  const iterator = accountIterator(ids);
  if (!iterator) {
    throw optionError(fn, 'accountIds', ids, 'an Iterable or AsyncIterable of 12-digit account ids (not a string)');
  }
  const verifier = await withProver(fn, prepared, options);

  const counts = { total: 0, active: 0, unsafe: 0, unreachable: 0, failed: 0 };
  const failures: Array<{ accountId: string; error: string }> = [];
  let stopped: { error: unknown } | undefined;
  // One pull at a time: an async iterator need not support overlapping next() calls.
  let pulling: Promise<IteratorResult<unknown>> = Promise.resolve({ done: false, value: undefined });
  const pull = () => (pulling = pulling.then(() => iterator.next()));

  verifier.log({ time: now(), level: 'info', event: 'verification.started', concurrency });
  const worker = async (): Promise<void> => {
    while (!stopped) {
      let next: IteratorResult<unknown>;
      try {
        next = await pull();
      } catch (error) {
        stopped ??= { error };
        return;
      }
      if (next.done) {
        return;
      }
      counts.total++;
      let result: VerificationResult;
      try {
        const accountId = checkAccount(fn, next.value, 'account id from accountIds');
        result = await verifyOne(verifier, accountId, roleArnIn(accountId));
      } catch (error) {
        counts.failed++;
        const entry = failedEntry(typeof next.value === 'string' ? next.value : shown(next.value), error);
        if (failures.length < MAX_FAILURES_KEPT) {
          failures.push({ accountId: entry.accountId!, error: entry.error! });
        }
        verifier.log(entry);
        continue;
      }
      counts[result.outcome === 'ACTIVE' ? 'active' : result.outcome === 'UNSAFE' ? 'unsafe' : 'unreachable']++;
      verifier.log(verifiedEntry(result));
      try {
        onResult?.(result);
      } catch (error) {
        stopped ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (stopped) {
    await iterator.return?.();
    throw stopped.error;
  }
  verifier.log({ time: now(), level: 'info', event: 'verification.finished', summary: { ...counts } });
  return { ...counts, failures };
}

/** The checked options and loaded packages one verification call works with. */
interface Verifier {
  readonly registry: AccountRegistry;
  readonly sts: STSClient;
  readonly stsSdk: ReturnType<typeof loadSts>;
  readonly iamSdk: ReturnType<typeof loadIam>;
  /** The customer role ARN in an account, from roleName; undefined without roleName. */
  readonly roleArnIn?: (accountId: string) => string;
  readonly makeIam: (credentials: SessionCredentials) => Promise<IAMClient>;
  readonly prover?: { readonly prover: TrustPolicyProver; readonly vendorRoleArn: string };
  readonly log: (entry: VerificationLogEntry) => void;
}

/** Checks the shared options and loads the SDK packages; sends no request. */
function prepare(fn: string, options: VerifierOptions): Verifier {
  if (typeof options !== 'object' || options === null) {
    throw optionError(fn, 'options', options, 'an object with registry, sts and roleName');
  }
  const registry = options.registry;
  const methods = ['getRegistration', 'listAccountIds', 'recordVerification'] as const;
  if (typeof registry !== 'object' || registry === null || methods.some((m) => typeof (registry as any)[m] !== 'function')) {
    throw optionError(fn, 'registry', registry, 'an AccountRegistry of cdk-cross-account-trust/runtime');
  }
  const sts = options.sts;
  if (typeof (sts as { send?: unknown } | undefined)?.send !== 'function') {
    throw optionError(fn, 'sts', sts, 'an STSClient of the AWS SDK v3 (@aws-sdk/client-sts) with the deputy role\'s credentials');
  }
  let roleArnIn: ((accountId: string) => string) | undefined;
  if (options.roleName !== undefined) {
    if (typeof options.roleName !== 'string' || !ROLE_NAME_PATTERN.test(options.roleName)) {
      throw optionError(fn, 'roleName', options.roleName, 'an IAM role name: 1 to 64 of letters, digits and _+=,.@- (VendorDeputyRole.customerRoleName)');
    }
    const rolePath = options.rolePath ?? '/';
    const problem = typeof rolePath === 'string' ? pathProblem(rolePath) : 'expected a string';
    if (problem) {
      throw optionError(fn, 'rolePath', rolePath, problem.replace(/^expected /, ''));
    }
    const partition = options.partition ?? 'aws';
    if (typeof partition !== 'string' || !PARTITIONS.includes(partition)) {
      throw optionError(fn, 'partition', partition, `an AWS partition: one of ${PARTITIONS.join(', ')}`);
    }
    const roleName = options.roleName;
    roleArnIn = (accountId) => `arn:${partition}:iam::${accountId}:role${rolePath}${roleName}`;
  } else if (options.rolePath !== undefined || options.partition !== undefined) {
    const given = options.rolePath !== undefined ? 'rolePath' : 'partition';
    throw optionError(fn, given, options[given], 'nothing without roleName (they build the customer role ARN from it)');
  }
  if (options.vendorRoleArn !== undefined) {
    const parsed = typeof options.vendorRoleArn === 'string' ? parseRoleArn(options.vendorRoleArn) : 'it is not a string';
    if (typeof parsed === 'string') {
      throw optionError(fn, 'vendorRoleArn', options.vendorRoleArn, 'the ARN of the deputy role (arn:aws:iam::<vendor account>:role/<name>)', parsed);
    }
  }
  if (options.iamClient !== undefined && typeof options.iamClient !== 'function') {
    throw optionError(fn, 'iamClient', options.iamClient, 'a function that makes an IAMClient from session credentials');
  }
  if (options.prove !== undefined && typeof options.prove !== 'boolean') {
    throw optionError(fn, 'prove', options.prove, 'true (run the prover), false (never) or nothing (when @cloud-copilot/iam-simulate is installed)');
  }
  if (options.log !== undefined && typeof options.log !== 'function') {
    throw optionError(fn, 'log', options.log, 'a function called with each VerificationLogEntry');
  }

  const stsSdk = loadSts();
  const iamSdk = loadIam();
  const makeIam = options.iamClient
    ? async (credentials: SessionCredentials) => options.iamClient!(credentials)
    : async (credentials: SessionCredentials) => new iamSdk.IAMClient({ region: await clientRegion(sts), credentials, retryMode: 'adaptive' });

  return { registry, sts, stsSdk, iamSdk, roleArnIn, makeIam, log: options.log ?? ((entry) => console.log(JSON.stringify(entry))) };
}

/**
 * The verifier with its prover, when one runs: created (loading the evaluator) and given the deputy role's ARN, from
 * GetCallerIdentity when `vendorRoleArn` is not given. Called once per call, after every option is checked.
 */
async function withProver(fn: string, verifier: Verifier, options: VerifierOptions): Promise<Verifier> {
  const prover = createProver(options.prove);
  if (!prover) {
    return verifier;
  }
  return { ...verifier, prover: { prover, vendorRoleArn: options.vendorRoleArn ?? await callerRoleArn(fn, verifier.sts, verifier.stsSdk) } };
}

function createProver(prove: boolean | undefined): TrustPolicyProver | undefined {
  if (prove === false) {
    return undefined;
  }
  try {
    return new TrustPolicyProver();
  } catch (error) {
    if (prove === undefined && error instanceof MissingPeerDependencyError) {
      return undefined;
    }
    throw error;
  }
}

/** The deputy role's ARN from the STS client's identity: `arn:<p>:sts::<account>:assumed-role/<name>/<session>`. */
async function callerRoleArn(fn: string, sts: STSClient, stsSdk: ReturnType<typeof loadSts>): Promise<string> {
  const { Arn: arn } = await sts.send(new stsSdk.GetCallerIdentityCommand({}));
  const m = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[^/]+$/.exec(arn ?? '');
  if (!m) {
    throw optionError(fn, 'vendorRoleArn', undefined, `the ARN of the deputy role: the sts client's identity ${shown(arn)} is not an assumed role, `
      + 'so the prover cannot name the role that attacks are made as');
  }
  return `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`;
}

async function clientRegion(client: { config: { region?: unknown } }): Promise<string | undefined> {
  const region = client.config.region;
  return typeof region === 'function' ? region() : region as string | undefined;
}

/** The checks, outcome and reason of one account, recorded. Errors thrown here never hold the account's ExternalId. */
async function verifyOne(verifier: Verifier, accountId: string, roleArn: string): Promise<VerificationResult> {
  const registration = await verifier.registry.getRegistration(accountId);
  if (!registration) {
    throw new NotRegisteredError(`verify: account ${accountId} is not registered`);
  }
  try {
    const { outcome, reason, checks } = await examine(verifier, registration, roleArn);
    const recorded = await verifier.registry.recordVerification({
      accountId, outcome, reason, roleArn, registrationId: registration.registrationId,
    });
    return {
      accountId,
      tenantId: registration.tenantId,
      registrationId: registration.registrationId,
      roleArn,
      outcome,
      reason,
      verifiedAt: recorded.lastVerificationAt ?? now(),
      checks,
    };
  } catch (error) {
    // An SDK or evaluator message quoting a request could quote the ExternalId; it leaves here without it.
    if (error instanceof Error) {
      error.message = scrubExternalId(error.message, registration.externalId);
    }
    throw error;
  }
}

interface Examined {
  readonly outcome: VerificationOutcome;
  readonly reason: string;
  readonly checks: VerificationChecks;
}

async function examine(verifier: Verifier, registration: Registration, roleArn: string): Promise<Examined> {
  const { externalId, tenantId, accountId } = registration;
  const scrub = (text: string) => limitReason(scrubExternalId(text, externalId));
  const assume = (more: { ExternalId?: string; SourceIdentity?: string }) => verifier.sts.send(new verifier.stsSdk.AssumeRoleCommand({
    RoleArn: roleArn, RoleSessionName: SESSION_NAME, DurationSeconds: SESSION_SECONDS, ...more,
  })).then((out) => out.Credentials, (error) => {
    if (isAccessDenied(error)) {
      return undefined;
    }
    throw error;
  });

  if (await assume({})) {
    return {
      outcome: 'UNSAFE',
      reason: `the role ${roleArn} can be assumed without an ExternalId: its trust policy does not enforce sts:ExternalId, so anyone who can `
        + 'make the vendor act for them can have it act in this account (confused deputy); update the trust policy from the onboarding template',
      checks: { withoutExternalId: 'allowed' },
    };
  }
  if (await assume({ ExternalId: randomBytes(32).toString('base64url') })) {
    return {
      outcome: 'UNSAFE',
      reason: `the role ${roleArn} can be assumed with a wrong ExternalId: its trust policy does not compare sts:ExternalId exactly `
        + '(StringLike with a wildcard, ...IfExists or a Deny-only check); update the trust policy from the onboarding template',
      checks: { withoutExternalId: 'denied', wrongExternalId: 'allowed' },
    };
  }
  const credentials = await assume({ ExternalId: externalId, SourceIdentity: tenantId });
  if (!credentials) {
    return {
      outcome: 'UNREACHABLE',
      reason: `the role ${roleArn} could not be assumed with the account's ExternalId and SourceIdentity ${tenantId} (AccessDenied): `
        + 'it does not exist, or its trust policy does not allow the vendor\'s role sts:AssumeRole and sts:SetSourceIdentity with this ExternalId; '
        + 'the customer creates or updates the onboarding stack',
      checks: { withoutExternalId: 'denied', wrongExternalId: 'denied', rightExternalId: 'denied' },
    };
  }
  const assumed = { withoutExternalId: 'denied', wrongExternalId: 'denied', rightExternalId: 'allowed' } as const;

  const iam = await verifier.makeIam({
    accessKeyId: credentials.AccessKeyId!,
    secretAccessKey: credentials.SecretAccessKey!,
    sessionToken: credentials.SessionToken!,
    expiration: credentials.Expiration,
  });
  let role;
  try {
    role = (await iam.send(new verifier.iamSdk.GetRoleCommand({ RoleName: roleArn.slice(roleArn.lastIndexOf('/') + 1) }))).Role;
  } catch (error) {
    if (!isAccessDenied(error)) {
      throw error;
    }
  } finally {
    iam.destroy();
  }
  if (!role) {
    return {
      outcome: 'UNSAFE',
      reason: `the verifier's session in ${roleArn} may not read the role (iam:GetRole denied), so what the role trusts cannot be proven; `
        + 'the customer updates the onboarding stack to the current template, whose role grants iam:GetRole on itself (allowVerification)',
      checks: { ...assumed, liveTrustPolicyRead: false },
    };
  }

  const policy = decodeTrustPolicy(role.AssumeRolePolicyDocument);
  const findings = livePolicyFindings({ policy, maxSessionDuration: role.MaxSessionDuration, accountId, externalId });
  const proof = verifier.prover
    ? await verifier.prover.prover.proveTrust({ policy, roleArn, vendorRoleArn: verifier.prover.vendorRoleArn, externalId })
    : undefined;
  const checks: VerificationChecks = {
    ...assumed, liveTrustPolicyRead: true, findings, ...(proof ? { proofVerdict: proof.verdict } : {}),
  };
  const problems = [
    ...(findings.length > 0 ? [`the live trust policy has findings: ${findings.map((f) => `${f.ruleId}: ${f.message}`).join(' ')}`] : []),
    ...(proof ? [proofProblem(proof, externalId)].filter((p): p is string => p !== undefined) : []),
  ];
  if (problems.length > 0) {
    return { outcome: 'UNSAFE', reason: scrub(`the role ${roleArn} is assumed only with its ExternalId, but ${problems.join('; and ')}`), checks };
  }
  return {
    outcome: 'ACTIVE',
    reason: scrub(`the role ${roleArn} is denied without an ExternalId and with a wrong one, and assumed with the account's ExternalId; `
      + `its live trust policy passes ${LIVE_POLICY_RULES.join(', ')}${proof ? ` and the attack prover's verdict is ${proof.verdict}` : ''}`),
    checks,
  };
}

/** STS and IAM answer a request their policies deny with the error code AccessDenied (AccessDeniedException in JSON protocols). */
function isAccessDenied(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'AccessDenied' || name === 'AccessDeniedException';
}

function verifiedEntry(result: VerificationResult): VerificationLogEntry {
  return {
    time: now(),
    level: result.outcome === 'ACTIVE' ? 'info' : 'warn',
    event: 'account.verified',
    accountId: result.accountId,
    tenantId: result.tenantId,
    roleArn: result.roleArn,
    outcome: result.outcome,
    reason: result.reason,
    checks: result.checks,
  };
}

function failedEntry(accountId: string, error: unknown): VerificationLogEntry {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { time: now(), level: 'error', event: 'account.failed', accountId, error: text };
}

function checkAccount(fn: string, value: unknown, what = 'accountId'): string {
  if (typeof value !== 'string' || !ACCOUNT_ID_PATTERN.test(value)) {
    throw optionError(fn, what, value, 'an AWS account id, a string of exactly 12 digits');
  }
  return value;
}

function accountIterator(ids: unknown): AsyncIterator<unknown> | Iterator<unknown> | undefined {
  if (typeof ids !== 'object' || ids === null) {
    return undefined;
  }
  const asyncIterable = (ids as { [Symbol.asyncIterator]?: () => AsyncIterator<unknown> })[Symbol.asyncIterator];
  if (typeof asyncIterable === 'function') {
    return asyncIterable.call(ids);
  }
  const iterable = (ids as { [Symbol.iterator]?: () => Iterator<unknown> })[Symbol.iterator];
  return typeof iterable === 'function' ? iterable.call(ids) : undefined;
}

/** `<fn>: invalid <option> <value>: [<problem>; ]expected <expected>` */
function optionError(fn: string, option: string, value: unknown, expected: string, problem?: string): InvalidVerifierOptionsError {
  return new InvalidVerifierOptionsError(`${fn}: invalid ${option} ${value === undefined ? '(none given)' : shown(value)}: `
    + `${problem ? `${problem}; ` : ''}expected ${expected}`);
}

function now(): string {
  return new Date().toISOString();
}
