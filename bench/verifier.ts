/**
 * verifyAll over 1,000 and 10,000 registered accounts (issue 14), on the compiled lib/: the real STSClient, IAMClient
 * and DynamoDBClient against the loopback STS + IAM of the tests and dynalite, both in a child process
 * (bench/verifier-servers.ts) so that this process's memory is the verifier's alone. Each size runs in a fresh process:
 * register every account (88% deploy the onboarding template, 8% the template without its ExternalId condition, 4%
 * no role), then verifyAll with the prover (installed here). Prints accounts per second, the outcomes, the verifier's
 * CPU per account, its peak RSS and its heap after a full GC against the start, and the 10k/1k ratios (flat is 1.0).
 *
 * The rate is a floor for AWS, not a forecast: the loopback endpoint evaluates every request's policies on the same
 * two cores as the verifier. No timing is asserted anywhere.
 *
 *   npx projen bench:verifier [--sizes=1000,10000] [--concurrency=50]   (part of npx projen bench; needs lib/)
 */
import { execFileSync, fork } from 'child_process';
import * as os from 'os';
import * as path from 'path';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const TS_NODE = { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'test', 'tsconfig.json'), TS_NODE_TRANSPILE_ONLY: 'true' };

interface Sample {
  readonly accounts: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly summary: Record<string, number>;
  readonly cpuMsPerAccount: number;
  readonly peakRssMb: number;
  readonly startRssMb: number;
  readonly heapGrowthMb: number;
  readonly requests: Record<string, number>;
}

async function run(accounts: number, concurrency: number): Promise<Sample> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled library, as users load it
  const runtime = require(path.join(__dirname, '..', 'lib', 'runtime'));
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { STSClient } = await import('@aws-sdk/client-sts');
  const { IAMClient } = await import('@aws-sdk/client-iam');

  const servers = fork(path.join(__dirname, 'verifier-servers.ts'), [], { execArgv: ['-r', 'ts-node/register'], env: TS_NODE });
  const ask = (message: object, answer: string) => new Promise<any>((resolve) => {
    const listener = (reply: any) => {
      if (answer in reply) {
        servers.off('message', listener);
        resolve(reply);
      }
    };
    servers.on('message', listener);
    servers.send(message);
  });
  await new Promise((resolve) => servers.once('message', resolve));
  const setup = await ask({ start: true }, 'sts');
  const dynamoDb = new DynamoDBClient({
    endpoint: setup.dynamoDb, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
  });
  const registry = new runtime.AccountRegistry({ tableName: setup.tableName, dynamoDb, vendorAccountId: setup.vendorAccountId });

  // Onboarding: each account registered (its ExternalId generated) and its role created, 20 at a time.
  const ids = Array.from({ length: accounts }, (_, i) => String(500000000000 + i));
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows: Array<[string, string, string]> = [];
    for (let j = 0; j < chunk.length; j += 20) {
      await Promise.all(chunk.slice(j, j + 20).map(async (accountId, k) => {
        const { externalId } = await registry.register({ tenantId: `tenant-${accountId}`, accountId });
        const n = (i + j + k) % 100;
        rows.push([accountId, externalId, n < 88 ? 'safe' : n < 96 ? 'unsafe' : 'none']);
      }));
    }
    await ask({ deploy: rows }, 'deployed');
  }

  const sts = new STSClient({
    endpoint: setup.sts,
    region: 'eu-west-1',
    // The expiration crossed IPC as a string.
    credentials: {
      ...setup.deputy, expiration: new Date(setup.deputy.expiration),
    },
    retryMode: 'adaptive',
  });
  global.gc!();
  const startRss = process.memoryUsage().rss;
  const startHeap = process.memoryUsage().heapUsed;
  let peakRss = startRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const summary = await runtime.verifyAll({
    registry,
    sts,
    roleName: setup.roleName,
    concurrency,
    iamClient: (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }) => new IAMClient({ endpoint: setup.sts, region: 'us-east-1', credentials, retryMode: 'adaptive' }),
    log: () => undefined,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  global.gc!();
  const heapGrowth = process.memoryUsage().heapUsed - startHeap;
  const { requests } = await ask({ requests: true }, 'requests');
  servers.kill();
  sts.destroy();
  dynamoDb.destroy();
  const { failures: _failures, ...counts } = summary;
  return {
    accounts,
    seconds,
    perSecond: accounts / seconds,
    summary: counts,
    cpuMsPerAccount: (used.user + used.system) / 1000 / accounts,
    peakRssMb: peakRss / 2 ** 20,
    startRssMb: startRss / 2 ** 20,
    heapGrowthMb: heapGrowth / 2 ** 20,
    requests,
  };
}

async function main(): Promise<void> {
  const runIndex = args.indexOf('--run');
  const concurrency = Number(option('concurrency', '50'));
  if (runIndex >= 0) {
    console.log(JSON.stringify(await run(Number(args[runIndex + 1]), concurrency)));
    return;
  }
  const sizes = option('sizes', '1000,10000').split(',').map(Number);
  console.log(`verifier: verifyAll against the loopback STS + IAM and dynalite, concurrency ${concurrency}, `
    + `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const samples: Sample[] = [];
  for (const n of sizes) {
    const out = execFileSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register', __filename, '--run', String(n), `--concurrency=${concurrency}`],
      { encoding: 'utf8', env: TS_NODE, stdio: ['ignore', 'pipe', 'inherit'] });
    const s: Sample = JSON.parse(out.trim().split('\n').pop()!);
    samples.push(s);
    console.log(`  ${String(n).padStart(6)} accounts: ${s.seconds.toFixed(1)} s, ${s.perSecond.toFixed(0)} accounts/s `
      + `(${s.summary.active} ACTIVE, ${s.summary.unsafe} UNSAFE, ${s.summary.unreachable} UNREACHABLE, ${s.summary.failed} failed); `
      + `verifier CPU ${s.cpuMsPerAccount.toFixed(1)} ms/account; RSS ${s.startRssMb.toFixed(0)} MB at the start, peak ${s.peakRssMb.toFixed(0)} MB; `
      + `heap after GC ${s.heapGrowthMb >= 0 ? '+' : ''}${s.heapGrowthMb.toFixed(1)} MB; requests ${JSON.stringify(s.requests)}`);
  }
  if (samples.length > 1) {
    const [first, last] = [samples[0], samples[samples.length - 1]];
    console.log(`  ${last.accounts}/${first.accounts}: rate ${(last.perSecond / first.perSecond).toFixed(2)}x, `
      + `peak RSS ${(last.peakRssMb / first.peakRssMb).toFixed(2)}x, CPU per account ${(last.cpuMsPerAccount / first.cpuMsPerAccount).toFixed(2)}x`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
