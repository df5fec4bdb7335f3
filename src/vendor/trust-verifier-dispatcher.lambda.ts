// The TrustVerifier's dispatcher: on its schedule, lists every registered account (a Scan of the registry's byTenant
// index) and sends one SQS message per account to the worker's queue, 10 per SendMessageBatch. It runs as its own
// role (it never assumes customer roles) and never reads an ExternalId: the index Scan projects account ids only.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { accountIdsEnv, requiredEnv } from '../private/lambda-env';
import { AccountRegistry } from '../runtime';

/** What the dispatcher needs; `handler` builds it from the environment, tests inject their own. */
export interface DispatcherDependencies {
  /** Every registered account id (the run-time's `AccountRegistry.listAccountIds()`). */
  readonly listAccountIds: () => AsyncIterable<string>;
  /** The SQS client (AWS SDK v3) that sends the messages. */
  readonly sqs: Pick<SQSClient, 'send'>;
  /** URL of the worker's queue. */
  readonly queueUrl: string;
  /** Where the summary log line goes. */
  readonly writeLine: (line: string) => void;
}

/** What one scheduled run did. */
export interface DispatchSummary {
  /** Messages sent: one per registered account. */
  readonly dispatched: number;
}

/** SendMessageBatch takes at most 10 entries. */
const BATCH_SIZE = 10;
/** Rounds for the entries SQS failed on its side (not the sender's fault) before the run fails. */
const MAX_ROUNDS = 3;

/**
 * The dispatcher's handler for injected dependencies. Accounts are read and sent as they come (a page of the Scan
 * at a time), so memory stays bounded however many accounts are registered. Fails (and EventBridge's retry runs it
 * again: a repeated message only verifies an account twice) when SQS refuses an entry.
 */
export function createDispatcherHandler(deps: DispatcherDependencies): (event: unknown) => Promise<DispatchSummary> {
  const send = async (accountIds: string[]) => {
    let pending = accountIds.map((accountId, i) => ({ Id: String(i), MessageBody: JSON.stringify({ accountId }) }));
    for (let round = 1; pending.length > 0; round++) {
      const response = await deps.sqs.send(new SendMessageBatchCommand({ QueueUrl: deps.queueUrl, Entries: pending }));
      const failed = response.Failed ?? [];
      const fatal = failed.find((f) => f.SenderFault || round === MAX_ROUNDS);
      if (fatal) {
        throw new Error(`TrustVerifier dispatcher: SQS refused a message for the queue ${deps.queueUrl} (${fatal.Code}: ${fatal.Message ?? 'no message'}); `
          + `${failed.length} of ${pending.length} entries failed in round ${round}`);
      }
      pending = pending.filter((entry) => failed.some((f) => f.Id === entry.Id));
    }
  };

  return async () => {
    let dispatched = 0;
    let batch: string[] = [];
    for await (const accountId of deps.listAccountIds()) {
      batch.push(accountId);
      if (batch.length === BATCH_SIZE) {
        await send(batch);
        dispatched += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0) {
      await send(batch);
      dispatched += batch.length;
    }
    deps.writeLine(JSON.stringify({ level: 'info', message: 'dispatched every registered account for verification', dispatched }));
    return { dispatched };
  };
}

/** The dispatcher's dependencies from its environment (set by the TrustVerifier construct); fails naming a bad variable. */
function fromEnvironment(env: NodeJS.ProcessEnv): DispatcherDependencies {
  const registry = new AccountRegistry({
    tableName: requiredEnv(env, 'TABLE_NAME', 'the registry table\'s name'),
    dynamoDb: new DynamoDBClient({ retryMode: 'adaptive' }),
    vendorAccountId: requiredEnv(env, 'VENDOR_ACCOUNT_ID', 'the vendor\'s AWS account id'),
    forbiddenAccounts: accountIdsEnv(env, 'FORBIDDEN_ACCOUNTS'),
  });
  return {
    listAccountIds: () => registry.listAccountIds(),
    sqs: new SQSClient({ retryMode: 'adaptive' }),
    queueUrl: requiredEnv(env, 'QUEUE_URL', 'the URL of the TrustVerifier\'s queue'),
    writeLine: (line) => process.stdout.write(`${line}\n`),
  };
}

let configured: ((event: unknown) => Promise<DispatchSummary>) | undefined;

/** The Lambda entry point: configured from the environment on the first invocation. */
export async function handler(event: unknown): Promise<DispatchSummary> {
  configured ??= createDispatcherHandler(fromEnvironment(process.env));
  return configured(event);
}
