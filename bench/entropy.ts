/**
 * Times the ExternalId entropy estimator per call and prints the median, 99th percentile and worst time,
 * for values up to 128 characters (the guessable and random values of the table test, and random
 * values of every length up to 128) and for long inputs up to the STS maximum of 1224 characters (random
 * ones and ones made to stress each model: repeats, digits, separators, leet, host names, URLs, base64).
 * The first call, which loads the word lists, is timed on its own. Wall-clock times depend on the
 * machine's load, which is printed; the process's CPU time per call (including garbage collection
 * threads) depends less on it.
 *
 *   npx projen bench:entropy [rounds]   (part of npx projen bench)
 */
import * as os from 'os';
import { estimateEntropy } from '../src/external-id/entropy';
import { prng, randomValues, WEAK_FAMILIES } from '../test/external-id/entropy-values';

const BUDGET_MS = 1;

function shortValues(): string[] {
  const bytes = prng(7);
  const lengths = Array.from({ length: 96 }, (_, k) => 2 + k);
  return [
    ...Object.values(WEAK_FAMILIES).flat(),
    ...randomValues(20260601).map((r) => r.value),
    ...lengths.map((n) => Buffer.from(bytes(n)).toString('base64url').slice(0, Math.min(128, n + 32))),
  ];
}

function longValues(): string[] {
  const bytes = prng(11);
  const fill = (unit: string) => unit.repeat(Math.ceil(1224 / unit.length)).slice(0, 1224);
  return [
    Buffer.from(bytes(918)).toString('base64url'),
    Buffer.from(bytes(612)).toString('hex'),
    Array.from(bytes(1224), (b) => String(b % 10)).join(''),
    fill('a'),
    fill('ab'),
    fill('0123456789'),
    fill('abcdefghijklmnopqrstuvwxyz'),
    fill('qwertyuiop'),
    fill('P@ssw0rd'),
    fill('1'),
    fill('a.'),
    fill('a-'),
    fill('a+'),
    fill('https://'),
    fill('arn:aws:iam::123456789012:'),
    fill('acme.com.'),
    fill('x@acme.io.'),
    fill('customer-42-external-id-for-acme-corp-'),
    fill('YWNtZS1jdXN0b21lci0xMjM0NTY3ODkw'),
    fill('2024-05-01T12:30:00Z'),
    fill('c232ab00-9414-11ec-b3c8-9e6bdeced846-'),
    fill('Sup3rS3cr3tExt3rn@l1dF0rAcm3C0rp'),
  ];
}

/** Wall-clock milliseconds of each call, sorted, and the process's CPU milliseconds per call on average. */
function time(values: readonly string[], rounds: number): { times: number[]; cpu: number } {
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let r = 0; r < rounds; r++) {
    for (const value of values) {
      const start = process.hrtime.bigint();
      estimateEntropy(value);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  const used = process.cpuUsage(cpu);
  return { times: times.sort((a, b) => a - b), cpu: (used.user + used.system) / 1e3 / times.length };
}

function report(name: string, count: number, { times, cpu }: { times: number[]; cpu: number }): void {
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  console.log(`${name}: ${count} values x ${times.length / count} rounds; median ${at(0.5).toFixed(3)} ms`
    + ` (${(at(0.5) / BUDGET_MS).toFixed(2)} of the ${BUDGET_MS} ms budget), p99 ${at(0.99).toFixed(3)} ms, worst ${times[times.length - 1].toFixed(3)} ms;`
    + ` CPU ${cpu.toFixed(3)} ms a call on average`);
}

const rounds = Number(process.argv[2] ?? 5);
// Wall-clock times depend on what else the machine runs: say how busy it was.
console.log(`${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
const first = process.hrtime.bigint();
estimateEntropy('first call loads the word lists');
console.log(`first call (loads the word lists): ${(Number(process.hrtime.bigint() - first) / 1e6).toFixed(1)} ms`);
const short = shortValues();
const long = longValues();
console.log(`values up to 128 characters: ${short.length}, longest ${Math.max(...short.map((v) => v.length))}`);
// one round to warm up the JIT, not reported
time([...short, ...long], 1);
report('up to 128 characters', short.length, time(short, rounds));
report('long inputs (1224 characters)', long.length, time(long, rounds));
