import { createHash } from 'crypto';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { accountIdsEnv, requiredEnv } from '../../src/private/lambda-env';
import type { VerificationResult } from '../../src/runtime';
import { createDispatcherHandler } from '../../src/vendor/trust-verifier-dispatcher.lambda';
import { createWorkerHandler } from '../../src/vendor/trust-verifier-worker.lambda';

// The handlers' own logic: event parsing, partial batch responses, EMF lines, batching of SendMessageBatch. The
// dispatcher talks to a loopback server speaking SQS's JSON protocol with the real SQSClient; the worker's verification
// itself (verifyAccount) is lane R's, tested against the local STS/IAM endpoint, so here it is the injected function
// the handler is built with.

interface SqsServer {
  readonly client: SQSClient;
  /** The entries of every SendMessageBatch request, one array per request. */
  readonly batches: Array<Array<{ Id: string; MessageBody: string }>>;
  /** Entry ids to fail on the next request, with whether it is the sender's fault. */
  failNext: Map<string, boolean>;
  close(): Promise<void>;
}

async function sqsServer(): Promise<SqsServer> {
  const batches: SqsServer['batches'] = [];
  const state = { failNext: new Map<string, boolean>() };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      if (target !== 'AmazonSQS.SendMessageBatch') {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InvalidAction', message: `unexpected ${target}` }));
        return;
      }
      const input = JSON.parse(body);
      batches.push(input.Entries);
      const failing = state.failNext;
      state.failNext = new Map();
      res.end(JSON.stringify({
        Successful: input.Entries.filter((e: any) => !failing.has(e.Id)).map((e: any) => ({
          Id: e.Id, MessageId: `m-${batches.length}-${e.Id}`, MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex'),
        })),
        Failed: input.Entries.filter((e: any) => failing.has(e.Id)).map((e: any) => ({
          Id: e.Id, SenderFault: failing.get(e.Id), Code: failing.get(e.Id) ? 'InvalidParameterValue' : 'InternalError', Message: 'refused',
        })),
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new SQSClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  return {
    client,
    batches,
    get failNext() { return state.failNext; },
    set failNext(v) { state.failNext = v; },
    close: () => new Promise((resolve) => { client.destroy(); server.close(() => resolve()); }),
  };
}

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/verifier';
const ids = (n: number) => Array.from({ length: n }, (_, i) => String(444455550000 + i));
async function* iterate(accountIds: string[]) {
  for (const id of accountIds) yield id;
}

describe('the dispatcher', () => {
  let sqs: SqsServer;
  beforeEach(async () => { sqs = await sqsServer(); });
  afterEach(() => sqs.close());

  test('sends one message per account, 10 per SendMessageBatch, and logs the count', async () => {
    const lines: string[] = [];
    const accounts = ids(25);
    const handler = createDispatcherHandler({
      listAccountIds: () => iterate(accounts), sqs: sqs.client, queueUrl: QUEUE_URL, writeLine: (l) => lines.push(l),
    });
    await expect(handler({})).resolves.toEqual({ dispatched: 25 });
    expect(sqs.batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(sqs.batches.flat().map((e) => JSON.parse(e.MessageBody))).toEqual(accounts.map((accountId) => ({ accountId })));
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ level: 'info', message: 'dispatched every registered account for verification', dispatched: 25 }]);
  });

  test('no registered account sends nothing', async () => {
    const handler = createDispatcherHandler({ listAccountIds: () => iterate([]), sqs: sqs.client, queueUrl: QUEUE_URL, writeLine: () => undefined });
    await expect(handler({})).resolves.toEqual({ dispatched: 0 });
    expect(sqs.batches).toEqual([]);
  });

  test('entries SQS failed on its side are sent again, alone', async () => {
    const handler = createDispatcherHandler({
      listAccountIds: () => iterate(ids(3)), sqs: sqs.client, queueUrl: QUEUE_URL, writeLine: () => undefined,
    });
    sqs.failNext = new Map([['1', false]]);
    await expect(handler({})).resolves.toEqual({ dispatched: 3 });
    expect(sqs.batches.map((b) => b.map((e) => JSON.parse(e.MessageBody).accountId))).toEqual([ids(3), [ids(3)[1]]]);
  });

  test('an entry refused as the sender\'s fault fails the run, naming the queue and the code', async () => {
    const handler = createDispatcherHandler({
      listAccountIds: () => iterate(ids(3)), sqs: sqs.client, queueUrl: QUEUE_URL, writeLine: () => undefined,
    });
    sqs.failNext = new Map([['2', true]]);
    await expect(handler({})).rejects.toThrow(
      `TrustVerifier dispatcher: SQS refused a message for the queue ${QUEUE_URL} (InvalidParameterValue: refused); 1 of 3 entries failed in round 1`);
  });
});

const result = (accountId: string, outcome: VerificationResult['outcome']): VerificationResult => ({
  accountId,
  tenantId: 'tenant-a',
  registrationId: 'r-1',
  roleArn: `arn:aws:iam::${accountId}:role/AcmeAccess`,
  outcome,
  reason: `the role is ${outcome}`,
  verifiedAt: '2026-12-01T00:00:00.000Z',
  checks: { withoutExternalId: 'denied' },
});

describe('the worker', () => {
  const OUTCOMES: Record<string, VerificationResult['outcome'] | Error> = {
    444455556661: 'ACTIVE',
    444455556662: 'UNSAFE',
    444455556663: 'UNREACHABLE',
    444455556664: Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }),
  };
  const build = () => {
    const lines: string[] = [];
    const verified: string[] = [];
    const handler = createWorkerHandler({
      functionName: 'Vendor-VerifierWorker',
      writeLine: (l) => lines.push(l),
      verify: async (accountId) => {
        verified.push(accountId);
        const outcome = OUTCOMES[accountId];
        if (outcome instanceof Error) throw outcome;
        return result(accountId, outcome);
      },
    });
    return { handler, lines: () => lines.map((l) => JSON.parse(l)), verified };
  };
  const record = (messageId: string, body: string) => ({ eventSource: 'aws:sqs', messageId, body, receiptHandle: 'h', attributes: {} });
  /** The metric an EMF line counts, checked against the EMF specification's shape. */
  const metricOf = (line: any): string => {
    expect(line._aws).toEqual({
      Timestamp: expect.any(Number),
      CloudWatchMetrics: [{ Namespace: 'CdkCrossAccountTrust/TrustVerifier', Dimensions: [['FunctionName']], Metrics: [{ Name: expect.any(String), Unit: 'Count' }] }],
    });
    const name = line._aws.CloudWatchMetrics[0].Metrics[0].Name;
    expect(line).toEqual({ _aws: line._aws, FunctionName: 'Vendor-VerifierWorker', [name]: 1 });
    return name;
  };

  test('an SQS batch: every record verified, the failed ones reported for retry, one EMF count per verification', async () => {
    const { handler, lines, verified } = build();
    const response = await handler({
      Records: [
        record('a', '{"accountId":"444455556661"}'), record('b', '{"accountId":"444455556662"}'),
        record('c', '{"accountId":"444455556663"}'), record('d', '{"accountId":"444455556664"}'),
        record('e', 'not json'), record('f', '{"accountId":"12345"}'),
      ],
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'd' }, { itemIdentifier: 'e' }, { itemIdentifier: 'f' }] });
    expect(verified.sort()).toEqual(['444455556661', '444455556662', '444455556663', '444455556664']);
    const emf = lines().filter((l) => l._aws !== undefined);
    expect(emf.map(metricOf).sort()).toEqual(['ACTIVE', 'FAILED', 'UNREACHABLE', 'UNSAFE']);
    expect(lines().filter((l) => l._aws === undefined)).toEqual([
      { level: 'error', message: 'verification failed', accountId: '444455556664', error: 'Throttling: Rate exceeded' },
      { level: 'error', message: 'TrustVerifier worker: invalid body of message e: it is not JSON; expected {"accountId": "<an AWS account id of 12 digits>"}' },
      { level: 'error', message: 'TrustVerifier worker: invalid body of message f: received accountId "12345"; expected {"accountId": "<an AWS account id of 12 digits>"}' },
    ]);
  });

  test('a direct invoke returns the result and counts it', async () => {
    const { handler, lines } = build();
    await expect(handler({ accountId: '444455556662' })).resolves.toEqual(result('444455556662', 'UNSAFE'));
    expect(lines().map(metricOf)).toEqual(['UNSAFE']);
  });

  test('a direct invoke whose verification throws fails with that error, counted as FAILED', async () => {
    const { handler, lines } = build();
    await expect(handler({ accountId: '444455556664' })).rejects.toThrow('Rate exceeded');
    expect(lines().filter((l) => l._aws !== undefined).map(metricOf)).toEqual(['FAILED']);
  });

  test('a direct invoke without a 12-digit account id is refused, verifying nothing', async () => {
    const { handler, verified } = build();
    await expect(handler({ account: '444455556661' })).rejects.toThrow(
      'TrustVerifier worker: invalid event: received accountId null; expected {"accountId": "<an AWS account id of 12 digits>"}');
    await expect(handler({ accountId: 444455556661 })).rejects.toThrow(/received accountId 444455556661;/);
    expect(verified).toEqual([]);
  });
});

describe('the handlers\' environment', () => {
  test('a missing or empty variable names itself and what it should hold', () => {
    expect(requiredEnv({ TABLE_NAME: 'registry' }, 'TABLE_NAME', 'the table')).toBe('registry');
    expect(() => requiredEnv({}, 'QUEUE_URL', 'the URL of the queue')).toThrow(
      'TrustVerifier: environment variable QUEUE_URL is not set; expected the URL of the queue (the TrustVerifier construct sets it)');
    expect(() => requiredEnv({ QUEUE_URL: ' ' }, 'QUEUE_URL', 'the URL of the queue')).toThrow(/QUEUE_URL is empty;/);
  });

  test('account lists are comma-separated 12-digit ids', () => {
    expect(accountIdsEnv({ FORBIDDEN_ACCOUNTS: '111122223333,111122224444' }, 'FORBIDDEN_ACCOUNTS')).toEqual(['111122223333', '111122224444']);
    expect(accountIdsEnv({}, 'FORBIDDEN_ACCOUNTS')).toEqual([]);
    expect(() => accountIdsEnv({ FORBIDDEN_ACCOUNTS: '111122223333, 1' }, 'FORBIDDEN_ACCOUNTS')).toThrow(
      'TrustVerifier: environment variable FORBIDDEN_ACCOUNTS is "111122223333, 1"; expected AWS account ids of 12 digits separated by commas');
  });
});
