// The TrustVerifier's worker: runs as the vendor's deputy role (the one role every customer's trust policy names) and
// verifies one customer account per SQS record, or one account on a direct invoke (activation). Bundled with esbuild
// into assets/ at build time; the Lambda runtime provides @aws-sdk/*, and @cloud-copilot/iam-simulate (AGPL) is never
// bundled, so the worker runs without the prover.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { accountIdsEnv, requiredEnv } from '../private/lambda-env';
import { VerificationMetricName, verificationMetricLine } from '../private/verification-metrics';
import { AccountRegistry, VerificationResult, verifyAccount } from '../runtime';

/** What the worker needs besides the event; `handler` builds it from the environment, tests inject their own. */
export interface WorkerDependencies {
  /** Verifies one account and records the outcome (verifyAccount with the deputy's clients). */
  readonly verify: (accountId: string) => Promise<VerificationResult>;
  /** The worker function's name: the value of the metrics' dimension. */
  readonly functionName: string;
  /** Where EMF and log lines go (stdout in Lambda, where CloudWatch Logs extracts the metrics). */
  readonly writeLine: (line: string) => void;
}

/** The part of an SQS event the worker reads. */
interface SqsRecord { readonly messageId: string; readonly body: string }

/** The partial batch response: the records to retry (and after 3 receives, send to the dead-letter queue). */
export interface SqsBatchResponse {
  readonly batchItemFailures: ReadonlyArray<{ readonly itemIdentifier: string }>;
}

const ACCOUNT_ID = /^\d{12}$/;

/**
 * The worker's handler for injected dependencies: an SQS event (records whose body is `{"accountId": "<12 digits>"}`)
 * gives a partial batch response; a direct invoke `{"accountId": "<12 digits>"}` gives the VerificationResult (it holds
 * no ExternalId or credentials) or throws what the verification threw. Every verification writes one EMF line counting
 * its outcome, or FAILED when it threw.
 */
export function createWorkerHandler(deps: WorkerDependencies): (event: unknown) => Promise<VerificationResult | SqsBatchResponse> {
  const count = (metric: VerificationMetricName) => deps.writeLine(verificationMetricLine(deps.functionName, metric, Date.now()));
  const verify = async (accountId: string): Promise<VerificationResult> => {
    try {
      const result = await deps.verify(accountId);
      count(result.outcome);
      return result;
    } catch (e) {
      count('FAILED');
      // The run-time's error messages never hold an ExternalId or credentials.
      deps.writeLine(JSON.stringify({ level: 'error', message: 'verification failed', accountId, error: `${(e as Error).name}: ${(e as Error).message}` }));
      throw e;
    }
  };

  return async (event) => {
    const records = sqsRecords(event);
    if (records === undefined) {
      return verify(accountIdOf(event, 'event'));
    }
    const settled = await Promise.allSettled(records.map(async (record) => {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        throw new VerifierInputError(`TrustVerifier worker: invalid body of message ${record.messageId}: it is not JSON; expected {"accountId": "<an AWS account id of 12 digits>"}`);
      }
      return verify(accountIdOf(body, `body of message ${record.messageId}`));
    }));
    return {
      batchItemFailures: records.flatMap((record, i) => {
        const outcome = settled[i];
        if (outcome.status === 'fulfilled') return [];
        // verify() logged its own failures; a malformed message fails the same way on every receive and goes to the
        // dead-letter queue after 3.
        if (outcome.reason instanceof VerifierInputError) deps.writeLine(JSON.stringify({ level: 'error', message: outcome.reason.message }));
        return [{ itemIdentifier: record.messageId }];
      }),
    };
  };
}

class VerifierInputError extends Error {
  public override readonly name = 'VerifierInputError';
}

function sqsRecords(event: unknown): SqsRecord[] | undefined {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) return undefined;
  return records.map((r, i) => {
    if (r?.eventSource !== 'aws:sqs' || typeof r.messageId !== 'string' || typeof r.body !== 'string') {
      throw new VerifierInputError(`TrustVerifier worker: invalid event: Records[${i}] is not an SQS message (expected eventSource "aws:sqs", a messageId and a body)`);
    }
    return { messageId: r.messageId, body: r.body };
  });
}

function accountIdOf(value: unknown, what: string): string {
  const accountId = (value as { accountId?: unknown } | null)?.accountId;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    throw new VerifierInputError(`TrustVerifier worker: invalid ${what}: received accountId ${JSON.stringify(accountId ?? null)}; `
      + 'expected {"accountId": "<an AWS account id of 12 digits>"}');
  }
  return accountId;
}

/** The worker's dependencies from its environment (set by the TrustVerifier construct); fails naming a bad variable. */
function fromEnvironment(env: NodeJS.ProcessEnv): WorkerDependencies {
  const registry = new AccountRegistry({
    tableName: requiredEnv(env, 'TABLE_NAME', 'the registry table\'s name'),
    dynamoDb: new DynamoDBClient({ retryMode: 'adaptive' }),
    vendorAccountId: requiredEnv(env, 'VENDOR_ACCOUNT_ID', 'the vendor\'s AWS account id'),
    forbiddenAccounts: accountIdsEnv(env, 'FORBIDDEN_ACCOUNTS'),
  });
  // Without explicit credentials the client uses the function's role: the deputy.
  const sts = new STSClient({ retryMode: 'adaptive' });
  const roleName = requiredEnv(env, 'CUSTOMER_ROLE_NAME', 'the name of the role every customer creates');
  const rolePath = requiredEnv(env, 'CUSTOMER_ROLE_PATH', 'the IAM path of the role every customer creates');
  const partition = requiredEnv(env, 'PARTITION', 'the AWS partition of the customer roles, such as aws');
  const vendorRoleArn = requiredEnv(env, 'DEPUTY_ROLE_ARN', 'the ARN of the deputy role the function runs as');
  return {
    // The prover needs @cloud-copilot/iam-simulate, which is never bundled (AGPL): the rule engine alone checks the live policy.
    verify: (accountId) => verifyAccount({ registry, sts, accountId, roleName, rolePath, partition, vendorRoleArn, prove: false }),
    functionName: requiredEnv(env, 'AWS_LAMBDA_FUNCTION_NAME', 'the function\'s name (set by Lambda)'),
    writeLine: (line) => process.stdout.write(`${line}\n`),
  };
}

let configured: ((event: unknown) => Promise<VerificationResult | SqsBatchResponse>) | undefined;

/** The Lambda entry point: configured from the environment on the first invocation. */
export async function handler(event: unknown): Promise<VerificationResult | SqsBatchResponse> {
  configured ??= createWorkerHandler(fromEnvironment(process.env));
  return configured(event);
}
